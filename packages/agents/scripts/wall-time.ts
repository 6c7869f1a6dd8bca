/**
 * Wall time of `qe-fleet run` (code-reviewer `recommended` + security-scanner `static-only`, no
 * learning, fresh database) beside ESLint run directly through its Node API on the same files with
 * the same plugins and rules (js recommended, complexity, eslint-plugin-security's eval rule,
 * no-unsanitized, regexp's super-linear backtracking), one line per folder.
 * Run: `node --conditions=@qe-fleet/source --import tsx scripts/wall-time.ts DIR...`
 */
import { spawnSync } from 'node:child_process';
import { createRequire } from 'node:module';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { performance } from 'node:perf_hooks';
import { ESLint } from 'eslint';
import js from '@eslint/js';
import tseslint from 'typescript-eslint';
import regexp from 'eslint-plugin-regexp';
import { listOwnCode, openTarget } from '@qe-fleet/agents';

const require = createRequire(import.meta.url);
const security = require('eslint-plugin-security') as ESLint.Plugin;
const noUnsanitized = require('eslint-plugin-no-unsanitized') as ESLint.Plugin;
const CLI = fileURLToPath(new URL('../../../apps/fleet/src/cli.ts', import.meta.url));
const CODE = ['.ts', '.tsx', '.mts', '.cts', '.js', '.jsx', '.mjs', '.cjs'];

console.log(['folder', 'files', 'qe-fleet run ms', 'eslint direct ms', 'ratio'].join('\t'));
for (const dir of process.argv.slice(2)) {
  const db = mkdtempSync(join(tmpdir(), 'qe-wall-'));
  const t0 = performance.now();
  const run = spawnSync(process.execPath, ['--conditions=@qe-fleet/source', '--import', 'tsx', CLI, 'run', '--target', dir, '--agents', 'code-reviewer,security-scanner', '--strategy', 'code-reviewer=recommended,security-scanner=static-only', '--no-learn', '--db', join(db, 'fleet.db'), '--allow-failed'], { encoding: 'utf8' });
  const fleetMs = performance.now() - t0;
  rmSync(db, { recursive: true, force: true });
  if (run.status !== 0 && run.status !== 1) console.error(`${dir}: qe-fleet exit ${run.status}: ${run.stderr.slice(-400)}`);
  const { files } = await listOwnCode(await openTarget({ dir, catalogue: false }), CODE);
  const t1 = performance.now();
  const eslint = new ESLint({
    cwd: dir,
    overrideConfigFile: true,
    errorOnUnmatchedPattern: false,
    overrideConfig: [
      { files: ['**/*'], languageOptions: { parser: tseslint.parser as never, parserOptions: { ecmaFeatures: { jsx: true } } }, plugins: { security, 'no-unsanitized': noUnsanitized, regexp: regexp as unknown as ESLint.Plugin } },
      { rules: { ...js.configs.recommended.rules, complexity: ['warn', 10], 'security/detect-eval-with-expression': 'warn', 'no-unsanitized/property': 'warn', 'no-unsanitized/method': 'warn', 'regexp/no-super-linear-backtracking': 'warn' } },
    ],
  });
  await eslint.lintFiles(files);
  const eslintMs = performance.now() - t1;
  console.log([dir, files.length, fleetMs.toFixed(0), eslintMs.toFixed(0), (fleetMs / eslintMs).toFixed(1)].join('\t'));
}
