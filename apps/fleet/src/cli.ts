#!/usr/bin/env node
import { registerDashboardCommand } from './dashboardCommand.js';
import { registerInspectCommands } from './inspectCommands.js';
import { registerLearningCommands } from './learningCommands.js';
import { registerLearningEvaluateCommand } from './learningEvaluateCommand.js';
import { runCli } from './program.js';
import { registerRunCommand } from './runCommand.js';
import { registerSimulateCommand } from './simulateCommand.js';
import { registerTriageCommand } from './triageCommand.js';
import { registerVisualCommand } from './visualCommand.js';

// The first Ctrl-C asks commands to stop at the next safe point (state is saved); a second one forces,
// after running the cleanups commands registered (`io.onForceExit`): process.exit skips every
// `finally`, so a child such as the target's service would otherwise keep running.
const controller = new AbortController();
const forceExitCleanups = new Set<() => void>();
const onForceExit = (cleanup: () => void) => {
  forceExitCleanups.add(cleanup);
  return () => forceExitCleanups.delete(cleanup);
};
process.on('SIGINT', () => {
  if (controller.signal.aborted) {
    for (const cleanup of forceExitCleanups) {
      try {
        cleanup();
      } catch (error) {
        process.stderr.write(`qe-fleet: cleanup on forced exit failed: ${error instanceof Error ? error.message : String(error)}\n`);
      }
    }
    process.exit(130);
  }
  process.stderr.write('qe-fleet: stopping (state is being saved; Ctrl-C again to force)\n');
  controller.abort();
});
process.on('SIGTERM', () => controller.abort());

process.exitCode = await runCli(
  process.argv.slice(2),
  { stdout: process.stdout, stderr: process.stderr, stdin: process.stdin, cwd: process.cwd(), env: process.env, signal: controller.signal, onForceExit },
  [registerRunCommand, registerSimulateCommand, registerDashboardCommand, registerInspectCommands, registerLearningCommands, registerLearningEvaluateCommand, registerVisualCommand, registerTriageCommand],
);
