import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createPilotAgents } from '@qe-fleet/agents';
import { LearningEngine, createRandom } from '@qe-fleet/learning-core';
import { SwarmMemoryManager } from '@qe-fleet/memory';
import { beforeAll, describe, expect, it } from 'vitest';
import { chosenAlgorithm } from '../src/learningEvaluateCommand.js';
import { cli } from './cliHarness.js';

let dir: string;
let db: string;
let strategies: string[];

/** 400 decisions of the default engine for the test-generator, one strategy clearly best; logged with propensities. */
beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'qe-evaluate-'));
  db = join(dir, 'fleet.db');
  const memory = new SwarmMemoryManager(db);
  memory.initialize();
  memory.registerAgent({ id: 'test-generator', type: 'test-generator', capabilities: ['test-generator'], status: 'active', performance: {} });
  memory.registerAgent({ id: 'api-tester', type: 'api-tester', capabilities: ['api-tester'], status: 'active', performance: {} });
  strategies = (await createPilotAgents({ ids: ['test-generator'], memory }))[0]!.core.strategies.map((s) => s.name);
  let now = 1_700_000_000_000;
  const engine = new LearningEngine('test-generator', memory, { strategies, clock: () => now, random: createRandom(1), resources: () => 0.5 });
  engine.initialize();
  const outcomes = createRandom(2);
  for (let i = 0; i < 400; i++) {
    now += 60_000;
    const task = { id: `t${i}`, type: 'qe-run', capabilities: ['test-generator'] };
    const s = engine.selectStrategy(engine.extractTaskState(task));
    const rate = s.strategy === strategies[1] ? 0.9 : 0.4;
    engine.learnFromExecution(task, { strategy: s.strategy, success: outcomes() < rate, executionTime: 2000 + 4000 * outcomes() });
  }
  memory.close();
});

describe('qe-fleet learning evaluate', () => {
  it('prints each candidate’s doubly robust estimate with its interval beside the current policy’s logged value', async () => {
    const r = await cli(['--db', db, '--json', 'learning', 'evaluate', '--agent', 'test-generator', '--algorithm', 'ucb1', 'discounted-thompson', 'adversarial-training'], dir);
    expect(r.err).toBe('');
    expect(r.code).toBe(0);
    const json = JSON.parse(r.out) as {
      current: string;
      logged: number;
      currentValue: { value: number; lower: number; upper: number };
      candidates: Array<{ algorithm: string; doublyRobust: { value: number; lower: number; upper: number }; versusCurrent: { lower: number; upper: number } }>;
    };
    expect(json.current).toBe('discounted-thompson');
    expect(json.logged).toBe(400);
    expect(json.candidates.map((c) => c.algorithm)).toEqual(['ucb1', 'discounted-thompson', 'adversarial-training']);
    const self = json.candidates.find((c) => c.algorithm === 'discounted-thompson')!;
    // Replaying the current algorithm over its own logs estimates its logged value.
    expect(self.versusCurrent.lower).toBeLessThanOrEqual(0);
    expect(self.versusCurrent.upper).toBeGreaterThanOrEqual(0);
    const exp3 = json.candidates.find((c) => c.algorithm === 'adversarial-training')!;
    expect(exp3.doublyRobust.value).toBeLessThan(json.currentValue.value);
    const text = await cli(['--db', db, 'learning', 'evaluate', '--agent', 'test-generator', '--algorithm', 'sarsa'], dir);
    expect(text.out).toMatch(/discounted-thompson \(current, logged\)/);
    expect(text.out).toMatch(/sarsa\s+0\.\d{3}\s+\[0\.\d{3}, 0\.\d{3}\]/);
  }, 60_000);

  it('refuses to switch when the estimate does not beat the current one, and switches with --force', async () => {
    const refused = await cli(['--db', db, 'learning', 'evaluate', '--agent', 'test-generator', '--use', 'adversarial-training'], dir);
    expect(refused.code).toBe(2);
    expect(refused.out).toMatch(/not switching test-generator to adversarial-training/);
    const check = new SwarmMemoryManager(db);
    check.initialize();
    expect(chosenAlgorithm(check, 'test-generator')).toBeUndefined();
    check.close();
    const forced = await cli(['--db', db, 'learning', 'evaluate', '--agent', 'test-generator', '--use', 'adversarial-training', '--force'], dir);
    expect(forced.code).toBe(0);
    expect(forced.out).toMatch(/now runs adversarial-training \(forced/);
    const after = new SwarmMemoryManager(db);
    after.initialize();
    expect(chosenAlgorithm(after, 'test-generator')).toBe('adversarial-training');
    after.close();
  }, 60_000);

  it('says why when there are too few logged decisions, and refuses unknown algorithms', async () => {
    const few = await cli(['--db', db, 'learning', 'evaluate', '--agent', 'api-tester'], dir);
    expect(few.code).toBe(2);
    expect(few.err).toMatch(/0 logged decisions with a propensity/);
    const unknown = await cli(['--db', db, 'learning', 'evaluate', '--agent', 'test-generator', '--algorithm', 'magic'], dir);
    expect(unknown.code).toBe(2);
    expect(unknown.err).toMatch(/unknown algorithm 'magic'/);
  });
});
