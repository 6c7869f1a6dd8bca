import { createPilotAgents } from '@qe-fleet/agents/host';
import {
  evaluateAlgorithm,
  evaluateDecisionTransformer,
  loggedValue,
  logsFromExperiences,
  registerAgentDBAlgorithms,
  type AlgorithmEvaluation,
  type ValueEstimate,
} from '@qe-fleet/agentdb-adapter';
import { ALGORITHMS, isKnownAlgorithm, resolveLearningConfig, type TaskExperience } from '@qe-fleet/learning-core';
import type { SwarmMemoryManager } from '@qe-fleet/memory';
import { FleetError } from './FleetError.js';
import { withMemory } from './openMemory.js';
import type { CommandRegistrar } from './program.js';
import { fmt, renderTable } from './render.js';

/** Where `--use` records an agent's algorithm (read by `qe-fleet run`). */
const CHOICE_PARTITION = 'learning';
const choiceKey = (agentId: string): string => `qe-fleet/algorithm-choice/${agentId}`;

/** Fewer logged decisions than this and no estimate is worth printing. */
const MIN_LOGGED = 30;

/** The algorithm `qe-fleet learning evaluate --use` chose for an agent, if any (`qe-fleet run` runs it). */
export function chosenAlgorithm(memory: SwarmMemoryManager, agentId: string): string | undefined {
  const value = memory.retrieve(choiceKey(agentId), { partition: CHOICE_PARTITION }) as { algorithm?: unknown } | null;
  return typeof value?.algorithm === 'string' && isKnownAlgorithm(value.algorithm) ? value.algorithm : undefined;
}

/** The online candidates `evaluate` tries by default (federated-learning needs a shared store; the decision transformer trains a model: name them with --algorithm). */
function defaultCandidates(): string[] {
  return [...ALGORITHMS, ...registerAgentDBAlgorithms()];
}

/** The agent's stored experiences, oldest first, read without opening (and so rewriting) its engine. */
function storedExperiences(memory: SwarmMemoryManager, agentId: string): TaskExperience[] {
  const prefix = `phase2/learning/${agentId}/experiences/`;
  return memory
    .query(`${prefix}%`, { partition: 'learning' })
    .filter((e) => e.key.startsWith(prefix))
    .map((e) => e.value as TaskExperience & { seq: number })
    .sort((a, b) => a.seq - b.seq);
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
      registerAgentDBAlgorithms();
      await withMemory(ctx.options.db, async (memory) => {
        const record = memory.getAgent(opts.agent);
        if (record === null) throw new FleetError('NOT_FOUND', `no agent '${opts.agent}' in the registry`);
        const strategies = (await createPilotAgents({ ids: [record.type], memory })).at(0)!.core.strategies.map((s) => s.name);
        const meta = memory.retrieve(`phase2/learning/${opts.agent}/meta`, { partition: 'learning' }) as { algorithm?: string } | null;
        const current = meta?.algorithm ?? resolveLearningConfig().algorithm;
        const candidates = [...new Set([...(opts.algorithm ?? defaultCandidates()), ...(opts.use === undefined ? [] : [opts.use])])];
        for (const name of candidates) {
          if (name !== 'decision-transformer' && !isKnownAlgorithm(name)) {
            throw new FleetError('USAGE', `unknown algorithm '${name}' (known: ${defaultCandidates().join(', ')}, decision-transformer)`);
          }
        }
        if (opts.use === 'decision-transformer' || opts.use === 'federated-learning') {
          throw new FleetError('USAGE', `--use ${opts.use} is not supported by qe-fleet yet (it needs a trained model or a federation store); evaluate it, or select it through BaseAgentOptions.learning`);
        }
        const { logged, skipped } = logsFromExperiences(storedExperiences(memory, opts.agent), strategies);
        if (logged.length < MIN_LOGGED) {
          throw new FleetError(
            'NOT_FOUND',
            `agent '${opts.agent}' has ${logged.length} logged decisions with a propensity (${skipped} without: forced strategies, A/B tests, older runs); at least ${MIN_LOGGED} are needed`,
          );
        }
        const own = loggedValue(logged);
        const rows: Row[] = [{ algorithm: `${current} (current, logged)`, estimate: own, versus: null, experiences: logged.length, ess: null, note: 'mean logged reward' }];
        const evaluations = new Map<string, AlgorithmEvaluation>();
        for (const name of candidates) {
          const e = name === 'decision-transformer' ? await evaluateDecisionTransformer(logged, strategies) : evaluateAlgorithm(name, logged, strategies);
          evaluations.set(name, e);
          const note = name === current ? 'replay of the current algorithm (should match the logged value)' : name === 'decision-transformer' ? `trained on the first ${logged.length - e.experiences}, estimated on the rest` : '';
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
            memory.store(choiceKey(opts.agent), { algorithm: opts.use, estimate: e.doublyRobust, versusLogged: e.versusLogged, forced: !beats, at: Date.now() }, { partition: CHOICE_PARTITION });
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
};
