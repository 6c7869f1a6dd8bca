import { docPairs } from '../kit/typescript/docPairs.js';

/** Input/output pairs a unary function's doc comment states (kit `docPairs`, any function's calls). */
export function docExamples(doc: string): Array<[unknown, unknown]> {
  return docPairs(doc).map(({ input, output }) => [input, output]);
}
