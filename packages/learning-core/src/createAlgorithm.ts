import { BanditLearner } from './BanditLearner.js';
import { QLearning } from './QLearning.js';
import type { LearningAlgorithm, LearningConfig, RandomSource } from './types.js';

/** The algorithm `config.algorithm` names, over the strategy names `arms`. */
export function createAlgorithm(config: LearningConfig, arms: readonly string[], random: RandomSource): LearningAlgorithm {
  switch (config.algorithm) {
    case 'q-learning':
      return new QLearning(arms, random, config.learningRate, config.discountFactor);
    case 'ucb1':
      return new BanditLearner(config.algorithm, arms, random, 'ucb', { kind: 'none' });
    case 'thompson-sampling':
      return new BanditLearner(config.algorithm, arms, random, 'thompson', { kind: 'none' });
    case 'discounted-thompson':
      return new BanditLearner(config.algorithm, arms, random, 'thompson', { kind: 'discount', factor: config.banditDiscount });
    case 'sliding-window-ucb':
      return new BanditLearner(config.algorithm, arms, random, 'ucb', { kind: 'window', size: config.slidingWindowSize });
  }
}
