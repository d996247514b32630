/**
 * A quiet reporter for `node --test`: one summary line when everything
 * passes; otherwise each failed check with its message (which names the
 * request, the answer and what convex-local printed), the checks skipped
 * because of it, and then the summary. The runner's exit code is unchanged.
 */
type TestEventData = {
  name: string;
  nesting: number;
  file?: string;
  skip?: string | boolean;
  details: { duration_ms: number; type?: string; error?: TestError };
};
type TestError = Error & { failureType?: string; cause?: unknown };
type TestEvent = { type: string; data: TestEventData & { message?: string } };

function describe(error: TestError | undefined): string {
  if (error === undefined) return "failed without an error";
  const cause = error.failureType === "testCodeFailure" && error.cause instanceof Error ? error.cause : error;
  // Messages from the scenario's steps are self-contained; anything else gets its stack.
  return cause.message.includes("convex-local (pid") ? cause.message : (cause.stack ?? cause.message);
}

export default async function* compatReporter(source: AsyncIterable<TestEvent>): AsyncGenerator<string> {
  const started = performance.now();
  let passedScenarios = 0;
  let passedChecks = 0;
  const failures: string[] = [];
  const skipped: string[] = [];
  const output: string[] = [];

  for await (const event of source) {
    const { data } = event;
    switch (event.type) {
      case "test:pass":
        if (data.skip !== undefined && data.skip !== false) skipped.push(`- ${data.name} (skipped: ${data.skip})`);
        else if (data.nesting === 0) passedScenarios += 1;
        else passedChecks += 1;
        break;
      case "test:fail": {
        const error = data.details.error;
        if (error?.failureType === "subtestsFailed") break; // its failed subtests are listed
        failures.push(`✖ ${data.name}\n  ${describe(error).replace(/\n/g, "\n  ")}`);
        break;
      }
      case "test:stderr":
      case "test:stdout":
        output.push(data.message ?? "");
        break;
      case "test:diagnostic":
        // The runner's own totals; ours follow.
        break;
    }
  }

  const seconds = ((performance.now() - started) / 1000).toFixed(0);
  if (failures.length > 0) {
    if (output.length > 0) yield `test output:\n${output.join("")}\n`;
    yield `${failures.join("\n\n")}\n\n`;
    if (skipped.length > 0) yield `${skipped.join("\n")}\n\n`;
    yield `compat: ${failures.length} failed, ${passedChecks} passed, ${skipped.length} skipped (${seconds} s)\n`;
  } else {
    yield `compat: ${passedScenarios} app shapes, ${passedChecks} checks passed after swapping @convex-dev/better-auth 0.12.5 for convex-better-auth on the same data (${seconds} s)\n`;
  }
}
