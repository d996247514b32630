/**
 * The record of component calls made while metering is on. One process runs
 * one operation at a time, so a single module-level log is enough; both
 * deployments' app modules import this same module instance.
 */

/** One call from the app into the Better Auth component. */
export type ComponentCall = {
  kind: "query" | "mutation";
  /** `module.function` inside the component, e.g. `adapter.findOne`. */
  fn: string;
  /** The Better Auth model the call is about, when the args name one. */
  model?: string;
  /** Documents read as Convex bills them: every document in each scanned index range. */
  documentsRead: number;
};

/** Documents read by a whole app query, to check the per-call sums against. */
export type TransactionTotal = { documentsRead: number };

type LogState = { enabled: boolean; calls: ComponentCall[]; transactionTotals: TransactionTotal[] };

const state: LogState = { enabled: false, calls: [], transactionTotals: [] };

export function isMetering(): boolean {
  return state.enabled;
}

export function startMetering(): void {
  state.enabled = true;
  state.calls = [];
  state.transactionTotals = [];
}

/** Stops metering and returns what was recorded since {@link startMetering}. */
export function stopMetering(): { calls: ComponentCall[]; transactionTotals: TransactionTotal[] } {
  state.enabled = false;
  return { calls: state.calls, transactionTotals: state.transactionTotals };
}

export function recordCall(call: ComponentCall): void {
  if (state.enabled) state.calls.push(call);
}

export function recordTransactionTotal(total: TransactionTotal): void {
  if (state.enabled) state.transactionTotals.push(total);
}
