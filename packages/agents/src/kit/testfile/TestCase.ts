/**
 * One assertion of a neutral test case. Expressions (`actual`, `call`, `value`, `expectedCode`) are
 * JavaScript source that may use the names the test file imports (`TestFileSpec.imports`) and
 * `await` when the case is `async`; they are written as they are.
 */
export type TestAssertion =
  /** `actual` deep-equals `expected` (a value, rendered as a literal) or `expectedCode` (an expression). */
  | { kind: 'deepEqual'; actual: string; expected?: unknown; expectedCode?: string }
  /** Evaluating `call` throws (or, in an async case, rejects). */
  | { kind: 'throws'; call: string }
  /** `value` is truthy. */
  | { kind: 'ok'; value: string };

/** One test: a name, optional statements before the assertions, and the assertions. */
export interface TestCase {
  name: string;
  /** Statements run first (JavaScript, one per entry), e.g. `const input = 'a b';`. */
  setup?: readonly string[];
  assertions: readonly TestAssertion[];
  /**
   * Statements that must run however the test ends (restoring stubbed globals, real timers): the
   * setup and assertions are then wrapped in `try { … } finally { … }`.
   */
  teardown?: readonly string[];
  /** The body awaits (`await` in setup or expressions). */
  async?: boolean;
  /** A comment written above the test (why it exists, the counter-example it reproduces). */
  comment?: string;
}

/** How the test file imports the module under test. */
export interface TestImports {
  /** `import { a, b } from …` / `const { a, b } = require(…)`. */
  named?: readonly string[];
  /** `import x from …` / `const x = require(…)` (CommonJS `module.exports = …`). */
  default?: string;
  /** `import * as m from …` / `const m = require(…)`. */
  namespace?: string;
}

/** A test file to write, independent of the runner it will be written for. */
export interface TestFileSpec {
  /** The module under test, relative to the target root (`src/index.ts`, `lib/util.js`). */
  module: string;
  imports: TestImports;
  cases: readonly TestCase[];
  /** Name of the enclosing suite (`describe`), when the runner has one; default the module's base name. */
  suite?: string;
  /**
   * Lines written after the imports, as they are: further imports a case needs (a mocking
   * library, type-only imports of the module's interfaces) or shared declarations.
   */
  preamble?: readonly string[];
  /** First-line comment (who generated the file). */
  header?: string;
  /** Base name of the file to write (default the module's base name + `.generated`). */
  baseName?: string;
}
