import { hostname } from 'node:os';
import { createPilotAgents } from '@qe-fleet/agents/host';
import type { AgentDBAdapter, DecisionTransformerChoice, DecisionTransformerTrained, EngineLogEntry, FederatedLearningOptions } from '@qe-fleet/agentdb-adapter';
import { isKnownAlgorithm, type TaskExperience } from '@qe-fleet/learning-core';
import type { SwarmMemoryManager } from '@qe-fleet/memory';
import { FleetError } from './FleetError.js';

/** Where `learning evaluate --use` records an agent's algorithm (read by `qe-fleet run`). */
const CHOICE_PARTITION = 'learning';
const choiceKey = (agentId: string): string => `qe-fleet/algorithm-choice/${agentId}`;

/**
 * agentdb-adapter, loaded by the commands that use it: `qe-fleet run` needs it only for an agent
 * whose algorithm was switched, and loading it with the CLI costs every command ~50 ms.
 */
export const loadAgentDB = (): Promise<typeof import('@qe-fleet/agentdb-adapter')> => import('@qe-fleet/agentdb-adapter');

/** What `--use` stores. */
export interface AlgorithmChoice {
  algorithm: string;
  [detail: string]: unknown;
}

/** Records the algorithm `qe-fleet run` gives the agent from now on. */
export function recordAlgorithmChoice(memory: SwarmMemoryManager, agentId: string, choice: AlgorithmChoice): void {
  memory.store(choiceKey(agentId), choice, { partition: CHOICE_PARTITION });
}

/** The algorithm `qe-fleet learning evaluate --use` chose for an agent, if any (`qe-fleet run` runs it). */
export function chosenAlgorithm(memory: SwarmMemoryManager, agentId: string): string | undefined {
  const recorded = recordedAlgorithm(memory, agentId);
  return recorded !== undefined && runnable(recorded) ? recorded : undefined;
}

/** The name `--use` recorded for an agent, whether or not this process knows it (yet). */
function recordedAlgorithm(memory: SwarmMemoryManager, agentId: string): string | undefined {
  const value = memory.retrieve(choiceKey(agentId), { partition: CHOICE_PARTITION }) as { algorithm?: unknown } | null;
  return typeof value?.algorithm === 'string' ? value.algorithm : undefined;
}

/** A registered algorithm, or one of the two that need a model or a federation prepared first. */
const runnable = (algorithm: string): boolean => isKnownAlgorithm(algorithm) || algorithm === 'decision-transformer' || algorithm === 'federated-learning';

/**
 * The AgentDB file kept beside the fleet database (`fleet.db` → `fleet.db.agentdb`): where
 * `qe-fleet learning train` keeps each agent's decision transformer.
 */
export function agentDBPath(db: string): string {
  return db === ':memory:' ? ':memory:' : `${db}.agentdb`;
}

/** Opens the fleet's AgentDB file for `fn` and closes it after, also when `fn` throws. */
export async function withAgentDB<T>(db: string, fn: (adapter: AgentDBAdapter) => T | Promise<T>): Promise<T> {
  const { createAgentDBAdapter } = await loadAgentDB();
  const adapter = createAgentDBAdapter({ dbPath: agentDBPath(db) });
  try {
    return await fn(adapter);
  } finally {
    adapter.close();
  }
}

/** The name an agent's decision transformer is saved under in the AgentDB file. */
export const decisionTransformerName = (agentId: string): string => `decision-transformer/${agentId}`;

/** A model an agent can run: trained on its strategies, in their order. */
export interface AgentModel {
  model: DecisionTransformerTrained;
  strategies: string[];
  trainedThrough: number | null;
  trainSteps: number;
  version: number;
}

/**
 * The agent's trained decision transformer, or the typed reason it has none that names the
 * command that trains one (never trained, or trained on another strategy set).
 */
export function loadAgentModel(adapter: AgentDBAdapter, agentId: string, strategies: readonly string[]): AgentModel {
  const stored = adapter.loadModel(decisionTransformerName(agentId));
  const train = `train one with \`qe-fleet learning train --agent ${agentId}\``;
  if (stored === null || stored.kind !== 'decision-transformer') {
    throw new FleetError('NOT_FOUND', `no decision-transformer model is trained for ${agentId} in ${adapter.path}: ${train}`);
  }
  const trained = stored.info.strategies;
  if (!Array.isArray(trained) || trained.join('\n') !== strategies.join('\n')) {
    throw new FleetError('NOT_FOUND', `${agentId}'s decision-transformer model was trained on other strategies (${String(trained)}): ${train}`);
  }
  return {
    model: stored.model as DecisionTransformerTrained,
    strategies: [...strategies],
    trainedThrough: typeof stored.info.trainedThrough === 'number' ? stored.info.trainedThrough : null,
    trainSteps: typeof stored.info.trainSteps === 'number' ? stored.info.trainSteps : 0,
    version: stored.version,
  };
}

/**
 * How a fleet agent federates: with the agents of its type (same strategies) that publish into
 * this database, as member `<host>/<agent>`, publishing after every learned task (a fleet task is
 * minutes long, so one key-value write per task is nothing).
 */
function federationFor(store: FederatedLearningOptions['store'], agentType: string, agentId: string): FederatedLearningOptions {
  return { store, federation: `qe-fleet/${agentType}`, member: `${hostname()}/${agentId}`, roundEvery: 1 };
}

/**
 * Reads the agents' recorded choices and registers agentdb-adapter's algorithms so that each
 * agent's engine gets its own: `decision-transformer` the model `learning train` kept for that
 * agent (loaded now; a missing one is refused before anything runs), `federated-learning` a
 * member of its type's federation in the memory database. Returns agent id → algorithm.
 * agentdb-adapter is loaded (and its algorithms' names become known) only when some agent has a
 * recorded choice.
 */
export async function prepareChosenAlgorithms(memory: SwarmMemoryManager, agentIds: readonly string[], db: string): Promise<Map<string, string>> {
  const recorded = agentIds.flatMap((id) => {
    const algorithm = recordedAlgorithm(memory, id);
    return algorithm === undefined ? [] : [[id, algorithm] as const];
  });
  if (recorded.length === 0) return new Map();
  const { AgentDBError, createAgentDBAdapter, MemoryFederatedStore, registerAgentDBAlgorithms } = await loadAgentDB();
  // Engines are built later (fleet initialisation), each with only its strategy names: match on those.
  const byArms = new Map<string, { id: string; model?: AgentModel }>();
  const agentOf = (arms: readonly string[]): { id: string; model?: AgentModel } => {
    const found = byArms.get(arms.join('\n'));
    if (found === undefined) throw new AgentDBError('MODEL_NOT_FOUND', `no agent of this run chose decision-transformer or federated-learning with strategies ${arms.join(', ')}`);
    return found;
  };
  registerAgentDBAlgorithms({
    decisionTransformer: (arms): DecisionTransformerChoice => {
      const { id, model } = agentOf(arms);
      if (model === undefined) throw new AgentDBError('MODEL_NOT_FOUND', `${id} has no decision-transformer model`);
      return { model: model.model };
    },
    federated: (arms) => federationFor(new MemoryFederatedStore(memory), agentOf(arms).id, agentOf(arms).id),
  });
  // Registered now, agentdb-adapter's names are known too.
  const choices = new Map(recorded.filter(([, algorithm]) => runnable(algorithm)));
  const special = [...choices].filter(([, a]) => a === 'decision-transformer' || a === 'federated-learning');
  const adapter = special.some(([, a]) => a === 'decision-transformer') ? createAgentDBAdapter({ dbPath: agentDBPath(db) }) : undefined;
  try {
    for (const [id, algorithm] of special) {
      const strategies = await strategyNames(memory, id);
      const key = strategies.join('\n');
      if (byArms.has(key)) throw new FleetError('USAGE', `${id} and ${byArms.get(key)!.id} share their strategies; run them in separate fleets to give each its own ${algorithm}`);
      byArms.set(key, { id, ...(algorithm === 'decision-transformer' ? { model: loadAgentModel(adapter!, id, strategies) } : {}) });
    }
  } finally {
    adapter?.close();
  }
  return choices;
}

/** The strategy names of an agent type, in its core's order (what its engine's arms are). */
async function strategyNames(memory: SwarmMemoryManager, type: string): Promise<string[]> {
  const [agent] = await createPilotAgents({ ids: [type], memory });
  return agent!.core.strategies.map((s) => s.name);
}

/** Fewer logged decisions than this and no estimate or model is worth making. */
export const MIN_LOGGED = 30;

/** An agent's strategies and its stored experiences as off-policy logs (those with a propensity). */
export async function agentLogs(memory: SwarmMemoryManager, agentId: string): Promise<{ type: string; strategies: string[]; logged: EngineLogEntry[]; skipped: number }> {
  const record = memory.getAgent(agentId);
  if (record === null) throw new FleetError('NOT_FOUND', `no agent '${agentId}' in the registry`);
  const strategies = await strategyNames(memory, record.type);
  // Read without opening (and so rewriting) the agent's engine.
  const prefix = `phase2/learning/${agentId}/experiences/`;
  const experiences = memory
    .query(`${prefix}%`, { partition: 'learning' })
    .filter((e) => e.key.startsWith(prefix))
    .map((e) => e.value as TaskExperience & { seq: number })
    .sort((a, b) => a.seq - b.seq);
  const { logsFromExperiences } = await loadAgentDB();
  return { type: record.type, strategies, ...logsFromExperiences(experiences, strategies) };
}

/** The typed refusal when an agent has too few logged decisions for `what`. */
export function requireLogs(agentId: string, logged: number, skipped: number, what: string): void {
  if (logged >= MIN_LOGGED) return;
  throw new FleetError(
    'NOT_FOUND',
    `agent '${agentId}' has ${logged} logged decisions with a propensity (${skipped} without: forced strategies, A/B tests, older runs); at least ${MIN_LOGGED} are needed ${what}`,
  );
}
