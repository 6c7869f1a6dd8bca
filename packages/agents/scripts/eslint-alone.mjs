/**
 * ESLint alone on the files given (one per argument, relative to the current folder) with the
 * plugins and rules that `wall-time.ts` compares qe-fleet with; prints `{"files":n,"lintMs":ms}`.
 * Plain JavaScript importing nothing of ours (no tsx), so its process costs what a user's ESLint
 * run costs.
 */
import { createRequire } from 'node:module';
import { performance } from 'node:perf_hooks';
import { ESLint } from 'eslint';
import js from '@eslint/js';
import tseslint from 'typescript-eslint';
import regexp from 'eslint-plugin-regexp';

const require = createRequire(import.meta.url);
const security = require('eslint-plugin-security');
const noUnsanitized = require('eslint-plugin-no-unsanitized');
const files = process.argv.slice(2);
const t0 = performance.now();
const eslint = new ESLint({
  overrideConfigFile: true,
  errorOnUnmatchedPattern: false,
  overrideConfig: [
    // A universal `**/*` does not make ESLint lint a file: the extensions must be named (as kit/eslint's runEslint does).
    { files: ['**/*.{ts,tsx,mts,cts,js,jsx,mjs,cjs}'], languageOptions: { parser: tseslint.parser, parserOptions: { ecmaFeatures: { jsx: true } } }, plugins: { security, 'no-unsanitized': noUnsanitized, regexp } },
    { rules: { ...js.configs.recommended.rules, complexity: ['warn', 10], 'security/detect-eval-with-expression': 'warn', 'no-unsanitized/property': 'warn', 'no-unsanitized/method': 'warn', 'regexp/no-super-linear-backtracking': 'warn' } },
  ],
});
await eslint.lintFiles(files);
process.stdout.write(JSON.stringify({ files: files.length, lintMs: Math.round(performance.now() - t0) }));
