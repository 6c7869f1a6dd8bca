import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { AGENT_IDS } from '@qe-fleet/agents';

const root = fileURLToPath(new URL('..', import.meta.url));
const agentFolders = readdirSync(join(root, 'src'), { withFileTypes: true })
  .filter((d) => d.isDirectory() && d.name !== 'kit')
  .map((d) => d.name)
  .sort();

// Parity checks in the manner of ESLint's checkRuleFiles: an agent is its folder, its registry
// line, its tests and its README section, and none of them can be forgotten.
describe('package layout', () => {
  it('has one folder per registered agent and registers every folder', () => {
    expect(agentFolders).toEqual([...AGENT_IDS].sort());
  });

  it.each([...AGENT_IDS])('%s has an index, a test folder and a README section', (id) => {
    expect(existsSync(join(root, 'src', id, 'index.ts'))).toBe(true);
    expect(readdirSync(join(root, 'test', id)).some((f) => f.endsWith('.test.ts'))).toBe(true);
    expect(readFileSync(join(root, 'README.md'), 'utf8')).toMatch(new RegExp(`^## ${id}\\b`, 'm'));
  });

  it.each([...AGENT_IDS])('%s imports only the kit and its own folder', (id) => {
    const dir = join(root, 'src', id);
    for (const file of readdirSync(dir)) {
      const imports = [...readFileSync(join(dir, file), 'utf8').matchAll(/from '(\.[^']+)'/g)].map((m) => m[1] ?? '');
      for (const path of imports) expect(path, `${id}/${file}`).toMatch(/^\.\/[^/]+$|^\.\.\/kit\//);
    }
  });
});
