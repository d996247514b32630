/** One run of an operation with every component call logged (see metering/). */
import { startMetering, stopMetering } from "../metering/call-log.ts";
import type { Operation } from "./operations.ts";
import type { PreparedSide } from "./prepare-side.ts";
import type { CallGroup, MeteredRun } from "./result-types.ts";

export async function meterOperation(op: Operation, p: PreparedSide): Promise<MeteredRun> {
  startMetering();
  let log: ReturnType<typeof stopMetering>;
  try {
    await op.run(p);
  } finally {
    log = stopMetering();
  }
  const groups = new Map<string, CallGroup>();
  for (const call of log.calls) {
    const key = `${call.fn}|${call.model ?? ""}`;
    const group = groups.get(key) ?? { fn: call.fn, model: call.model, calls: 0, documentsRead: 0 };
    group.calls += 1;
    group.documentsRead += call.documentsRead;
    groups.set(key, group);
  }
  const transactionDocumentsRead = log.transactionTotals.length
    ? log.transactionTotals.reduce((sum, total) => sum + total.documentsRead, 0)
    : undefined;
  return {
    calls: log.calls.length,
    documentsRead: log.calls.reduce((sum, call) => sum + call.documentsRead, 0),
    groups: [...groups.values()],
    transactionDocumentsRead,
  };
}
