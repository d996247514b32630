/**
 * Argument and return-value validation with the backend's texts
 * (`validator-errors.ts`), for every call, nested ones included.
 *
 * convex-test reads a function's validators through `exportArgs()` and
 * `exportReturns()` when it calls it, and checks them with its own texts.
 * So each loaded function answers convex-test "no validator" (`any` args,
 * no returns) and checks the real ones itself, around its handler: the
 * arguments before it runs, the value after (in a mutation, still inside
 * its transaction, so a bad return value rolls it back as on Convex).
 */
import { BackendError } from "./backend-error.ts";
import { validationErrorText, type ValidatorJson } from "./validator-errors.ts";

const VALIDATED = Symbol.for("convex-local.backendValidation");

type RegisteredFunction = {
  isQuery?: unknown;
  isMutation?: unknown;
  isAction?: unknown;
  exportArgs?: () => string;
  exportReturns?: () => string;
  _handler?: unknown;
  [VALIDATED]?: true;
};

/**
 * Makes the functions a module exports validate with the backend's texts
 * (once per function object).
 *
 * @example
 * validateWithBackendTexts(await import(file));
 */
export function validateWithBackendTexts(module: Record<string, unknown>): void {
  for (const exported of Object.values(module)) {
    if (typeof exported !== "function" && (typeof exported !== "object" || exported === null)) continue;
    const fn = exported as RegisteredFunction;
    if (fn[VALIDATED] || typeof fn._handler !== "function") continue;
    if (fn.isQuery !== true && fn.isMutation !== true && fn.isAction !== true) continue;
    if (typeof fn.exportArgs !== "function" || typeof fn.exportReturns !== "function") continue;
    const args = JSON.parse(fn.exportArgs()) as ValidatorJson;
    const returns = JSON.parse(fn.exportReturns()) as ValidatorJson | null;
    // convex-test refuses other args validators itself, as the backend refuses them at push.
    if (args.type !== "object" && args.type !== "any") continue;
    const handler = fn._handler as (ctx: unknown, args: unknown) => unknown;
    fn._handler = async (ctx: unknown, callArgs: unknown) => {
      const badArgs = validationErrorText(args, callArgs ?? {});
      if (badArgs !== null) throw new BackendError(`ArgumentValidationError: ${badArgs}`);
      const result = await handler(ctx, callArgs);
      if (returns !== null) {
        const badResult = validationErrorText(returns, result === undefined ? null : result);
        if (badResult !== null) throw new BackendError(`ReturnsValidationError: ${badResult}`);
      }
      return result;
    };
    fn.exportArgs = () => JSON.stringify({ type: "any" });
    fn.exportReturns = () => "null";
    fn[VALIDATED] = true;
  }
}
