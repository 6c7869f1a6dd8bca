/**
 * Shows that the mutation-tester's score is Stryker's: runs `runMutants` on a target (the files
 * given, default a one-file sample of the sample target), writes the exact Stryker config it used,
 * runs `stryker run <config>` directly with Stryker's CLI on the same target, and prints both scores
 * (ours from the mutant statuses, the direct one by mutation-testing-metrics from Stryker's JSON
 * report), their mutant counts and wall times.
 * Run: `node --conditions=@qe-fleet/source --import tsx scripts/mutation-parity.ts [DIR] [FILE...]`
 */
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { openTarget, runMutants, runProcess } from '@qe-fleet/agents';

const dir = process.argv[2] ?? fileURLToPath(new URL('../../../fixtures/sample-target', import.meta.url));
const files = process.argv.length > 3 ? process.argv.slice(3) : ['src/slugify.ts'];
const require = createRequire(import.meta.url);
const coreEntry = require.resolve('@stryker-mutator/core');
const coreDir = join(dirname(coreEntry), '..', '..');
const metrics = (await import(pathToFileURL(createRequire(join(coreDir, 'package.json')).resolve('mutation-testing-metrics')).href)) as {
  calculateMetrics(files: unknown): { metrics: { mutationScore: number; totalValid: number; killed: number; survived: number; timeout: number; noCoverage: number } };
};

const work = await mkdtemp(join(tmpdir(), 'qe-mutation-parity-'));
try {
  const target = await openTarget({ dir, catalogue: false });
  const ours = await runMutants(target, { files, pluginDir: join(work, 'plugin') });
  const reportFile = join(work, 'direct-report.json');
  const config = { ...ours.strykerConfig, jsonReporter: { fileName: reportFile }, reporters: ['json'] };
  // The vitest/jest/mocha runner plugins are named by package in strykerConfig; the CLI resolves them from here.
  const plugins = (config['plugins'] as string[] | undefined)?.map((p) => (p.startsWith('@stryker-mutator/') ? require.resolve(p) : p));
  const configFile = join(work, 'stryker.config.json');
  await writeFile(configFile, JSON.stringify({ ...config, ...(plugins === undefined ? {} : { plugins }) }, null, 2));
  const started = Date.now();
  const direct = await runProcess(process.execPath, [join(coreDir, 'bin', 'stryker.js'), 'run', configFile], { cwd: target.dir, timeoutMs: 1_800_000 });
  const directMs = Date.now() - started;
  if (direct.exitCode !== 0) throw new Error(`stryker run failed: ${direct.stderr.slice(-2000)}`);
  const report = JSON.parse(await readFile(reportFile, 'utf8')) as { files: unknown };
  const m = metrics.calculateMetrics(report.files).metrics;
  console.log(`config: ${configFile.replace(work, '<tmp>')} ${JSON.stringify({ mutate: config['mutate'], testRunner: config['testRunner'], coverageAnalysis: config['coverageAnalysis'] })}`);
  console.log(`runMutants   score ${ours.score.mutationScore.toFixed(2)} %  valid ${ours.score.valid}  killed ${ours.score.killed}  timeout ${ours.score.timeout}  survived ${ours.score.survived}  no coverage ${ours.score.noCoverage}  ${ours.durationMs} ms`);
  console.log(`stryker run  score ${m.mutationScore.toFixed(2)} %  valid ${m.totalValid}  killed ${m.killed}  timeout ${m.timeout}  survived ${m.survived}  no coverage ${m.noCoverage}  ${directMs} ms`);
  console.log(Math.abs(ours.score.mutationScore - m.mutationScore) < 1e-9 ? 'scores are equal' : 'scores DIFFER');
} finally {
  await rm(work, { recursive: true, force: true });
}
