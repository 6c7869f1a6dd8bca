import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { IMPROVEMENT_TARGET, SCENARIO_NAMES, type SimulationResult, Simulator } from '@qe-fleet/learning-core';
import { renderLineChart } from './chart.js';
import { loadAgentDB } from './algorithmChoice.js';
import { FleetError } from './FleetError.js';
import type { CommandContext, CommandRegistrar } from './program.js';
import { fmt, pct, renderTable } from './render.js';

interface SimulateOptions {
  days?: string;
  tasksPerHour?: string;
  agents?: string;
  seed?: string;
  scenario?: string;
  chart: string;
  alone?: boolean;
  curriculum?: boolean;
}

function number(flag: string, value: string | undefined, check: (n: number) => boolean, expected: string): number | undefined {
  if (value === undefined) return undefined;
  const n = Number(value);
  if (!check(n)) throw new FleetError('USAGE', `${flag}: expected ${expected}, got '${value}'`);
  return n;
}

async function simulate(ctx: CommandContext, opts: SimulateOptions): Promise<number> {
  const cfg = ctx.config.simulate ?? {};
  const days = number('--days', opts.days, (n) => n > 0 && n <= 365, 'a number of days in (0, 365]') ?? cfg.days ?? 30;
  const tasksPerHour = number('--tasks-per-hour', opts.tasksPerHour, (n) => n > 0 && n <= 1000, 'a rate in (0, 1000]') ?? cfg.tasksPerHour ?? 10;
  const seed = number('--seed', opts.seed, Number.isSafeInteger, 'a whole number') ?? cfg.seed ?? 1;
  const scenario = opts.scenario ?? cfg.scenario ?? 'seed-30-day';
  if (!(SCENARIO_NAMES as readonly string[]).includes(scenario)) {
    throw new FleetError('USAGE', `--scenario: unknown '${scenario}' (available: ${SCENARIO_NAMES.join(', ')})`);
  }
  const agents = opts.agents?.split(',').map((s) => s.trim()).filter(Boolean);
  const simulator = new Simulator({
    days,
    tasksPerHour,
    seed,
    scenario: scenario as (typeof SCENARIO_NAMES)[number],
    pooled: !opts.alone,
    trackPerformance: true,
    ...(agents === undefined || agents.length === 0 ? {} : { agents }),
    ...(opts.curriculum === true ? { scheduler: new (await loadAgentDB()).CurriculumScheduler() } : {}),
  });
  const started = performance.now();
  const result: SimulationResult = await simulator.run();
  const seconds = (performance.now() - started) / 1000;

  const chartPath = resolve(ctx.io.cwd, opts.chart);
  mkdirSync(dirname(chartPath), { recursive: true });
  writeFileSync(
    chartPath,
    renderLineChart({
      title: `Improvement per day (${result.scenario.name}, seed ${seed})`,
      xLabel: 'day',
      yLabel: 'composite-score improvement %',
      series: result.agents.map((a) => ({
        name: a.agentId,
        points: a.days.filter((d) => d.improvementRate !== null).map((d) => ({ x: d.day, y: d.improvementRate ?? 0 })),
      })),
      references: [{ y: IMPROVEMENT_TARGET, label: `seed target ${IMPROVEMENT_TARGET} % in 30 days` }],
    }),
  );

  const rows = result.agents.map((a) => ({
    agent: a.agentId,
    tasks: a.tasks,
    improvement: a.improvement?.improvementRate ?? null,
    target: (a.improvement?.improvementRate ?? Number.NEGATIVE_INFINITY) >= IMPROVEMENT_TARGET,
    ns: a.normalizedScore,
    nsDay1: a.firstDayNormalizedScore,
    nsDrift: a.driftDayNormalizedScore,
  }));
  const improvements = rows.map((r) => r.improvement).filter((v): v is number => v !== null).sort((a, b) => a - b);
  const median = improvements.length === 0 ? null : (improvements[Math.floor((improvements.length - 1) / 2)]! + improvements[Math.ceil((improvements.length - 1) / 2)]!) / 2;
  const perTaskMs = (seconds * 1000) / Math.max(1, result.totalTasks);
  const targets = renderTable(
    [
      { header: 'seed 12.1 target', value: (r: { name: string; target: string; measured: string }) => r.name },
      { header: 'target', value: (r) => r.target },
      { header: 'measured (this run)', value: (r) => r.measured },
    ],
    [
      {
        name: `improvement over ${days} days`,
        target: `>= ${IMPROVEMENT_TARGET} %`,
        measured: `median ${pct(median)}, ${rows.filter((r) => r.target).length}/${rows.length} agents at target`,
      },
      {
        name: 'per-task learning overhead',
        target: '< 100 ms',
        measured: `<= ${fmt(perTaskMs, 3)} ms (wall time per simulated task, world included: an upper bound)`,
      },
    ],
  );
  const text = [
    `scenario ${result.scenario.name}: ${result.scenario.description}`,
    `${result.totalTasks} tasks, ${days} days at ${tasksPerHour}/hour, ${result.pooled ? 'pooled (shared patterns)' : 'alone'}${opts.curriculum === true ? ', curriculum (easy task types first)' : ''}, seed ${seed}, ${seconds.toFixed(1)} s`,
    '',
    renderTable(
      [
        { header: 'agent', value: (r: (typeof rows)[number]) => r.agent },
        { header: 'tasks', value: (r) => String(r.tasks), align: 'right' },
        { header: `improvement (target ≥ ${IMPROVEMENT_TARGET} %)`, value: (r) => `${pct(r.improvement)} ${r.target ? 'PASS' : 'below'}` },
        { header: 'NS overall', value: (r) => fmt(r.ns), align: 'right' },
        { header: 'NS day 1', value: (r) => fmt(r.nsDay1), align: 'right' },
        { header: 'NS drift day', value: (r) => fmt(r.nsDrift), align: 'right' },
      ],
      rows,
    ),
    '',
    targets,
    '',
    'NS = (R - R_random) / (R_oracle - R_random) on expected reward: 1 = always the best strategy, 0 = random.',
    `chart: ${chartPath}`,
  ].join('\n');
  ctx.print(text, { ...result, chart: chartPath, seconds });
  return 0;
}

/** `qe-fleet simulate`: the learning simulator on a virtual clock. */
export const registerSimulateCommand: CommandRegistrar = (program, context, setExit) => {
  program
    .command('simulate')
    .description('run the learning simulator on a virtual clock and print the improvement per agent')
    .option('--days <n>', 'simulated days (default 30)')
    .option('--tasks-per-hour <n>', 'tasks per hour per agent (default 10)')
    .option('--agents <list>', 'comma-separated agent types (default: the simulator\'s)')
    .option('--seed <n>', 'random seed (default 1)')
    .option('--scenario <name>', `one of ${SCENARIO_NAMES.join(', ')} (default seed-30-day)`)
    .option('--alone', 'agents do not share patterns')
    .option('--curriculum', "a new agent's tasks run easiest measured task type first (agentdb-adapter's CurriculumScheduler)")
    .option('--chart <file>', 'where to write the SVG chart', '.memory/simulation.svg')
    .action(async (opts: SimulateOptions) => {
      setExit(await simulate(context(), opts));
    });
};
