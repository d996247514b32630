import { describe, expect, it } from "vitest";
import type { Engine, RunRequest, RunResult } from "../engine/types.ts";
import { FunctionLogStream } from "./function-log-stream.ts";
import { runQueryBatchRequest } from "./run-function-request.ts";

/** An engine whose queries answer from `answer`, with a commit ts that `commit()` moves. */
function fakeEngine(answer: (request: RunRequest, engine: { commit(): void }) => RunResult) {
  const runs: RunRequest[] = [];
  let ts = 1n;
  const control = { commit: () => void (ts += 1n) };
  const engine: Engine & { lastCommitTs(): bigint } = {
    validateDeployment: async () => null,
    deploy: async () => {},
    current: () => null,
    run: async (request) => {
      runs.push(request);
      return answer(request, control);
    },
    setEnvironmentVariables: () => {},
    close: async () => {},
    lastCommitTs: () => ts,
  };
  return { engine, runs };
}

async function logged(logs: FunctionLogStream): Promise<string[]> {
  const { entries } = await logs.poll(0, new AbortController().signal);
  return entries.map((entry) => entry.identifier);
}

describe("runQueryBatchRequest (/api/query_batch)", () => {
  it("answers each query as /api/query would, in its own format, with a failing query reported in its item", async () => {
    const { engine, runs } = fakeEngine((request) =>
      request.udfPath === "messages:fail"
        ? {
            status: "error",
            errorMessage: "Uncaught Error: boom",
            errorData: { n: 1n },
            logLines: ["[ERROR] 'failing'"],
          }
        : { status: "success", value: { count: 2n }, logLines: [] },
    );
    const logs = new FunctionLogStream();
    const reply = await runQueryBatchRequest({
      engine,
      logs,
      auth: { kind: "none" },
      body: {
        queries: [
          { path: "messages:count", args: {}, format: "convex_encoded_json" },
          { path: "messages.js:fail", args: [{}], format: "json" },
          { path: "messages:count", args: { since: { $integer: "AQAAAAAAAAA=" } } },
        ],
      },
    });
    expect(reply).toEqual({
      status: 200,
      body: {
        results: [
          { status: "success", value: { count: { $integer: "AgAAAAAAAAA=" } } },
          {
            status: "error",
            errorMessage: "Uncaught Error: boom",
            errorData: { n: "1" },
            logLines: ["[ERROR] 'failing'"],
          },
          { status: "success", value: { count: "2" } },
        ],
      },
    });
    expect(runs.map((r) => [r.componentPath, r.udfPath, r.expectedType, r.caller.kind])).toEqual([
      ["", "messages:count", "query", "anonymous"],
      ["", "messages:fail", "query", "anonymous"],
      ["", "messages:count", "query", "anonymous"],
    ]);
    expect(runs[2]!.args).toEqual({ since: 1n });
    expect(await logged(logs)).toEqual(["messages:count", "messages:fail", "messages:count"]);
  });

  it("runs the batch again when a commit landed between its queries, so every answer is from one snapshot", async () => {
    let calls = 0;
    const { engine } = fakeEngine((_request, control) => {
      calls += 1;
      // A commit lands while the first attempt runs (after its first query).
      if (calls === 1) control.commit();
      return { status: "success", value: calls, logLines: [] };
    });
    const logs = new FunctionLogStream();
    const reply = await runQueryBatchRequest({
      engine,
      logs,
      auth: { kind: "admin" },
      body: {
        queries: [
          { path: "a:q", args: {} },
          { path: "b:q", args: {} },
        ],
      },
    });
    expect(reply.body).toEqual({
      results: [
        { status: "success", value: 3 },
        { status: "success", value: 4 },
      ],
    });
    // The discarded attempt is not in the log tail.
    expect(await logged(logs)).toEqual(["a:q", "b:q"]);
  });

  it("answers its last attempt when commits never stop", async () => {
    let calls = 0;
    const { engine } = fakeEngine((_request, control) => {
      control.commit();
      return { status: "success", value: (calls += 1), logLines: [] };
    });
    const reply = await runQueryBatchRequest({
      engine,
      logs: new FunctionLogStream(),
      auth: { kind: "none" },
      body: {
        queries: [
          { path: "a:q", args: {} },
          { path: "b:q", args: {} },
        ],
      },
    });
    expect(calls).toBe(10);
    expect(reply.body).toEqual({
      results: [
        { status: "success", value: 9 },
        { status: "success", value: 10 },
      ],
    });
  });

  it("fails the whole request with 400 on a malformed body or item, before running anything", async () => {
    const { engine, runs } = fakeEngine(() => ({ status: "success", value: null, logLines: [] }));
    const run = (body: unknown) =>
      runQueryBatchRequest({ engine, logs: new FunctionLogStream(), auth: { kind: "none" }, body });
    await expect(run({})).rejects.toMatchObject({ code: "BadJsonBody", status: 400 });
    await expect(
      run({
        queries: [
          { path: "a:q", args: {} },
          { path: "", args: {} },
        ],
      }),
    ).rejects.toMatchObject({
      code: "BadConvexFunctionIdentifier",
      status: 400,
    });
    await expect(run({ queries: [{ path: "a:q", args: {}, format: "xml" }] })).rejects.toMatchObject({
      code: "BadFormat",
      status: 400,
    });
    await expect(run({ queries: [{ path: "a:q", args: 7 }] })).rejects.toMatchObject({
      code: "InvalidArgs",
      status: 400,
    });
    expect(runs).toHaveLength(0);
    expect(await run({ queries: [] })).toEqual({ status: 200, body: { results: [] } });
  });
});
