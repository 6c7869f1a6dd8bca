import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AgentError, SkipRules, apiBaseUrl, hashTargetInputs, missingDependencies, credentialsMismatch, listSourceFiles, loadOpenApiRoutes, maskCredentials, openTarget, pathMismatch, planServiceStart, TargetWorkspace } from '@qe-fleet/agents';
import { FIXTURE } from '../support/fixture.js';
import { shape } from '../support/shapes.js';
import { writeProject } from '../support/writeProject.js';

let tmp: string;
beforeAll(async () => {
  tmp = await mkdtemp(join(tmpdir(), 'qe-target-'));
});
afterAll(async () => {
  await rm(tmp, { recursive: true, force: true });
});

describe('TargetProfile on the shape fixtures', () => {
  it('an ESM JS library in source/: roots, language, module system, skips, test runner, no service or API', async () => {
    const { profile } = await openTarget({ dir: shape('js-library-source') });
    expect(profile.sourceRoots).toEqual(['source']);
    expect(profile.files).toEqual([
      { path: 'source/index.js', language: 'javascript', module: 'esm', jsx: false },
      { path: 'source/utils/clamp.js', language: 'javascript', module: 'esm', jsx: false },
    ]);
    expect(profile.languages).toEqual(['javascript']);
    expect(Object.fromEntries(profile.skipped.map((s) => [s.path, s.reason]))).toEqual({
      'source/bundle.js': expect.stringMatching(/minified or bundled/) as string,
      'source/generated.js': 'emitted code (sourceMappingURL)',
      'source/legacy/old.js': 'ignored by the project',
    });
    expect(profile.skip.sources).toEqual(['.gitignore', 'eslint.config.js']);
    expect(profile.testFiles).toEqual(['test/index.test.js']);
    expect(profile.testRunner).toEqual({ name: 'ava', command: 'npx ava', script: 'test' });
    expect(profile.api).toBeUndefined();
    expect(profile.service).toBeUndefined();
  });

  it('listSourceFiles over the whole folder honours the same rules: no build output, vendored, minified or ignored files', async () => {
    const files = await listSourceFiles(shape('js-library-source'));
    expect(files).toEqual(['eslint.config.js', 'source/index.js', 'source/utils/clamp.js', 'test/index.test.js']);
  });

  it('a CommonJS service with a YAML description under docs/: base path /v1 from the servers URL, start script, node --test', async () => {
    const { profile } = await openTarget({ dir: shape('yaml-api-basepath') });
    expect(profile.api).toEqual({ file: 'docs/notes-api.yaml', format: 'openapi', version: '3.0.3', basePath: '/v1', paths: 2 });
    expect(profile.service).toEqual({ command: 'node server.js', from: 'script' });
    expect(profile.files.map((f) => `${f.path} ${f.module}`)).toEqual(['lib/store.js commonjs', 'server.js commonjs']);
    expect(profile.testRunner).toEqual({ name: 'node-test', command: 'node --test', script: 'test' });
  });

  it('a pnpm monorepo: its workspace packages as sub-targets (negated globs honoured), both languages', async () => {
    const { profile } = await openTarget({ dir: shape('pnpm-monorepo') });
    expect(profile.workspaces).toEqual([
      { dir: 'packages/numbers', name: '@shape/numbers' },
      { dir: 'packages/strings', name: '@shape/strings' },
    ]);
    expect(profile.languages).toEqual(['typescript', 'javascript']);
    expect(profile.testRunner?.name).toBe('vitest');
    const sub = await openTarget({ dir: join(shape('pnpm-monorepo'), 'packages/strings') });
    expect(sub.profile.sourceRoots).toEqual(['src']);
    expect(sub.profile.tsconfig).toBe('tsconfig.json');
  });

  it('the sample target: src/ from tsconfig, openapi.json at the root path, the start script', async () => {
    const { profile } = await openTarget({ dir: FIXTURE });
    expect(profile.sourceRoots).toEqual(['src']);
    expect(profile.api).toMatchObject({ file: 'openapi.json', format: 'openapi', basePath: '' });
    expect(profile.service?.from).toBe('script');
    expect(profile.files.every((f) => f.language === 'typescript' && f.path.startsWith('src/'))).toBe(true);
  });
});

describe('TargetProfile on small projects', () => {
  it('skips the project\'s .gitignore and the tsconfig outDir, and takes roots from package.json entries', async () => {
    const dir = await writeProject(tmp, 'ignoring', {
      'package.json': JSON.stringify({ name: 'ignoring', main: 'app/index.cjs', bin: { tool: './bin/tool.mjs' } }),
      '.gitignore': 'generated/\n*.local.js\n',
      'tsconfig.json': '{ // comments are allowed\n "compilerOptions": { "outDir": "lib", }, "include": ["app/**/*"] }',
      'app/index.cjs': "module.exports = { a: require('./a.cjs') };\n",
      'app/a.cjs': 'module.exports = 1;\n',
      'app/secret.local.js': 'export const x = 1;\n',
      'bin/tool.mjs': 'import "../app/index.cjs";\n',
      'generated/g.js': 'export const g = 1;\n',
      'lib/index.js': 'export const built = 1;\n',
    });
    const { profile } = await openTarget({ dir });
    expect(profile.sourceRoots).toEqual(['app', 'bin']);
    expect(profile.files.map((f) => `${f.path} ${f.module}`)).toEqual(['app/a.cjs commonjs', 'app/index.cjs commonjs', 'bin/tool.mjs esm']);
    expect(await listSourceFiles(dir)).toEqual(['app/a.cjs', 'app/index.cjs', 'bin/tool.mjs']);
  });

  it('modules the entries load by relative path are own code (the nanoid shape); a workspace copy brings what the copied code loads', async () => {
    const minified = `export const pad=(s,n)=>${"String(s).padStart(n,'0')+".repeat(40)}'';\n`;
    const dir = await writeProject(tmp, 'imported', {
      'package.json': JSON.stringify({ name: 'imported', type: 'module', exports: { '.': './index.js', './non-secure': './non-secure/index.js' } }),
      'index.js': "import { alphabet } from './url-alphabet/index.js';\nimport { pad } from './lib/pad.min.js';\nimport sizes from './sizes.json' with { type: 'json' };\n// import { notes } from './notes.js';\nexport const id = () => pad(alphabet[0], sizes.id);\n",
      'non-secure/index.js': "import { alphabet } from '../url-alphabet/index.js';\nexport const weak = () => alphabet[1];\n",
      'url-alphabet/index.js': "export const alphabet = 'abc';\n",
      'lib/pad.min.js': minified,
      'sizes.json': '{ "id": 3 }\n',
      'notes.js': 'export const notes = 1;\n',
      'test/index.test.js': "import { helper } from './helper.js';\n",
      'test/helper.js': 'export const helper = 1;\n',
    });
    const { profile } = await openTarget({ dir });
    expect(profile.files.map((f) => f.path)).toEqual(['index.js', 'non-secure/index.js', 'url-alphabet/index.js']);
    expect(profile.skipped.map((s) => s.path)).toContain('lib/pad.min.js');
    const workspace = await TargetWorkspace.create({ targetDir: dir, sources: ['index.js'] });
    try {
      workspace.compile([]);
      const run = spawnSync(process.execPath, ['--input-type=module', '-e', `import { id } from ${JSON.stringify(pathToFileURL(join(workspace.dir, 'out', 'target', 'index.js')).href)}; console.log(id());`], { encoding: 'utf8' });
      expect(run.stdout.trim()).toBe('00a'.repeat(40));
      expect(existsSync(join(workspace.dir, 'target', 'notes.js'))).toBe(false);
    } finally {
      await workspace.dispose();
    }
  });

  it('listSourceFiles stops at its limit in walk order (folders and files by name, depth first), skipped files not counted', async () => {
    const minified = `${'var a=1;'.repeat(400)}\n`;
    const dir = await writeProject(tmp, 'limited', {
      'a/y.js': 'export const y = 1;\n',
      'a/b/x.js': 'export const x = 1;\n',
      'a/min.js': minified,
      'c.js': 'export const c = 1;\n',
      'd/z.js': 'export const z = 1;\n',
    });
    const skipped: string[] = [];
    expect(await listSourceFiles(dir, { limit: 3, onSkip: (path) => skipped.push(path) })).toEqual(['a/b/x.js', 'a/y.js', 'c.js']);
    expect(skipped).toEqual(['a/min.js']);
    expect(await listSourceFiles(dir, { limit: 2 })).toEqual(['a/b/x.js', 'a/y.js']);
    expect(await listSourceFiles(dir)).toEqual(['a/b/x.js', 'a/y.js', 'c.js', 'd/z.js']);
  });

  it('overrides from TargetSpec win: sourceRoots, openapi, ignore', async () => {
    const dir = await writeProject(tmp, 'overridden', {
      'src/a.ts': 'export const a = 1;\n',
      'code/b.ts': 'export const b = 1;\n',
      'code/c.ts': 'export const c = 1;\n',
      'spec/api.json': JSON.stringify({ openapi: '3.1.0', info: { title: 't', version: '1' }, servers: [{ url: '/api/' }], paths: {} }),
    });
    const { profile } = await openTarget({ dir, sourceRoots: ['code'], ignore: ['code/c.ts'], openapi: 'spec/api.json' });
    expect(profile.rootsFrom).toEqual(['config']);
    expect(profile.files.map((f) => f.path)).toEqual(['code/b.ts']);
    expect(profile.api).toMatchObject({ file: 'spec/api.json', basePath: '/api' });
  });

  it('a Swagger 2 document is found and converted to OpenAPI 3, its basePath kept', async () => {
    const dir = await writeProject(tmp, 'swagger', {
      'api/definition.yml': [
        'swagger: "2.0"',
        'info: { title: pets, version: "1" }',
        'basePath: /api/v2',
        'paths:',
        '  /pets/{id}:',
        '    get:',
        '      parameters: [{ name: id, in: path, required: true, type: integer }]',
        '      responses: { "200": { description: ok, schema: { type: object } } }',
        '',
      ].join('\n'),
    });
    const { profile } = await openTarget({ dir });
    expect(profile.api).toMatchObject({ file: 'api/definition.yml', format: 'swagger', basePath: '/api/v2' });
    const loaded = await loadOpenApiRoutes(dir, { validate: true, file: 'api/definition.yml' });
    expect(loaded.convertedFrom).toBe('Swagger 2.0');
    expect('openapi' in loaded.document).toBe(true);
    expect(loaded.basePath).toBe('/api/v2');
    expect(loaded.routes.map((r) => r.route)).toEqual(['GET /pets/{id}']);
  });

  it('no API description: loadOpenApiRoutes says so with UNSUPPORTED_TARGET', async () => {
    const dir = await writeProject(tmp, 'noapi', { 'data.json': '{"openapi_like": true}' });
    await expect(loadOpenApiRoutes(dir)).rejects.toSatisfy((e) => e instanceof AgentError && e.code === 'UNSUPPORTED_TARGET');
  });

  it('bearerTokenEnv becomes an authorization header; an unset variable is refused before any work', async () => {
    const dir = await writeProject(tmp, 'creds', {});
    process.env['QE_TEST_TOKEN'] = 'tok-123456789';
    try {
      expect((await openTarget({ dir, bearerTokenEnv: 'QE_TEST_TOKEN', headers: { 'x-team': 'qa' } })).headers).toEqual({ 'x-team': 'qa', authorization: 'Bearer tok-123456789' });
    } finally {
      delete process.env['QE_TEST_TOKEN'];
    }
    await expect(openTarget({ dir, bearerTokenEnv: 'QE_TEST_TOKEN' })).rejects.toSatisfy((e) => e instanceof AgentError && e.code === 'UNSUPPORTED_TARGET');
  });
});

describe('helpers', () => {
  it('SkipRules: minified by line length on average, not for one long string in hand-written code', () => {
    const rules = SkipRules.load(tmp);
    const handWritten = `const a = 1;\nconst message = '${'x'.repeat(1500)}';\n${'const b = 2;\n'.repeat(20)}`;
    expect(rules.skipsContent(handWritten)).toBeUndefined();
    expect(rules.skipsContent(`${'var a=1;'.repeat(300)}\n${'var b=2;'.repeat(300)}\n`)).toMatch(/minified/);
    expect(rules.skipsFileName('public/jquery.min.js')).toBe('minified or bundled');
    expect(rules.skipsDir('vendor')).toBe('vendored code');
  });

  it('planServiceStart: the given command, the start script, then a conventional entry', async () => {
    const dir = await writeProject(tmp, 'entries', { 'app.js': '', 'src/server.ts': '' });
    expect(planServiceStart(dir, {}, 'npm run serve')).toEqual({ command: 'npm run serve', from: 'spec' });
    expect(planServiceStart(dir, { scripts: { start: 'node x.js' } })).toEqual({ command: 'node x.js', from: 'script' });
    expect(planServiceStart(dir, {})).toEqual({ command: 'node app.js', from: 'entry' });
    expect(planServiceStart(await writeProject(tmp, 'library', { 'index.js': '' }), {})).toBeUndefined();
  });

  it('missingDependencies lists the packages the sources import that Node would not find', async () => {
    const dir = await writeProject(tmp, 'uninstalled', {
      'package.json': JSON.stringify({ name: 'uninstalled', dependencies: { present: '1', 'absent-qe': '1', 'declared-unused-qe': '1' } }),
      'node_modules/present/package.json': '{"name":"present"}',
      'a.js': "import p from 'present';\nimport { x } from 'absent-qe/sub';\nimport fs from 'node:fs';\nimport path from 'path';\nconst s = require('@scope-qe/pkg');\n/** Usage:\n * import lib from 'doc-example-qe';\n */\n// const z = require('commented-out-qe');\n",
    });
    expect(missingDependencies(dir, ['a.js'])).toEqual(['@scope-qe/pkg', 'absent-qe']);
  });

  it('apiBaseUrl adds the base path unless the URL has its own path', () => {
    expect(apiBaseUrl('http://127.0.0.1:3000', '/v1')).toBe('http://127.0.0.1:3000/v1');
    expect(apiBaseUrl('http://127.0.0.1:3000/', '')).toBe('http://127.0.0.1:3000');
    expect(apiBaseUrl('http://127.0.0.1:3000/api/v1/', '/v1')).toBe('http://127.0.0.1:3000/api/v1');
  });

  it('pathMismatch and credentialsMismatch need a majority of 404 or 401/403', () => {
    expect(pathMismatch([404, 404, 200], 'x')).toMatch(/^base path or server mismatch: 2 of 3/);
    expect(pathMismatch([404, 200, 200, 404], 'x')).toBeUndefined();
    expect(credentialsMismatch([401, 403, 401, 200], false)).toMatch(/^credentials missing: 3 of 4/);
    expect(credentialsMismatch([200, 401, 200], true)).toBeUndefined();
  });

  it('maskCredentials hides header values and the bare token', () => {
    const headers = { authorization: 'Bearer abcdefgh12345', 'x-api-key': 'k3y-value' };
    expect(maskCredentials('sent Bearer abcdefgh12345, echoed abcdefgh12345 and k3y-value', headers)).toBe('sent ***, echoed *** and ***');
  });
});

describe('hashTargetInputs: what decides whether an earlier result can be reused', () => {
  it('changes with any file content or name and with the extras; ignores installed packages but not the install state, and our own output', async () => {
    const dir = await writeProject(tmp, 'hash', {
      'src/a.js': 'export const a = 1;\n',
      'node_modules/dep/index.js': 'module.exports = 1;\n',
      '.qe-fleet/baseline.json': '{}',
    });
    const first = await hashTargetInputs(dir);
    expect(first).toMatch(/^[0-9a-f]{64}$/);
    expect(await hashTargetInputs(dir)).toBe(first);
    expect(await hashTargetInputs(dir, ['agents 0.2.0'])).not.toBe(first);

    await writeProject(tmp, 'hash', { 'node_modules/dep/index.js': 'module.exports = 2;\n', '.qe-fleet/baseline.json': '{"x":1}' });
    expect(await hashTargetInputs(dir)).toBe(first);
    await writeProject(tmp, 'hash', { 'node_modules/.package-lock.json': '{"packages":{}}' });
    const installed = await hashTargetInputs(dir);
    expect(installed).not.toBe(first);

    await writeProject(tmp, 'hash', { 'src/a.js': 'export const a = 2;\n' });
    const edited = await hashTargetInputs(dir);
    expect(edited).not.toBe(installed);
    await writeProject(tmp, 'hash', { 'src/a.js': 'export const a = 1;\n', 'src/.env': 'X=1' });
    expect(await hashTargetInputs(dir)).not.toBe(installed);
  });
});
