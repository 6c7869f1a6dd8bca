import { existsSync, mkdirSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PassThrough } from 'node:stream';
import { afterAll, describe, expect, it } from 'vitest';
import { runCli } from '../src/program.js';
import { registerVisualCommand } from '../src/visualCommand.js';

const haveBrowser = existsSync('/usr/bin/chromium') || process.env.CI === 'true';
const dir = mkdtempSync(join(tmpdir(), 'qe-visual-cli-'));

async function visual(args: string[], env: NodeJS.ProcessEnv = {}) {
  const stdout = new PassThrough();
  const stderr = new PassThrough();
  let out = '';
  let err = '';
  stdout.on('data', (c: Buffer) => (out += c.toString()));
  stderr.on('data', (c: Buffer) => (err += c.toString()));
  const code = await runCli(args, { stdout, stderr, cwd: dir, env, signal: new AbortController().signal }, [registerVisualCommand]);
  return { code, out, err };
}

afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('qe-fleet visual baseline update', () => {
  const site = join(dir, 'site');
  mkdirSync(site, { recursive: true });
  writeFileSync(join(site, 'package.json'), '{"name":"site"}');
  writeFileSync(join(site, 'index.html'), '<!doctype html><html lang="en"><title>Site</title><h1 style="color:#345">Hello</h1></html>');

  it.runIf(haveBrowser)('stores one screenshot per page and viewport in the target', async () => {
    const result = await visual(['--json', 'visual', 'baseline', 'update', '--target', site, '--viewports', 'desktop']);
    expect(result.code, result.err).toBe(0);
    expect(JSON.parse(result.out)).toMatchObject({ stored: 1, pages: 1 });
    expect(readdirSync(join(site, '.qe-fleet/visual/baseline'))).toEqual(['index.html-1280x800.png']);
  }, 120_000);

  it('refuses an unknown viewport set (exit 2)', async () => {
    expect((await visual(['visual', 'baseline', 'update', '--target', site, '--viewports', 'tv'])).code).toBe(2);
  });
});
