// Types for the external package (is-odd ships none); the CLI skips this file (its name has two dots).
declare module "is-odd" {
  export default function isOdd(value: number | string): boolean;
}
