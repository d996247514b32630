/**
 * `expo-linking` for tests under Node: `createURL` as it behaves in a
 * standalone build (`myapp://path`). `vitest.config.ts` aliases
 * `expo-linking` here.
 *
 * @internal
 * @module
 */
import Constants from "./expo-constants.js";

export function createURL(path: string, options: { scheme?: string } = {}): string {
  const scheme = options.scheme ?? Constants.expoConfig.scheme;
  return `${scheme}://${path.replace(/^\/+/, "")}`;
}
