/**
 * An error with a stable string code and the HTTP status the Convex CLI
 * expects for it. The CLI prints `<code>: <message>` and special-cases a few
 * codes (`AuthConfigMissingEnvironmentVariable`, `MissingEnvironmentVariables`,
 * `BadAdminKey`), so the code is part of the protocol, not decoration.
 *
 * @example
 * ```ts
 * throw new CodedError("InvalidModules", "Hit an error while pushing: …");
 * ```
 */
export class CodedError extends Error {
  readonly code: string;
  readonly status: number;

  constructor(code: string, message: string, status = 400) {
    super(message);
    this.name = "CodedError";
    this.code = code;
    this.status = status;
  }
}

/**
 * Recognises a {@link CodedError} without `instanceof`, so errors that crossed
 * a worker boundary (plain objects with `code` and `message`) count too.
 *
 * @example
 * ```ts
 * if (isCodedError(err)) return reply(err.status, { code: err.code, message: err.message });
 * ```
 */
export function isCodedError(value: unknown): value is CodedError {
  return (
    typeof value === "object" &&
    value !== null &&
    typeof (value as CodedError).code === "string" &&
    typeof (value as CodedError).message === "string" &&
    typeof (value as CodedError).status === "number"
  );
}
