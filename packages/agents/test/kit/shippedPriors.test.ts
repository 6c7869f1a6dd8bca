import { describe, expect, it } from 'vitest';
import { createRandom } from '@qe-fleet/learning-core';
import { SwarmMemoryManager } from '@qe-fleet/memory';
import { createPilotAgents } from '@qe-fleet/agents';

/** The agents whose score tables the shipped priors come from (the later twelve ship none yet). */
const PILOTS = ['test-generator', 'code-reviewer', 'api-tester', 'performance-tester', 'security-scanner'];

/** The fleet's task shape (apps/fleet runCommand): what a fresh database's first run selects for. */
const runTask = (agent: string) => ({ id: `${agent}-first`, type: 'qe-run', capabilities: [agent], timeout: 10 * 60_000 });

describe('every pilot ships priors: a fresh database starts with its best-measured strategy', () => {
  it('selects the strategy with the highest shipped prior on the first run, for every seed, and never a first-listed loser', async () => {
    for (let seed = 1; seed <= 5; seed++) {
      const memory = new SwarmMemoryManager(':memory:', { cleanupIntervalMs: 0 });
      memory.initialize();
      const agents = createPilotAgents({ memory, ids: PILOTS, random: createRandom(seed), patternImportIntervalMs: 0 });
      try {
        for (const agent of agents) await agent.initialize();
        expect(agents.map((a) => a.id)).toEqual(PILOTS);
        for (const agent of agents) {
          const strategies = agent.learningEngine.getStrategies();
          // every strategy of every pilot declares a prior, with where it was measured
          for (const s of strategies) expect(s.prior?.evidence, `${agent.id}/${s.name}`).toMatch(/score/);
          const best = strategies.reduce((a, b) => (b.prior!.expectedReward > a.prior!.expectedReward ? b : a));
          const engine = agent.learningEngine;
          expect(engine.selectStrategy(engine.extractTaskState(runTask(agent.id))).strategy, agent.id).toBe(best.name);
          expect(best.name).not.toBe(strategies[0]!.name);
        }
        const generator = agents.find((a) => a.id === 'test-generator')!.learningEngine;
        expect(generator.selectStrategy(generator.extractTaskState(runTask('test-generator'))).strategy).not.toBe('smoke');
      } finally {
        for (const agent of agents) await agent.shutdown();
        memory.close();
      }
    }
  });
});
