/**
 * Exact search against an HNSW index on the same embeddings: recall@10 of HNSW (the exact k
 * nearest as truth) and query time of each, at a few sizes. HNSW is not a dependency: the bench
 * loads the pure-TypeScript `hnsw` package (npm, no native addon) from QE_HNSW_DIR, a scratch
 * folder where it was installed (`npm install hnsw@1.1.1` there), and says so when it is absent.
 *
 *   QE_HNSW_DIR (required), QE_BENCH_RETRIEVAL_SIZES (1000,10000), QE_BENCH_RETRIEVAL_QUERIES (200),
 *   QE_HNSW_EF (50)
 */
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { createRandom } from '@qe-fleet/learning-core';
import { EMBEDDING_DIMENSION, VectorIndex, embedTaskState } from '../src/index.js';
import { pct, randomState } from './taskStates.js';

interface HnswIndex {
  buildIndex(data: Array<{ id: number; vector: Float32Array | number[] }>): Promise<void>;
  searchKNN(query: Float32Array | number[], k: number, options?: { efSearch?: number }): Array<{ id: number; score: number }>;
}

const dir = process.env['QE_HNSW_DIR'];
if (dir === undefined) {
  console.log('QE_HNSW_DIR is not set: install hnsw@1.1.1 in a scratch folder and point QE_HNSW_DIR at it');
  process.exit(0);
}
const { HNSW } = createRequire(join(dir, 'package.json'))('hnsw') as { HNSW: new (m: number, efConstruction: number, d: number, metric: string, efSearch: number) => HnswIndex };
const SIZES = (process.env['QE_BENCH_RETRIEVAL_SIZES'] ?? '1000,10000').split(',').map(Number);
const QUERIES = Number(process.env['QE_BENCH_RETRIEVAL_QUERIES'] ?? 200);
const EF = Number(process.env['QE_HNSW_EF'] ?? 50);
const K = 10;
console.log(`| patterns | exact p50 (µs) | HNSW p50 (µs) (M 16, efConstruction 200, efSearch ${EF}) | HNSW build (s) | recall@${K} mean | recall@${K} p10 |`);
console.log('| --- | --- | --- | --- | --- | --- |');
for (const size of SIZES) {
  const random = createRandom(size);
  const exact = new VectorIndex(EMBEDDING_DIMENSION);
  const data: Array<{ id: number; vector: Float32Array }> = [];
  for (let i = 0; i < size; i++) {
    const v = embedTaskState(randomState(random));
    exact.add(v);
    data.push({ id: i, vector: v });
  }
  const hnsw = new HNSW(16, 200, EMBEDDING_DIMENSION, 'cosine', EF);
  const t0 = performance.now();
  await hnsw.buildIndex(data);
  const buildS = (performance.now() - t0) / 1000;
  const exactUs: number[] = [];
  const hnswUs: number[] = [];
  const recall: number[] = [];
  for (let q = 0; q < QUERIES; q++) {
    const query = embedTaskState(randomState(random));
    let t = performance.now();
    const truth = exact.search(query, K);
    exactUs.push((performance.now() - t) * 1000);
    t = performance.now();
    const found = hnsw.searchKNN(query, K, { efSearch: EF });
    hnswUs.push((performance.now() - t) * 1000);
    // Ties at the k-th similarity make any of them a right answer: count a hit by similarity, not id.
    const kth = truth.at(-1)!.similarity;
    recall.push(found.filter((f) => f.score >= kth - 1e-6).length / K);
  }
  const mean = recall.reduce((s, x) => s + x, 0) / recall.length;
  console.log(`| ${size} | ${pct(exactUs, 0.5).toFixed(0)} | ${pct(hnswUs, 0.5).toFixed(0)} | ${buildS.toFixed(1)} | ${mean.toFixed(3)} | ${pct(recall, 0.1).toFixed(2)} |`);
}
