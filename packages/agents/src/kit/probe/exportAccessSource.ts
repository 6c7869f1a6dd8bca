/**
 * The code a generated module (a probe, a property test's harness, a benchmark) embeds to reach a
 * target's export by name, as the target's own code sees it: `__exportOwner(ns, name)`, the object
 * to read `name` from, given the module's ES namespace.
 *
 * An ES import of a CommonJS module gets `module.exports` as `default`, and Node's named-export
 * detection misses `module.exports = { f: function … }` past such a property, and every property of
 * a function (`micromatch.isMatch = …; module.exports = micromatch`); such a name is read from
 * `default`, and a call through the owner (`__exportOwner(m, 'uid').uid()`) runs with it as `this`
 * (nodejs-goof's `uid` calls `this.ran_no`). A transpiled ES module loaded as CommonJS
 * (`exports.__esModule`, Babel or tsc output) keeps its default export at `module.exports.default`.
 * With `typed`, the constant is declared for a TypeScript file.
 */
export function exportAccessSource(typed: boolean): string {
  return `const __exportOwner${typed ? ': (ns: any, name: string) => any' : ''} = function (ns, name) {
  const d = ns.default;
  const holder = d !== null && (typeof d === 'object' || typeof d === 'function') ? d : undefined;
  if (name === 'default') return holder !== undefined && holder.__esModule === true && 'default' in holder ? holder : ns;
  if (name in ns) return ns;
  if (holder !== undefined && name in holder) return holder;
  throw new Error('no export ' + name);
};`;
}
