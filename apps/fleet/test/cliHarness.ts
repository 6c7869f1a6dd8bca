import { PassThrough } from 'node:stream';
import { registerDashboardCommand } from '../src/dashboardCommand.js';
import { registerInspectCommands } from '../src/inspectCommands.js';
import { registerLearningCommands } from '../src/learningCommands.js';
import { runCli } from '../src/program.js';
import { registerRunCommand } from '../src/runCommand.js';
import { registerSimulateCommand } from '../src/simulateCommand.js';

/** Runs the CLI in process with captured output. */
export async function cli(args: string[], cwd: string, signal = new AbortController().signal, env: NodeJS.ProcessEnv = {}) {
  const stdout = new PassThrough();
  const stderr = new PassThrough();
  let out = '';
  let err = '';
  stdout.on('data', (c: Buffer) => (out += c.toString()));
  stderr.on('data', (c: Buffer) => (err += c.toString()));
  const code = await runCli(args, { stdout, stderr, cwd, env, signal }, [
    registerRunCommand,
    registerSimulateCommand,
    registerDashboardCommand,
    registerInspectCommands,
    registerLearningCommands,
  ]);
  return { code, out, err };
}
