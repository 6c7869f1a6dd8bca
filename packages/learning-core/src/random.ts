import type { RandomSource } from './types.js';

/**
 * A seeded uniform source on [0, 1) (mulberry32): small, fast and good enough for exploration and
 * simulation, so tests and the simulator replay exactly from a seed.
 */
export function createRandom(seed: number): RandomSource {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** A standard normal variate (Box-Muller; `1 - u` keeps the logarithm finite). */
export function standardNormal(random: RandomSource): number {
  return Math.sqrt(-2 * Math.log(1 - random())) * Math.cos(2 * Math.PI * random());
}
