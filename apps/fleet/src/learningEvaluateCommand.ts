import type { AlgorithmEvaluation, EngineLogEntry, ValueEstimate } from '@qe-fleet/agentdb-adapter';
import { ALGORITHMS, isKnownAlgorithm, resolveLearningConfig } from '@qe-fleet/learning-core';
import { agentLogs, chosenAlgorithm, decisionTransformerName, loadAgentDB, loadAgentModel, recordAlgorithmChoice, requireLogs, withAgentDB, type AgentModel } from './algorithmChoice.js';
import { FleetError } from './FleetError.js';
import { addLearningTrainCommand } from './learningTrainCommand.js';
import { withMemory } from './openMemory.js';
import type { CommandRegistrar } from './program.js';
import { fmt, renderTable } from './render.js';

export { chosenAlgorithm } from './algorithmChoice.js';

/**
 * The candidates `evaluate` tries by default: every online algorithm, `federated-learning`
 * replayed as a lone member (the others' statistics are today's, which the logged decisions could
 * not have had); the decision transformer trains or loads a model, so name it with --algorithm.
 */
type AgentDB = Awaited<ReturnType<typeof loadAgentDB>>;

function defaultCandidates({ registerAgentDBAlgorithms }: AgentDB): string[] {
  return [...ALGORITHMS, ...registerAgentDBAlgorithms({ federated: { store: { publishModel() {}, readModels: () => [] }, federation: 'evaluate', member: 'replay' } })];
}

/** The decision transformer's estimate: the kept model on the logs it was not trained on, else one trained now on 70 %. */
async function evaluateTransformer({ evaluateDecisionTransformer, evaluateTrainedDecisionTransformer }: AgentDB, db: string, agentId: string, logged: readonly EngineLogEntry[], strategies: readonly string[]): Promise<{ e: AlgorithmEvaluation; note: string; model: AgentModel | null }> {
  const model = await withAgentDB(db, (adapter) => (adapter.loadModel(decisionTransformerName(agentId)) === null ? null : loadAgentModel(adapter, agentId, strategies)));
  if (model === null) {
    const e = await evaluateDecisionTransformer(logged, strategies);
    return { e, note: `no kept model (\`qe-fleet learning train\`): trained now on the first ${e.trainedOn}, estimated on the rest`, model };
  }
  const cut = model.trainedThrough === null ? logged.length : logged.findLastIndex((x) => x.timestamp <= model.trainedThrough!) + 1;
  const e = evaluateTrainedDecisionTransformer(model.model, logged.slice(0, cut), logged.slice(cut), strategies);
  return { e, note: `kept model v${model.version}, estimated on the ${logged.length - cut} decisions it was not trained on`, model };
}

const interval = (e: ValueEstimate): string => `[${fmt(e.lower, 3)}, ${fmt(e.upper, 3)}]`;

interface Row {
  algorithm: string;
  estimate: ValueEstimate;
  versus: ValueEstimate | null;
  experiences: number;
  ess: number | null;
  note: string;
}

/**
 * `learning evaluate`: off-policy estimates, from the agent's logged decisions and their
 * propensities, of what each candidate algorithm would have earned beside the current one's
 * logged value; `--use` switches the agent's algorithm only when the estimate's interval of the
 * difference lies above 0, unless `--force`.
 */
export const registerLearningEvaluateCommand: CommandRegistrar = (program, context, setExit) => {
  const learning = program.commands.find((c) => c.name() === 'learning') ?? program.command('learning').description("the learning layer's algorithms");
  learning
    .command('evaluate')
    .description("estimate other learning algorithms' value from an agent's logged decisions (off-policy), and switch with --use")
    .requiredOption('--agent <id>', 'agent id')
    .option('--algorithm <name...>', 'candidates (default: every online algorithm; decision-transformer trains a model on 70 % of the logs)')
    .option('--use <name>', "switch the agent to this algorithm if its estimate beats the current one's")
    .option('--force', 'switch with --use even when the estimate does not beat the current one (a refused switch exits 2)')
    .action(async (opts: { agent: string; algorithm?: string[]; use?: string; force?: boolean }) => {
      const ctx = context();
      const agentdb = await loadAgentDB();
      const known = defaultCandidates(agentdb);
      await withMemory(ctx.options.db, async (memory) => {
        const { strategies, logged, skipped } = await agentLogs(memory, opts.agent);
        const meta = memory.retrieve(`phase2/learning/${opts.agent}/meta`, { partition: 'learning' }) as { algorithm?: string } | null;
        // A choice made with --use is current from the next run on; the engine's meta records it only at its next checkpoint.
        const current = chosenAlgorithm(memory, opts.agent) ?? meta?.algorithm ?? resolveLearningConfig().algorithm;
        const candidates = [...new Set([...(opts.algorithm ?? known), ...(opts.use === undefined ? [] : [opts.use])])];
        for (const name of candidates) {
          if (name !== 'decision-transformer' && !isKnownAlgorithm(name)) {
            throw new FleetError('USAGE', `unknown algorithm '${name}' (known: ${known.join(', ')}, decision-transformer)`);
          }
        }
        // The model must exist before anything is estimated: say which command trains it.
        if (opts.use === 'decision-transformer') await withAgentDB(ctx.options.db, (adapter) => loadAgentModel(adapter, opts.agent, strategies));
        requireLogs(opts.agent, logged.length, skipped, 'to estimate an algorithm');
        const own = agentdb.loggedValue(logged);
        const rows: Row[] = [{ algorithm: `${current} (current, logged)`, estimate: own, versus: null, experiences: logged.length, ess: null, note: 'mean logged reward' }];
        const evaluations = new Map<string, AlgorithmEvaluation>();
        let modelVersion: number | undefined;
        for (const name of candidates) {
          const dt = name === 'decision-transformer' ? await evaluateTransformer(agentdb, ctx.options.db, opts.agent, logged, strategies) : null;
          const e = dt?.e ?? agentdb.evaluateAlgorithm(name, logged, strategies);
          evaluations.set(name, e);
          if (dt?.model) modelVersion = dt.model.version;
          const note =
            name === current ? 'replay of the current algorithm (should match the logged value)' : (dt?.note ?? (name === 'federated-learning' ? 'replayed as a lone member' : ''));
          rows.push({ algorithm: name, estimate: e.doublyRobust, versus: e.versusLogged, experiences: e.experiences, ess: e.effectiveSampleSize, note });
        }
        const lines = [
          `agent ${opts.agent}: ${logged.length} logged decisions (${skipped} without a propensity, left out); current algorithm ${current}`,
          'doubly robust estimates of the mean reward (composite score), 95 % intervals; "vs current" is the estimated difference on the same decisions',
          renderTable(
            [
              { header: 'algorithm', value: (r: Row) => r.algorithm },
              { header: 'estimate', value: (r: Row) => fmt(r.estimate.value, 3) },
              { header: '95 % interval', value: (r: Row) => interval(r.estimate) },
              { header: 'vs current', value: (r: Row) => (r.versus === null ? '' : `${r.versus.value >= 0 ? '+' : ''}${fmt(r.versus.value, 3)} ${interval(r.versus)}`) },
              { header: 'n', value: (r: Row) => String(r.experiences) },
              { header: 'eff. n', value: (r: Row) => (r.ess === null ? '' : fmt(r.ess, 0)) },
              { header: 'note', value: (r: Row) => r.note },
            ],
            rows,
          ),
        ];
        let switched: string | null = null;
        if (opts.use !== undefined) {
          const e = evaluations.get(opts.use)!;
          const beats = e.versusLogged.lower > 0;
          if (opts.use === current) {
            lines.push(`${opts.agent} already runs ${current}`);
          } else if (!beats && opts.force !== true) {
            lines.push(
              `not switching ${opts.agent} to ${opts.use}: its estimated difference ${fmt(e.versusLogged.value, 3)} ${interval(e.versusLogged)} does not lie above 0 (--force to switch anyway)`,
            );
            setExit(2);
          } else {
            recordAlgorithmChoice(memory, opts.agent, {
              algorithm: opts.use,
              estimate: e.doublyRobust,
              versusLogged: e.versusLogged,
              forced: !beats,
              at: Date.now(),
              ...(modelVersion === undefined ? {} : { modelVersion }),
            });
            switched = opts.use;
            lines.push(`${opts.agent} now runs ${opts.use}${beats ? '' : ' (forced: the estimate did not beat the current one)'}; its statistics start afresh at the next \`qe-fleet run\``);
          }
        }
        ctx.print(lines.join('\n'), {
          agent: opts.agent,
          current,
          logged: logged.length,
          skipped,
          currentValue: own,
          candidates: [...evaluations.values()].map((e) => ({ algorithm: e.algorithm, experiences: e.experiences, doublyRobust: e.doublyRobust, ips: e.ips, snips: e.snips, versusCurrent: e.versusLogged, effectiveSampleSize: e.effectiveSampleSize })),
          switched,
        });
      });
    });
  addLearningTrainCommand(learning, context);
};
