import { resolve } from 'node:path';
import { createInterface } from 'node:readline';
import { locationLabel, type ReportedFinding, ruleOf, type TriageVerdictValue } from '@qe-fleet/agents/host';
import { type FindingsRunRecord, latestFindingsRun } from './findingsStore.js';
import { FleetError } from './FleetError.js';
import { withMemory } from './openMemory.js';
import type { CommandContext, CommandRegistrar } from './program.js';
import { formatTime, renderTable, stripControl } from './render.js';
import { parseMark, resolveFindingId, type TriageMark, TriageStore, type TriageVerdict } from './TriageStore.js';

/** Flags of `qe-fleet triage`. */
interface TriageOptions {
  target?: string;
  mark: string[];
  unmark: string[];
  reason?: string;
  all?: boolean;
  interactive?: boolean;
}

/** How the list shows an id: enough of the fingerprint to be unique in practice; any unique prefix of 6+ is accepted. */
const ID_LENGTH = 10;

/** One row of the list (and of `--json`). */
interface TriageRow {
  id: string;
  fingerprint: string;
  verdict: TriageVerdictValue | null;
  suppressed: boolean;
  severity: string;
  agent: string;
  strategy: string | null;
  rule: string;
  location: string;
  message: string;
}

const clip = (text: string, max: number): string => {
  const flat = text.replace(/\s+/g, ' ').trim();
  return flat.length > max ? `${flat.slice(0, max - 1)}…` : flat;
};

function rowsOf(run: FindingsRunRecord, verdicts: Map<string, TriageVerdict>, all: boolean): TriageRow[] {
  const row = (f: ReportedFinding, suppressed: boolean): TriageRow => ({
    id: f.fingerprint.slice(0, ID_LENGTH),
    fingerprint: f.fingerprint,
    verdict: verdicts.get(f.fingerprint)?.verdict ?? null,
    suppressed,
    severity: f.severity,
    agent: f.agent,
    strategy: run.agents.find((a) => a.agent === f.agent)?.strategy ?? null,
    rule: ruleOf(f),
    location: locationLabel(f.location),
    message: f.message,
  });
  return [...run.findings.map((f) => row(f, false)), ...(all ? (run.suppressed ?? []).map((f) => row(f, true)) : [])];
}

function renderRows(rows: TriageRow[]): string {
  return renderTable(
    [
      { header: 'id', value: (r: TriageRow) => r.id },
      { header: 'verdict', value: (r) => `${r.verdict ?? '-'}${r.suppressed ? ' (suppressed)' : ''}` },
      { header: 'severity', value: (r) => r.severity },
      { header: 'agent', value: (r) => r.agent },
      { header: 'rule', value: (r) => r.rule },
      { header: 'location', value: (r) => clip(r.location, 50) },
      { header: 'message', value: (r) => clip(r.message, 70) },
    ],
    rows,
  );
}

const ANSWERS: Record<string, TriageVerdictValue | 'skip' | 'quit'> = {
  t: 'true', true: 'true', f: 'false', false: 'false', w: 'wontfix', wontfix: 'wontfix', s: 'skip', skip: 'skip', '': 'skip', q: 'quit', quit: 'quit',
};

/**
 * Asks a verdict for each unjudged finding, one line per answer, storing each as it is given (an
 * interrupted session keeps what was answered). End of input or `q` stops.
 */
async function askVerdicts(ctx: CommandContext, store: TriageStore, run: FindingsRunRecord, rows: TriageRow[], reason: string | undefined): Promise<TriageVerdict[]> {
  const stdin = ctx.io.stdin;
  if (stdin === undefined) throw new FleetError('USAGE', 'interactive triage needs a terminal: use --mark ID=true|false|wontfix');
  const out = ctx.io.stdout;
  const lines = createInterface({ input: stdin, terminal: false })[Symbol.asyncIterator]();
  const marked: TriageVerdict[] = [];
  const signal = ctx.io.signal;
  const aborted = new Promise<IteratorResult<string>>((resolve) => {
    if (signal.aborted) resolve({ done: true, value: undefined });
    else signal.addEventListener('abort', () => resolve({ done: true, value: undefined }), { once: true });
  });
  const pending = rows.filter((r) => r.verdict === null);
  out.write(`${pending.length} findings without a verdict (false and wontfix are suppressed in later runs; true and false teach the agent's learning)\n`);
  try {
    for (const [i, r] of pending.entries()) {
      if (ctx.io.signal.aborted) break;
      out.write(stripControl(`\n[${i + 1}/${pending.length}] ${r.id}  ${r.severity}  ${r.rule}  (${r.agent}${r.strategy === null ? '' : `, ${r.strategy}`})\n  ${r.location}\n  ${clip(r.message, 300)}\n`));
      let answer: TriageVerdictValue | 'skip' | 'quit' | undefined;
      while (answer === undefined) {
        out.write('verdict? [t]rue, [f]alse, [w]ontfix, [s]kip, [q]uit: ');
        // Ctrl-C ends the session at once: every answer given so far is already stored.
        const next = await Promise.race([lines.next(), aborted]);
        // A terminal echoes the answer; piped answers are not, so the next line would join the prompt.
        if (stdin.isTTY !== true) out.write('\n');
        if (next.done === true) {
          answer = 'quit';
          break;
        }
        answer = ANSWERS[String(next.value).trim().toLowerCase()];
        if (answer === undefined) out.write('answer t, f, w, s or q\n');
      }
      if (answer === 'quit') break;
      if (answer === 'skip') continue;
      marked.push(...store.mark(run, [{ id: r.fingerprint, verdict: answer }], reason));
    }
  } finally {
    await lines.return?.();
  }
  out.write('\n');
  return marked;
}

async function triage(ctx: CommandContext, opts: TriageOptions): Promise<number> {
  const marks: TriageMark[] = opts.mark.map(parseMark);
  const target = opts.target === undefined ? undefined : resolve(ctx.io.cwd, opts.target);
  const interactive = opts.interactive === true || (marks.length === 0 && opts.unmark.length === 0 && !ctx.options.json && ctx.io.stdin?.isTTY === true);
  if (interactive && ctx.options.json) throw new FleetError('USAGE', '--interactive and --json both want the terminal: use --mark ID=verdict with --json');
  return withMemory(ctx.options.db, async (memory) => {
    const run = latestFindingsRun(memory, target);
    if (run === undefined) {
      throw new FleetError('NOT_FOUND', target === undefined ? 'no run has stored findings yet (run `qe-fleet run` first)' : `no stored run on ${target} (run \`qe-fleet run --target ${opts.target}\` first)`);
    }
    const store = new TriageStore(memory);
    // Every id is checked before anything is written: one bad mark stores nothing.
    for (const m of marks) resolveFindingId(run, m.id);
    const unmarked = opts.unmark.length === 0 ? 0 : store.unmark(run, opts.unmark.map((id) => id.toLowerCase()));
    const marked = marks.length === 0 ? [] : store.mark(run, marks, opts.reason);
    const asked = interactive ? await askVerdicts(ctx, store, run, rowsOf(run, store.verdictsFor(run.target), opts.all === true), opts.reason) : [];
    const rows = rowsOf(run, store.verdictsFor(run.target), opts.all === true);
    const done = [...marked, ...asked];
    const hidden = (run.suppressed?.length ?? 0) + run.truncated;
    const text = [
      `last run ${formatTime(run.at)} on ${run.target}: ${run.findings.length} findings${run.suppressed === undefined || run.suppressed.length === 0 ? '' : `, ${run.suppressed.length} suppressed${opts.all === true ? '' : ' (--all lists them)'}`}${run.truncated > 0 ? `, ${run.truncated} not stored` : ''}`,
      '',
      rows.length === 0 ? 'no findings' : renderRows(rows),
      ...(done.length === 0 && unmarked === 0
        ? ['', 'mark: qe-fleet triage --mark ID=true|false|wontfix [--reason TEXT] (repeatable); false and wontfix are suppressed in later runs, true and false are feedback for the agent\'s learning']
        : [
            '',
            ...done.map((v) => `marked ${v.fingerprint.slice(0, ID_LENGTH)} ${v.verdict}: ${v.rule} at ${v.location} (${v.agent})`),
            ...(unmarked > 0 ? [`removed ${unmarked} verdict${unmarked === 1 ? '' : 's'}`] : []),
            'false and wontfix findings are suppressed from the next run on; true and false verdicts rate the strategy that reports them the next time its agent runs on this target',
          ]),
    ];
    ctx.print(text.join('\n'), {
      run: { runId: run.runId, at: run.at, target: run.target, findings: run.findings.length, suppressed: run.suppressed?.length ?? 0, notListed: hidden },
      findings: rows,
      marked: done,
      unmarked,
    });
    return 0;
  });
}

const collect = (value: string, previous: string[]): string[] => [...previous, value];

/** `qe-fleet triage`: users' verdicts on the last run's findings, stored for suppression and learning. */
export const registerTriageCommand: CommandRegistrar = (program, context, setExit) => {
  program
    .command('triage')
    .description("list the last run's findings with their ids and verdicts, and mark them true, false or wontfix: false and wontfix are suppressed in later runs; true and false are feedback for the agents' learning")
    .option('--target <dir>', 'the last run on this target (default: the last run on any target)')
    .option('--mark <ID=verdict>', 'verdict on a finding: true, false or wontfix (repeatable; ID or a unique prefix of 6+ characters)', collect, [])
    .option('--unmark <ID>', 'remove the verdict on a finding (repeatable)', collect, [])
    .option('--reason <text>', 'why, stored with the verdicts given and shown where they suppress a finding')
    .option('--all', 'also list the suppressed findings (to change their verdict)')
    .option('-i, --interactive', 'ask a verdict for each finding without one (the default on a terminal when nothing is marked)')
    .action(async (opts: TriageOptions) => {
      setExit(await triage(context(), opts));
    });
};
