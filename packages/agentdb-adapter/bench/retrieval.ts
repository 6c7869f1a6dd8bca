/**
 * Exact nearest-neighbour retrieval at a few store sizes: insertPattern into a file database
 * (one durable transaction each), then retrieveWithReasoning (k = 10, with synthesis) per query.
 * Recall is 1 by construction (exact search); the figures say up to which size an approximate
 * index (HNSW) would be worth its recall loss and a native dependency.
 *
 *   QE_BENCH_RETRIEVAL_SIZES (1000,10000,50000), QE_BENCH_RETRIEVAL_QUERIES (300)
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createRandom } from '@qe-fleet/learning-core';
import { EMBEDDING_DIMENSION, VectorIndex, createAgentDBAdapter, embedTaskState } from '../src/index.js';
import { pct, randomState } from './taskStates.js';

const STRATEGIES = ['template-based', 'boundary-value', 'property-based', 'mutation-guided', 'coverage-guided'];

const SIZES = (process.env['QE_BENCH_RETRIEVAL_SIZES'] ?? '1000,10000,50000').split(',').map(Number);
const QUERIES = Number(process.env['QE_BENCH_RETRIEVAL_QUERIES'] ?? 300);
console.log('| patterns | insert p50 (µs) | insert p99 (µs) | retrieve p50 (µs) | retrieve p99 (µs) | index scan alone p50 (µs) | open + index load (ms) |');
console.log('| --- | --- | --- | --- | --- | --- | --- |');
for (const size of SIZES) {
  const dir = mkdtempSync(join(tmpdir(), 'agentdb-bench-'));
  const path = join(dir, 'bench.db');
  const random = createRandom(size);
  let db = createAgentDBAdapter({ dbPath: path, random });
  const inserts: number[] = [];
  const index = new VectorIndex(EMBEDDING_DIMENSION);
  for (let i = 0; i < size; i++) {
    const state = randomState(random);
    index.add(embedTaskState(state));
    const t = performance.now();
    db.insertExperience({ state, strategy: STRATEGIES[i % 5]!, reward: random(), propensity: 0.2, domain: 'bench' });
    inserts.push((performance.now() - t) * 1000);
  }
  db.close();
  const t0 = performance.now();
  db = createAgentDBAdapter({ dbPath: path, random, cacheSize: 1000 });
  const openMs = performance.now() - t0;
  const queries: number[] = [];
  for (let q = 0; q < QUERIES; q++) {
    const e = embedTaskState(randomState(random));
    const t = performance.now();
    db.retrieveWithReasoning(e, { domain: 'bench', k: 10, synthesizeContext: true });
    queries.push((performance.now() - t) * 1000);
  }
  db.close();
  const scans: number[] = [];
  for (let q = 0; q < QUERIES; q++) {
    const e = embedTaskState(randomState(random));
    const t = performance.now();
    index.search(e, 10);
    scans.push((performance.now() - t) * 1000);
  }
  rmSync(dir, { recursive: true, force: true });
  console.log(`| ${size} | ${pct(inserts, 0.5).toFixed(0)} | ${pct(inserts, 0.99).toFixed(0)} | ${pct(queries, 0.5).toFixed(0)} | ${pct(queries, 0.99).toFixed(0)} | ${pct(scans, 0.5).toFixed(0)} | ${openMs.toFixed(0)} |`);
}
console.log(`\nExact search: recall@10 = 1 by construction; ${QUERIES} queries per size; one durable transaction per insert (WAL, synchronous=NORMAL).`);
