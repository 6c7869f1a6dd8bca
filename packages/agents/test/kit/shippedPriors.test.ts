import { describe, expect, it } from 'vitest';
import { createRandom } from '@qe-fleet/learning-core';
import { SwarmMemoryManager } from '@qe-fleet/memory';
import { AGENT_IDS, createPilotAgents } from '@qe-fleet/agents';

/** The fleet's task shape (apps/fleet runCommand): what a fresh database's first run selects for. */
const runTask = (agent: string) => ({ id: `${agent}-first`, type: 'qe-run', capabilities: [agent], timeout: 10 * 60_000 });

describe('every agent ships priors: a fresh database starts with its best-measured strategy', () => {
  it('all 17 agents: every strategy has a measured prior, and the first run selects the highest, for every seed (test-generator never its first-listed smoke)', async () => {
    for (let seed = 1; seed <= 5; seed++) {
      const memory = new SwarmMemoryManager(':memory:', { cleanupIntervalMs: 0 });
      memory.initialize();
      const agents = await createPilotAgents({ memory, ids: AGENT_IDS, random: createRandom(seed), patternImportIntervalMs: 0 });
      try {
        for (const agent of agents) await agent.initialize();
        expect(agents.map((a) => a.id)).toEqual([...AGENT_IDS]);
        expect(agents).toHaveLength(17);
        for (const agent of agents) {
          const strategies = agent.learningEngine.getStrategies();
          // every strategy of every pilot declares a prior, with where it was measured
          for (const s of strategies) {
            expect(s.prior?.evidence, `${agent.id}/${s.name}`).toMatch(/score/);
            expect(s.prior!.expectedReward, `${agent.id}/${s.name}`).toBeGreaterThan(0);
            expect(s.prior!.expectedReward, `${agent.id}/${s.name}`).toBeLessThanOrEqual(1);
          }
          // one agent's measured strategies differ: a table of equal figures would be no measurement
          expect(new Set(strategies.map((s) => s.prior!.expectedReward)).size, agent.id).toBeGreaterThan(1);
          const best = Math.max(...strategies.map((s) => s.prior!.expectedReward));
          const engine = agent.learningEngine;
          const chosen = engine.selectStrategy(engine.extractTaskState(runTask(agent.id))).strategy;
          // ties (equal to the printed 3 decimals) are equally good: the engine takes the first listed
          expect(strategies.find((s) => s.name === chosen)?.prior?.expectedReward, `${agent.id} chose ${chosen}`).toBe(best);
        }
        const generator = agents.find((a) => a.id === 'test-generator')!.learningEngine;
        expect(generator.selectStrategy(generator.extractTaskState(runTask('test-generator'))).strategy).not.toBe('smoke');
        // the strategies that examine nothing on a clean checkout (an empty run) are never the first pick
        for (const id of ['code-reviewer', 'coverage-analyzer', 'mutation-tester']) {
          const engine = agents.find((a) => a.id === id)!.learningEngine;
          expect(engine.selectStrategy(engine.extractTaskState(runTask(id))).strategy, id).not.toBe('changed-files');
        }
        const mutation = agents.find((a) => a.id === 'mutation-tester')!.learningEngine;
        expect(mutation.selectStrategy(mutation.extractTaskState(runTask('mutation-tester'))).strategy).toBe('file-sample');
      } finally {
        for (const agent of agents) await agent.shutdown();
        memory.close();
      }
    }
  });
});
