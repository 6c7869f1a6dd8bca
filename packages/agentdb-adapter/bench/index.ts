/**
 * `pnpm bench [name] [args...]`: runs each benchmark of the package (or those whose file name
 * starts with `name`) in its own process, one after the other (the machine is shared), resolving
 * workspace packages to their sources so a figure always measures the code in the tree.
 */
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';

const BENCHES: Array<{ file: string; flags?: string[] }> = [
  { file: 'effectiveness.ts', flags: ['--expose-gc'] },
  { file: 'retrieval.ts' },
  { file: 'hnsw.ts' },
  { file: 'ope.ts' },
  { file: 'decisionTransformer.ts' },
  { file: 'advanced.ts' },
  { file: 'worlds.ts', flags: ['--expose-gc'] },
];

const [name, ...args] = process.argv.slice(2);
const chosen = BENCHES.filter(({ file }) => name === undefined || file.startsWith(name));
if (chosen.length === 0) {
  console.error(`no benchmark named ${name}; known: ${BENCHES.map(({ file }) => file.replace(/\.ts$/, '')).join(', ')}`);
  process.exit(2);
}
let failed = 0;
for (const { file, flags = [] } of chosen) {
  const path = fileURLToPath(new URL(`./${file}`, import.meta.url));
  console.log(`\n=== bench/${file}`);
  const run = spawnSync(process.execPath, [...flags, '--conditions=@qe-fleet/source', '--import', 'tsx', path, ...args], { stdio: 'inherit' });
  if (run.status !== 0) {
    failed++;
    console.log(`bench/${file} exited with ${run.status ?? run.signal}`);
  }
}
process.exitCode = failed === 0 ? 0 : 1;
