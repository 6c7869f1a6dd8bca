import { AgentError } from '../kit/agent/AgentError.js';
import { escapeRegExp } from '../kit/suite/escapeRegExp.js';
import type { SuiteRun } from '../kit/suite/SuiteRun.js';

/** The runner's command without the reporter options pointing into its deleted temporary folder. */
export function reproducible(command: string): string {
  return command.replace(/\s+'?--[\w-]+(=|\s+(?!-))'?[^\s']*qe-suite-[^\s']*'?/g, '');
}

/**
 * The runner's name filter for one test title: an escaped regular expression anchored at the end
 * for runners that take one (node:test, vitest, jest, mocha), the bare title for ava and tap,
 * whose `--match`/`--grep` the kit turns into a glob (`*title*`).
 */
export function namePattern(title: string, runner: string | undefined): string {
  // A leading ! would negate the glob; * matches itself anyway.
  if (runner === 'ava' || runner === 'tap') return title.replace(/^!/, '*');
  return `${escapeRegExp(title)}$`;
}

/** One extra suite run that may fail (a name filter that matches nothing): noted, not fatal. */
export async function degrade(run: Promise<SuiteRun>, what: string, notes: string[]): Promise<SuiteRun | undefined> {
  try {
    return await run;
  } catch (error) {
    const e = AgentError.from(error);
    if (e.code === 'ABORTED') throw e;
    notes.push(`${what} not measured: ${e.message.slice(0, 200)}`);
    return undefined;
  }
}
