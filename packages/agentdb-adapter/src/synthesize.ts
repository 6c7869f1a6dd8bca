import { normalCdf } from '@qe-fleet/learning-core';
import type { Evidence, RetrievedMemory, StrategyEvidence, SynthesizedContext } from './types.js';

/** What `synthesizeContext` reads from one pattern: its strategy and reward, when it has both. */
export function readExperience(patternData: string): { strategy: string; reward: number } | null {
  let parsed: unknown;
  try {
    parsed = JSON.parse(patternData);
  } catch {
    return null;
  }
  if (parsed === null || typeof parsed !== 'object') return null;
  // The seed nests the experience under `pattern` ({ embedding, pattern: { action, reward } }).
  const inner = (parsed as { pattern?: unknown }).pattern;
  const source = (inner !== null && typeof inner === 'object' ? inner : parsed) as Record<string, unknown>;
  const strategy = source['strategy'] ?? source['action'];
  const reward = source['reward'];
  if (typeof strategy !== 'string' || typeof reward !== 'number' || !Number.isFinite(reward)) return null;
  return { strategy, reward };
}

/**
 * A recommendation from the neighbours: per strategy, the similarity-weighted mean reward of the
 * neighbours at or above `evidenceSimilarity` that ran it; the best mean among strategies with at
 * least `minSupport` experiences wins. Its confidence is P(beats the runner-up) with normal
 * approximations of both means (weighted sd / sqrt(Kish effective n), floored at 0.05 so a few
 * identical rewards do not claim certainty).
 */
export function synthesizeContext(
  memories: readonly RetrievedMemory[],
  evidenceSimilarity: number,
  minSupport: number,
): SynthesizedContext {
  const evidence: Evidence[] = [];
  for (const m of memories) {
    if (m.similarity < evidenceSimilarity || m.similarity <= 0) continue;
    const exp = readExperience(m.pattern_data);
    if (exp !== null) evidence.push({ id: m.id, strategy: exp.strategy, reward: exp.reward, similarity: m.similarity });
  }
  const groups = new Map<string, Evidence[]>();
  for (const e of evidence) groups.set(e.strategy, [...(groups.get(e.strategy) ?? []), e]);
  const strategies: StrategyEvidence[] = [...groups].map(([strategy, es]) => {
    const w = es.reduce((s, e) => s + e.similarity, 0);
    const w2 = es.reduce((s, e) => s + e.similarity * e.similarity, 0);
    const mean = es.reduce((s, e) => s + e.similarity * e.reward, 0) / w;
    const variance = es.reduce((s, e) => s + e.similarity * (e.reward - mean) ** 2, 0) / w;
    const effective = (w * w) / w2;
    return {
      strategy,
      meanReward: mean,
      support: es.length,
      effectiveSupport: effective,
      standardError: Math.max(Math.sqrt(variance), 0.05) / Math.sqrt(effective),
    };
  });
  strategies.sort((a, b) => b.meanReward - a.meanReward || b.support - a.support);
  const eligible = strategies.filter((s) => s.support >= minSupport);
  const [best, runnerUp] = eligible;
  let reasoning: string;
  let recommendation: SynthesizedContext['recommendation'] = null;
  if (best === undefined) {
    reasoning =
      `${evidence.length} of ${memories.length} neighbours are experiences at similarity >= ${evidenceSimilarity}; ` +
      `no strategy has ${minSupport} of them`;
  } else {
    const confidence =
      runnerUp === undefined
        ? null
        : normalCdf((best.meanReward - runnerUp.meanReward) / Math.hypot(best.standardError, runnerUp.standardError));
    recommendation = { strategy: best.strategy, expectedReward: best.meanReward, confidence };
    reasoning =
      `${best.strategy}: mean reward ${best.meanReward.toFixed(3)} over ${best.support} similar experiences` +
      (runnerUp === undefined
        ? ' (no other strategy has enough evidence)'
        : `, against ${runnerUp.strategy} ${runnerUp.meanReward.toFixed(3)} over ${runnerUp.support}; ` +
          `P(better) ${confidence!.toFixed(2)}`);
  }
  return { recommendation, strategies, evidence, reasoning };
}
