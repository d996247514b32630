/**
 * An error the backend itself reports about a call, as opposed to an error
 * the function's code threw: its message is the whole text, without
 * `Uncaught` and without frames (the backend's `JsError::from_message`).
 */

/**
 * A call failure reported in the backend's own words.
 *
 * @example
 * throw new BackendError("ArgumentValidationError: Value does not match validator. …");
 */
export class BackendError extends Error {
  name = "BackendError";
}
