import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { test } from 'node:test';
import { checkPackage } from '../check.js';

function workspace(files) {
  const root = mkdtempSync(join(tmpdir(), 'qe-boundaries-'));
  writeFileSync(join(root, 'pnpm-workspace.yaml'), 'packages:\n  - packages/*\n');
  for (const [path, content] of Object.entries(files)) {
    mkdirSync(dirname(join(root, path)), { recursive: true });
    writeFileSync(join(root, path), typeof content === 'string' ? content : JSON.stringify(content));
  }
  return root;
}

const pkg = (name, deps = {}) => ({ name, exports: { '.': './dist/index.js' }, dependencies: deps });

test('a clean package passes', () => {
  const root = workspace({
    'packages/a/package.json': pkg('@x/a'),
    'packages/a/src/index.ts': "export { f } from './f.js';",
    'packages/a/src/f.ts': 'export const f = 1;',
    'packages/b/package.json': pkg('@x/b', { '@x/a': 'workspace:*' }),
    'packages/b/src/index.ts': "import { f } from '@x/a'; export const g = f;",
  });
  assert.deepEqual(checkPackage(join(root, 'packages/b')), []);
});

test('deep imports, undeclared imports and escaping relative imports fail', () => {
  const root = workspace({
    'packages/a/package.json': pkg('@x/a'),
    'packages/a/src/index.ts': 'export const f = 1;',
    'packages/c/package.json': pkg('@x/c'),
    'packages/b/package.json': pkg('@x/b', { '@x/a': 'workspace:*' }),
    'packages/b/src/index.ts': [
      "import { f } from '@x/a/src/index.js';",
      "import '@x/c';",
      "import '../../a/src/index.js';",
    ].join('\n'),
  });
  const problems = checkPackage(join(root, 'packages/b'));
  assert.equal(problems.length, 3, problems.join('\n'));
  assert.match(problems.join('\n'), /deep import '@x\/a\/src\/index\.js'/);
  assert.match(problems.join('\n'), /imports @x\/c without declaring/);
  assert.match(problems.join('\n'), /leaves the package/);
});

test('a module cycle inside a package fails', () => {
  const root = workspace({
    'packages/a/package.json': pkg('@x/a'),
    'packages/a/src/index.ts': "export * from './one.js';",
    'packages/a/src/one.ts': "import { two } from './two.js'; export const one = two;",
    'packages/a/src/two.ts': "import { one } from './one.js'; export const two = () => one;",
  });
  const [problem] = checkPackage(join(root, 'packages/a'));
  assert.match(problem ?? '', /import cycle: src\/one\.ts -> src\/two\.ts -> src\/one\.ts/);
});

test('a cycle between packages fails', () => {
  const root = workspace({
    'packages/a/package.json': pkg('@x/a', { '@x/b': 'workspace:*' }),
    'packages/b/package.json': pkg('@x/b', { '@x/a': 'workspace:*' }),
  });
  assert.match(checkPackage(join(root, 'packages/a')).join('\n'), /package cycle: .*@x\/a -> @x\/b -> @x\/a|package cycle: .*@x\/b -> @x\/a -> @x\/b/);
});
