import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadConfig, parseConfig } from '../src/config.js';
import { FleetError } from '../src/FleetError.js';

const failure = (fn: () => unknown): FleetError => {
  try {
    fn();
  } catch (error) {
    if (error instanceof FleetError) return error;
    throw error;
  }
  throw new Error('expected a FleetError');
};

describe('config', () => {
  it('accepts a valid config and keeps its values', () => {
    expect(parseConfig({ target: 'x', repeat: 3, failOn: 'high', dashboard: { port: 0 } })).toEqual({
      target: 'x',
      repeat: 3,
      failOn: 'high',
      dashboard: { port: 0 },
    });
  });

  it('names an unknown key, also a nested one', () => {
    const error = failure(() => parseConfig({ tagret: 'x', dashboard: { prot: 1 } }));
    expect(error.code).toBe('INVALID_CONFIG');
    expect(error.exitCode).toBe(2);
    expect(error.message).toContain("unknown key 'tagret'");
    expect(error.message).toContain("unknown key 'dashboard.prot'");
  });

  it('names a wrong value and the expected form', () => {
    const error = failure(() => parseConfig({ repeat: 0, failOn: 'severe' }));
    expect(error.message).toMatch(/'repeat': .*>=\s*1/);
    expect(error.message).toMatch(/'failOn': .*"critical"/);
  });

  it('validates the run keys: service options, credentials, strategies and outputs', () => {
    const ok = { start: 'node server.js', healthPath: '/health', headers: { 'x-api-key': 'k' }, tokenEnv: 'API_TOKEN', strategy: { 'code-reviewer': 'recommended' }, learn: false, allowFailed: true, format: 'sarif', output: 'x.sarif', maxFindings: 20 };
    expect(parseConfig(ok)).toEqual(ok);
    const error = failure(() => parseConfig({ healthPath: 'health', headers: { 'bad header': 'x' }, tokenEnv: 'API-TOKEN', format: 'xml', maxFindings: 0 }));
    expect(error.code).toBe('INVALID_CONFIG');
    for (const key of ['healthPath', 'headers.bad header', 'tokenEnv', 'format', 'maxFindings']) expect(error.message).toContain(`'${key}'`);
  });

  it('reads qe-fleet.config.json from the working directory, and refuses broken JSON', () => {
    const dir = mkdtempSync(join(tmpdir(), 'qe-config-'));
    expect(loadConfig(dir)).toEqual({});
    writeFileSync(join(dir, 'qe-fleet.config.json'), '{"repeat": 2}');
    expect(loadConfig(dir)).toEqual({ repeat: 2 });
    writeFileSync(join(dir, 'qe-fleet.config.json'), '{"repeat": ');
    expect(failure(() => loadConfig(dir)).message).toContain('not valid JSON');
    expect(failure(() => loadConfig(dir, 'missing.json')).code).toBe('CONFIG_NOT_FOUND');
  });
});
