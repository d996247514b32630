import { CodedError } from "./coded-error.ts";

const NAME = /^[a-zA-Z_]+[a-zA-Z0-9_]*$/;
const MAX_NAME_LENGTH = 256;
const MAX_VALUE_BYTES = 8 * 1024;
const MAX_VARIABLES = 512;
/** Set by the deployment itself; functions always see the deployment's own URLs. */
const BUILT_IN = new Set(["CONVEX_CLOUD_URL", "CONVEX_SITE_URL"]);

export type EnvChange = { name: string; value: string | null };

/**
 * Checks a batch of `update_environment_variables` changes with the real
 * backend's rules and returns the variables after applying it. Nothing is
 * applied when any change is refused.
 *
 * @example
 * ```ts
 * validateEnvChanges({ A: "1" }, [{ name: "B", value: "2" }]); // { A: "1", B: "2" }
 * validateEnvChanges({}, [{ name: "9X", value: "no" }]); // throws EnvironmentVariableNameInvalid
 * ```
 */
export function validateEnvChanges(current: Record<string, string>, changes: unknown): Record<string, string> {
  if (!Array.isArray(changes))
    throw new CodedError("BadRequest", "Expected `changes` to be an array of {name, value}.");
  const next = { ...current };
  const seen = new Set<string>();
  for (const change of changes as EnvChange[]) {
    const { name, value } = change ?? ({} as EnvChange);
    if (typeof name !== "string" || !NAME.test(name)) {
      throw new CodedError(
        "EnvironmentVariableNameInvalid",
        `The environment variable name ${name} is invalid. Environment variable names must begin with a letter and may only include characters a-z, A-Z, 0-9, and underscores.`,
      );
    }
    if (name.length > MAX_NAME_LENGTH) {
      throw new CodedError(
        "EnvironmentVariableNameTooLong",
        `The environment variable name ${name} is too long. Environment variable names must be less than ${MAX_NAME_LENGTH}.`,
      );
    }
    if (BUILT_IN.has(name)) {
      throw new CodedError(
        "EnvVarNameForbidden",
        `Environment variable with name "${name}" is built-in and cannot be overridden`,
      );
    }
    if (seen.has(name)) {
      throw new CodedError("EnvVarNameNotUnique", `An environment variable with name "${name}" already exists`);
    }
    seen.add(name);
    if (value === null || value === undefined) {
      delete next[name];
      continue;
    }
    if (typeof value !== "string") throw new CodedError("BadRequest", `The value of ${name} must be a string or null.`);
    const bytes = Buffer.byteLength(value);
    if (bytes > MAX_VALUE_BYTES) {
      throw new CodedError(
        "EnvironmentVariableValueTooLarge",
        `The environment variable value is ${bytes} bytes, which is too large. (max size: ${MAX_VALUE_BYTES}`,
      );
    }
    next[name] = value;
  }
  if (Object.keys(next).length > MAX_VARIABLES) {
    throw new CodedError("EnvVarLimitMet", `The environment variable limit (${MAX_VARIABLES}) has been met.`);
  }
  return next;
}
