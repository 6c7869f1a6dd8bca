import { describe, expect, it } from 'vitest';
import { exportAccessSource } from '../../src/kit/probe/exportAccessSource.js';

type Owner = (ns: object, name: string) => Record<string, (...args: unknown[]) => unknown>;
// The snippet as a generated module embeds it, evaluated on namespaces shaped like Node's.
const exportOwner = new Function(`${exportAccessSource(false)}\nreturn __exportOwner;`)() as Owner;

describe('exportAccessSource', () => {
  it('reads a named export from the namespace', () => {
    const ns = { slugify: (s: string) => s.toLowerCase(), default: { slugify: () => 'from default' } };
    expect(exportOwner(ns, 'slugify').slugify!('A B')).toBe('a b');
  });

  it('reads a CommonJS exports object member Node did not list from default, called on that object', () => {
    const utils = { prefix: 'id-', uid(this: { prefix: string }) { return `${this.prefix}1`; } };
    const ns = { default: utils };
    expect(exportOwner(ns, 'uid').uid!()).toBe('id-1');
  });

  it("reads a property of a CommonJS function export (micromatch's isMatch) from the function", () => {
    const micromatch = Object.assign((list: string[]) => list, { isMatch: (s: string) => s === 'a' });
    expect(exportOwner({ default: micromatch }, 'isMatch').isMatch!('a')).toBe(true);
  });

  it("reads a transpiled module's default export from module.exports.default, a plain CommonJS default from the namespace", () => {
    const compiled = () => 'compiled';
    expect(exportOwner({ default: { __esModule: true, default: compiled } }, 'default').default).toBe(compiled);
    const plain = () => 'plain';
    expect(exportOwner({ default: plain }, 'default').default).toBe(plain);
  });

  it('throws for a name neither the namespace nor an object default holds', () => {
    expect(() => exportOwner({ default: { a: 1 } }, 'b')).toThrow('no export b');
    expect(() => exportOwner({ default: 'text' }, 'length')).toThrow('no export length');
  });
});
