import type { ExportedFunction, TypeShape } from '../kit/typescript/extractExports.js';
import { docExamples } from './docExamples.js';
import { property, requiredParams, sameKind } from './plannedProperty.js';
import type { PlannedProperty } from './plannedProperty.js';

/** Writer/reader name pairs; the captured rest of both names must match (`encodeQuery`/`decodeQuery`). */
const ROUND_TRIPS: Array<[RegExp, RegExp]> = [
  [/^encode(.*)$/, /^decode(.*)$/],
  [/^serialize(.*)$/, /^deserialize(.*)$/],
  [/^stringify(.*)$/, /^parse(.*)$/],
  [/^format(.*)$/, /^parse(.*)$/],
  [/^compress(.*)$/, /^decompress(.*)$/],
  [/^escape(.*)$/, /^unescape(.*)$/],
  [/^pack(.*)$/, /^unpack(.*)$/],
  [/^to(.*)$/, /^from(.*)$/],
];

/** Which side of a failed round trip the generated test blames, in the assertion message it fails with. */
export const SUSPECT = /\b(writer|reader) suspected \(/;

/**
 * Round-trip properties of the writer/reader pairs of one module, found by name (`ROUND_TRIPS`) and
 * by type (the writer's output is the reader's input and back): `read(write(x))` must give `x`.
 * A failure alone does not say which side is wrong, so the generated test (the harness's
 * `roundTrip`) gathers evidence once the shrunk input fails: each side's doc-comment examples, the
 * reader on the writer's documented outputs, and whether the writer loses information (the reader's
 * result writes back to the same text: two inputs written alike, which no reader can tell apart).
 * Its message names the suspected side; with no evidence either way the reader is suspected (it
 * is the side that claims to read the writer's format) and the finding names both.
 */
export function planRoundTrips(pure: readonly ExportedFunction[]): PlannedProperty[] {
  const out: PlannedProperty[] = [];
  for (const f of pure) {
    for (const g of pure) {
      if (f === g || f.file !== g.file) continue;
      const pair = ROUND_TRIPS.find(([fr, gr]) => {
        const a = fr.exec(f.name);
        const b = gr.exec(g.name);
        return !!a && !!b && a[1] === b[1];
      });
      const fp = requiredParams(f);
      const gp = requiredParams(g);
      if (!pair || fp.length !== 1 || gp.length !== 1 || !fp[0] || !gp[0]) continue;
      if (!sameKind(f.returns, gp[0].type) || !sameKind(g.returns, fp[0].type)) continue;
      const writerExamples = JSON.stringify(examplesOf(f, fp[0].type));
      const readerExamples = JSON.stringify(examplesOf(g, gp[0].type));
      const where = (fn: ExportedFunction): string => JSON.stringify(`${fn.name} (${fn.file}:${fn.line})`);
      const body = `    return roundTrip({ write: m.${f.name}, read: m.${g.name}, writer: ${where(f)}, reader: ${where(g)}, writerExamples: ${writerExamples}, readerExamples: ${readerExamples} }, a0);`;
      const code = property(f, fp, body, `round-trip:${f.name}`).replace(`check(${JSON.stringify(f.name)},`, `check(${JSON.stringify(g.name)},`);
      out.push({ fn: g, oracle: `round-trip:${f.name}`, level: 'invariants', code, roundTrip: { writer: f, reader: g } });
    }
  }
  return out;
}

/** A function's doc-comment examples whose input has the type of its parameter. */
function examplesOf(fn: ExportedFunction, param: TypeShape): Array<[unknown, unknown]> {
  const type = param.kind === 'number' ? 'number' : param.kind === 'string' ? 'string' : undefined;
  return type === undefined ? [] : docExamples(fn.doc).filter(([input]) => typeof input === type);
}
