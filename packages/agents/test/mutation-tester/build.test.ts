import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { openTarget, runMutants } from '@qe-fleet/agents';
import { writeProject } from '../support/writeProject.js';

let tmp: string | undefined;

afterAll(async () => {
  if (tmp) await rm(tmp, { recursive: true, force: true });
});

describe('kit/mutation on tests of the build output', () => {
  it("builds the mutated sources in Stryker's sandbox when no test imports them (lukeed/tinydate's tests require ../dist/tinydate)", async () => {
    tmp = await mkdtemp(join(tmpdir(), 'qe-mt-build-'));
    const add = 'exports.add = function add(a, b) {\n  return a + b;\n};\n';
    const dir = await writeProject(tmp, 'built', {
      'package.json': JSON.stringify({ name: 'built', scripts: { build: 'node build.cjs', test: 'node --test' } }),
      'build.cjs': "const fs = require('node:fs');\nfs.mkdirSync('dist', { recursive: true });\nfs.copyFileSync('src/add.cjs', 'dist/add.cjs');\n",
      'src/add.cjs': add,
      'dist/add.cjs': add,
      'test/add.test.cjs': "const test = require('node:test');\nconst assert = require('node:assert/strict');\nconst { add } = require('../dist/add.cjs');\ntest('adds', () => assert.equal(add(1, 2), 3));\n",
    });
    const run = await runMutants(await openTarget({ dir }), { files: ['src/add.cjs'], runTimeoutMs: 240_000 });
    expect(run.strykerConfig['buildCommand']).toBe('npm run build');
    expect(run.notes.join('\n')).toMatch(/no test imports the mutated files .*npm run build/);
    // Without the build every mutant of src/ would survive or go uncovered: the tests never load it.
    expect(run.mutants.filter((m) => m.status === 'Killed').length).toBeGreaterThan(0);
    expect(run.score.mutationScore).toBeGreaterThan(50);
  }, 300_000);
});
