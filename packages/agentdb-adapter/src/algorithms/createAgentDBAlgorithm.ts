import type { RandomSource } from '@qe-fleet/learning-core';
import { AgentDBError } from '../AgentDBError.js';
import { ActiveLearning, type ActiveLearningOptions } from './ActiveLearning.js';
import { ActorCritic, type ActorCriticOptions } from './ActorCritic.js';
import { CurriculumLearning, type CurriculumLearningOptions } from './CurriculumLearning.js';
import { Exp3, type Exp3Options } from './Exp3.js';
import { FederatedLearning, type FederatedLearningOptions } from './FederatedLearning.js';
import { MultiTaskLearning, type MultiTaskLearningOptions } from './MultiTaskLearning.js';
import { QLearningPolicy, type QLearningOptions } from './QLearningPolicy.js';
import { Sarsa, type SarsaOptions } from './Sarsa.js';
import type { AgentDBAlgorithm, AgentDBAlgorithmName } from './types.js';

/** Every algorithm `createAgentDBAlgorithm` builds, in report order. */
export const AGENTDB_ALGORITHMS: readonly AgentDBAlgorithmName[] = [
  'q-learning',
  'sarsa',
  'actor-critic',
  'adversarial-training',
  'active-learning',
  'curriculum-learning',
  'federated-learning',
  'multi-task-learning',
];

/** Per-algorithm parameters (each optional except `federated-learning`'s store). */
export interface AgentDBAlgorithmOptions {
  'q-learning'?: QLearningOptions;
  sarsa?: SarsaOptions;
  'actor-critic'?: ActorCriticOptions;
  'adversarial-training'?: Exp3Options;
  'active-learning'?: ActiveLearningOptions;
  'curriculum-learning'?: CurriculumLearningOptions;
  'federated-learning'?: FederatedLearningOptions;
  'multi-task-learning'?: MultiTaskLearningOptions;
}

/** The algorithm of that name over the strategy names `arms`. */
export function createAgentDBAlgorithm(
  name: AgentDBAlgorithmName,
  arms: readonly string[],
  random: RandomSource,
  options: AgentDBAlgorithmOptions = {},
): AgentDBAlgorithm {
  switch (name) {
    case 'q-learning':
      return new QLearningPolicy(arms, random, options['q-learning']);
    case 'sarsa':
      return new Sarsa(arms, random, options.sarsa);
    case 'actor-critic':
      return new ActorCritic(arms, random, options['actor-critic']);
    case 'adversarial-training':
      return new Exp3(arms, random, options['adversarial-training']);
    case 'active-learning':
      return new ActiveLearning(arms, random, options['active-learning']);
    case 'curriculum-learning':
      return new CurriculumLearning(arms, random, options['curriculum-learning']);
    case 'federated-learning': {
      const federated = options['federated-learning'];
      if (federated === undefined) throw new AgentDBError('INVALID_OPTIONS', 'federated-learning needs options.federated-learning.store');
      return new FederatedLearning(arms, random, federated);
    }
    case 'multi-task-learning':
      return new MultiTaskLearning(arms, random, options['multi-task-learning']);
    default:
      throw new AgentDBError('INVALID_OPTIONS', `unknown algorithm '${String(name)}'`);
  }
}
