import { PassThrough, Readable } from 'node:stream';
import { registerDashboardCommand } from '../src/dashboardCommand.js';
import { registerInspectCommands } from '../src/inspectCommands.js';
import { registerLearningCommands } from '../src/learningCommands.js';
import { registerLearningEvaluateCommand } from '../src/learningEvaluateCommand.js';
import { runCli } from '../src/program.js';
import { registerRunCommand } from '../src/runCommand.js';
import { registerSimulateCommand } from '../src/simulateCommand.js';
import { registerTriageCommand } from '../src/triageCommand.js';

/** Runs the CLI in process with captured output. */
export async function cli(args: string[], cwd: string, signal = new AbortController().signal, env: NodeJS.ProcessEnv = {}, input?: string) {
  const stdout = new PassThrough();
  const stderr = new PassThrough();
  let out = '';
  let err = '';
  stdout.on('data', (c: Buffer) => (out += c.toString()));
  stderr.on('data', (c: Buffer) => (err += c.toString()));
  const stdin = input === undefined ? undefined : Readable.from([input]);
  const code = await runCli(args, { stdout, stderr, cwd, env, signal, ...(stdin === undefined ? {} : { stdin }) }, [
    registerRunCommand,
    registerSimulateCommand,
    registerDashboardCommand,
    registerInspectCommands,
    registerLearningCommands,
    registerLearningEvaluateCommand,
    registerTriageCommand,
  ]);
  return { code, out, err };
}
