/**
 * Source of a node:test custom reporter (`--test-reporter=<file>.mjs`): one JSON line per started,
 * passed or failed test, with its nesting, file, duration and error. node:test's own TAP and spec
 * reporters lose the file of each test when files run in parallel; its events keep it.
 */
export const NODE_TEST_REPORTER = `// Written by @qe-fleet/agents (kit/suite): node:test events as JSON lines.
export default async function* qeFleetReporter(source) {
  for await (const event of source) {
    if (event.type !== 'test:start' && event.type !== 'test:pass' && event.type !== 'test:fail') continue;
    const data = event.data ?? {};
    const details = data.details ?? {};
    const error = details.error;
    const cause = error && error.cause !== undefined ? error.cause : error;
    yield JSON.stringify({
      type: event.type,
      name: String(data.name),
      nesting: data.nesting ?? 0,
      file: data.file,
      suite: details.type === 'suite',
      skip: Boolean(data.skip) || Boolean(data.todo),
      durationMs: details.duration_ms,
      error: cause === undefined ? undefined : String((cause && cause.stack) || cause),
    }) + '\\n';
  }
}
`;
