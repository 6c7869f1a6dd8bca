import type { SwarmMemoryManager } from '@qe-fleet/memory';
import { BaseAgent } from './BaseAgent.js';
import { FacadeError } from './FacadeError.js';
import { LearningFleet } from './LearningFleet.js';
import { OverheadHistogram } from './OverheadHistogram.js';
import type { LearningDashboard } from './types.js';

/**
 * Seed 11.2, measured: overhead quantiles from the agents' merged histograms, improvement from
 * their trackers, memory from the size of their serialised states, counts from the store.
 */
export function generateLearningDashboard(source: LearningFleet | readonly BaseAgent[], memory: SwarmMemoryManager): LearningDashboard {
  const agents = source instanceof LearningFleet ? source.agents : source;
  if (!Array.isArray(agents) || !agents.every((a) => a instanceof BaseAgent)) {
    throw new FacadeError('INVALID_OPTIONS', 'generateLearningDashboard needs a LearningFleet or an array of BaseAgents');
  }
  const overhead = new OverheadHistogram();
  let improvementSum = 0;
  let targetAchieved = 0;
  let learningEnabled = 0;
  let totalExperiences = 0;
  let activeABTests = 0;
  let improvementCycles = 0;
  let totalSize = 0;
  let largest = { id: '', bytes: -1 };
  for (const agent of agents) {
    overhead.merge(agent.overheadHistogram);
    const improvement = agent.performanceTracker.calculateImprovement();
    improvementSum += improvement.improvementRate;
    if (improvement.targetAchieved) targetAchieved++;
    if (agent.learningEngine.isEnabled()) learningEnabled++;
    totalExperiences += agent.learningEngine.getTotalExperiences();
    activeABTests += agent.improvementLoop.getActiveTests().length;
    // The loop stores every cycle (30-day TTL); counting them costs a dashboard, not a task.
    improvementCycles += memory.query(`phase2/learning/${agent.id}/cycles/%`, { partition: 'learning' }).length;
    const { stateBytes } = agent.getMetrics();
    totalSize += stateBytes;
    if (stateBytes > largest.bytes) largest = { id: agent.id, bytes: stateBytes };
  }
  const stats = memory.stats();
  const summary = overhead.summary();
  return {
    fleet: {
      totalAgents: agents.length,
      learningEnabled,
      averageImprovement: agents.length === 0 ? 0 : improvementSum / agents.length,
      targetAchieved,
    },
    performance: {
      avgOverhead: summary.avg,
      peakOverhead: summary.peak,
      p50Overhead: summary.p50,
      p95Overhead: summary.p95,
      p99Overhead: summary.p99,
      tasksMeasured: summary.count,
    },
    learning: {
      totalExperiences,
      patternsDiscovered: stats.totalPatterns,
      activeABTests,
      improvementCycles,
    },
    memory: {
      totalSize,
      avgPerAgent: agents.length === 0 ? 0 : totalSize / agents.length,
      largestAgent: largest.id,
      databaseBytes: stats.databaseBytes,
    },
  };
}
