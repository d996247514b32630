/**
 * A quiet reporter for `node --test`: on success one line per `» ` note the
 * tests left (versions, file counts) and a summary; on failure each failed
 * step with its message, the steps skipped because of it, what the tests
 * printed, and the summary. The runner's exit code is unchanged.
 */
type TestError = Error & { failureType?: string; cause?: unknown };
type TestEvent = {
  type: string;
  data: { name: string; nesting: number; skip?: string | boolean; message?: string; details?: { error?: TestError } };
};

function describeError(error: TestError | undefined): string {
  if (error === undefined) return "failed without an error";
  const cause = error.failureType === "testCodeFailure" && error.cause instanceof Error ? error.cause : error;
  // Assertion and step messages say what and where; a stack only for anything else.
  return cause.name === "AssertionError" || cause.message.includes("\n")
    ? cause.message
    : (cause.stack ?? cause.message);
}

export default async function* tarballReporter(source: AsyncIterable<TestEvent>): AsyncGenerator<string> {
  const started = performance.now();
  let passed = 0;
  const notes: string[] = [];
  const failures: string[] = [];
  const skipped: string[] = [];
  const output: string[] = [];
  for await (const { type, data } of source) {
    if (type === "test:pass") {
      if (data.skip !== undefined && data.skip !== false) skipped.push(`- ${data.name} (skipped: ${data.skip})`);
      else passed += 1;
    } else if (type === "test:fail") {
      const error = data.details?.error;
      if (error?.failureType === "subtestsFailed") continue; // its failed subtests are listed
      failures.push(`✖ ${data.name}\n  ${describeError(error).replace(/\n/g, "\n  ")}`);
    } else if (type === "test:diagnostic" && data.message?.startsWith("» ")) {
      notes.push(`tarball: ${data.message.slice(2)}`);
    } else if (type === "test:stdout" || type === "test:stderr") {
      output.push(data.message ?? "");
    }
  }
  const seconds = ((performance.now() - started) / 1000).toFixed(0);
  if (failures.length > 0) {
    if (output.length > 0) yield `test output:\n${output.join("")}\n`;
    yield `${failures.join("\n\n")}\n\n`;
    if (skipped.length > 0) yield `${skipped.join("\n")}\n\n`;
    yield `${notes.join("\n")}\ntarball: ${failures.length} failed, ${passed} passed, ${skipped.length} skipped (${seconds} s)\n`;
  } else {
    yield `${notes.join("\n")}\ntarball: ${passed} checks passed: packed, linted, installed and ran the guide from the tarballs (${seconds} s)\n`;
  }
}
