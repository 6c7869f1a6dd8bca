import { FleetError } from './FleetError.js';
import { agentDBPath, agentLogs, decisionTransformerName, requireLogs, withAgentDB } from './algorithmChoice.js';
import { withMemory } from './openMemory.js';
import type { CommandContext } from './program.js';
import type { Command } from 'commander';
import { fmt } from './render.js';

/**
 * `learning train --agent <id>`: trains the agent's decision transformer on its logged decisions
 * (AgentDB `train()`, in a worker thread, never on a task's path) and keeps it in the AgentDB file
 * beside the database, where `learning evaluate` estimates it and `qe-fleet run` runs it once
 * `--use decision-transformer` chose it. The last 20 % of the logs are held out (never trained on).
 */
export function addLearningTrainCommand(learning: Command, context: () => CommandContext): void {
  learning
    .command('train')
    .description("train the agent's decision transformer on its logged decisions (kept for --use decision-transformer)")
    .requiredOption('--agent <id>', 'agent id')
    .option('--epochs <n>', 'training epochs (default 10)')
    .action(async (opts: { agent: string; epochs?: string }) => {
      const ctx = context();
      const epochs = opts.epochs === undefined ? undefined : Number(opts.epochs);
      if (epochs !== undefined && !(Number.isInteger(epochs) && epochs >= 1 && epochs <= 1000)) throw new FleetError('USAGE', '--epochs must be an integer in [1, 1000]');
      await withMemory(ctx.options.db, async (memory) => {
        const { strategies, logged, skipped } = await agentLogs(memory, opts.agent);
        requireLogs(opts.agent, logged.length, skipped, 'to train a decision transformer');
        const result = await withAgentDB(ctx.options.db, (adapter) =>
          adapter.train({ logs: { logged, strategies }, saveAs: decisionTransformerName(opts.agent), ...(epochs === undefined ? {} : { epochs }) }),
        );
        const saved = result.saved!;
        const losses = result.model.lossByEpoch;
        ctx.print(
          [
            `${opts.agent}: decision transformer trained on ${result.model.trainSteps} of ${logged.length} logged decisions (${result.model.heldOutSteps} held out; ${skipped} without a propensity left out), ${fmt(result.duration / 1000, 1)} s in a worker`,
            `training loss ${fmt(losses[0] ?? Number.NaN, 3)} -> ${fmt(result.loss, 3)}; held-out loss ${fmt(result.heldOutLoss, 3)}, accuracy ${fmt(result.heldOutAccuracy, 3)} (always the most frequent strategy: ${fmt(result.majorityAccuracy, 3)})`,
            `kept as ${saved.name} (version ${saved.version}) in ${agentDBPath(ctx.options.db)}; estimate it with \`qe-fleet learning evaluate --agent ${opts.agent} --algorithm decision-transformer\`, run it with \`--use decision-transformer\``,
          ].join('\n'),
          {
            agent: opts.agent,
            logged: logged.length,
            skipped,
            trainSteps: result.model.trainSteps,
            heldOutSteps: result.model.heldOutSteps,
            lossByEpoch: losses,
            heldOutLoss: result.heldOutLoss,
            heldOutAccuracy: result.heldOutAccuracy,
            majorityAccuracy: result.majorityAccuracy,
            durationMs: result.duration,
            model: { name: saved.name, version: saved.version, path: agentDBPath(ctx.options.db) },
          },
        );
      });
    });
}
