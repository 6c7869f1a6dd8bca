/**
 * `pnpm bench`: runs each benchmark of the package in its own process, one after the other (the
 * machine is shared, so they must not compete), resolving workspace packages to their sources.
 */
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

const BENCHES: Array<{ file: string; flags?: string[] }> = [
  { file: 'overhead.ts' },
  { file: 'heap.ts', flags: ['--expose-gc'] },
  { file: 'effectiveness.ts' },
  { file: 'safeguard.ts' },
  { file: 'abtest.ts' },
];

let failed = 0;
for (const { file, flags = [] } of BENCHES) {
  const path = fileURLToPath(new URL(`./${file}`, import.meta.url));
  if (!existsSync(path)) continue;
  console.log(`\n=== bench/${file}`);
  const run = spawnSync(process.execPath, [...flags, '--conditions=@qe-fleet/source', '--import', 'tsx', path], { stdio: 'inherit' });
  if (run.status !== 0) {
    failed++;
    console.log(`bench/${file} exited with ${run.status ?? run.signal}`);
  }
}
process.exitCode = failed === 0 ? 0 : 1;
