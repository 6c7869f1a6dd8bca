import type { PilotAgent } from '@qe-fleet/agents/host';
import pLimit from 'p-limit';

/**
 * Runs `run` for every agent: up to `concurrency` at once (most agents wait on child processes —
 * test runners, Stryker, a browser — so a second core is real speed), then the agents whose
 * findings are timings one at a time with nothing beside them, since another agent's load would
 * read as the target's slowness.
 */
export async function runScheduled(agents: readonly PilotAgent[], concurrency: number, run: (agent: PilotAgent) => Promise<void>): Promise<void> {
  const limit = pLimit(concurrency);
  await Promise.all(agents.filter((a) => a.core.measuresTime !== true).map((agent) => limit(() => run(agent))));
  for (const agent of agents.filter((a) => a.core.measuresTime === true)) await run(agent);
}
