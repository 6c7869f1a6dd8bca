import { registeredFactory } from './algorithmRegistry.js';
import { BanditLearner } from './BanditLearner.js';
import { LearningError } from './LearningError.js';
import { QLearning } from './QLearning.js';
import type { LearningAlgorithm, LearningConfig, RandomSource } from './types.js';

/** The algorithm `config.algorithm` names (built in, or added with `registerAlgorithm`), over the strategy names `arms`. */
export function createAlgorithm(config: LearningConfig, arms: readonly string[], random: RandomSource): LearningAlgorithm {
  switch (config.algorithm) {
    case 'q-learning':
      return new QLearning(arms, random, config.learningRate, config.discountFactor);
    case 'ucb1':
      return new BanditLearner('ucb1', arms, random, 'ucb', { kind: 'none' });
    case 'thompson-sampling':
      return new BanditLearner('thompson-sampling', arms, random, 'thompson', { kind: 'none' });
    case 'discounted-thompson':
      return new BanditLearner('discounted-thompson', arms, random, 'thompson', { kind: 'discount', factor: config.banditDiscount });
    case 'sliding-window-ucb':
      return new BanditLearner('sliding-window-ucb', arms, random, 'ucb', { kind: 'window', size: config.slidingWindowSize });
  }
  const factory = registeredFactory(config.algorithm);
  if (factory === undefined) throw new LearningError('INVALID_CONFIG', `unknown algorithm '${config.algorithm}'`);
  const algorithm = factory(config, arms, random);
  if (algorithm?.name !== config.algorithm) {
    throw new LearningError('INVALID_CONFIG', `the factory of '${config.algorithm}' built an algorithm named '${String(algorithm?.name)}'`);
  }
  return algorithm;
}
