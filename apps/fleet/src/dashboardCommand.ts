import { DashboardServer } from './DashboardServer.js';
import { FleetError } from './FleetError.js';
import { openMemory } from './openMemory.js';
import type { CommandRegistrar } from './program.js';

/** `qe-fleet dashboard`: serves the dashboard on 127.0.0.1 until Ctrl-C. */
export const registerDashboardCommand: CommandRegistrar = (program, context) => {
  program
    .command('dashboard')
    .description('serve the learning dashboard and /metrics on 127.0.0.1 until Ctrl-C')
    .option('--port <port>', 'port (0 = any free port)', (v: string) => {
      const n = Number(v);
      if (!Number.isInteger(n) || n < 0 || n > 65535) throw new FleetError('USAGE', `--port: expected 0-65535, got '${v}'`);
      return n;
    })
    .action(async (opts: { port?: number }) => {
      const ctx = context();
      const memory = openMemory(ctx.options.db);
      const server = new DashboardServer({ memory, port: opts.port ?? ctx.config.dashboard?.port ?? 4477 });
      try {
        const url = await server.start();
        ctx.print(`dashboard on ${url}/  (metrics: ${url}/metrics; Ctrl-C to stop)`, { url });
        await new Promise<void>((resolve) => {
          if (ctx.io.signal.aborted) resolve();
          else ctx.io.signal.addEventListener('abort', () => resolve(), { once: true });
        });
      } finally {
        await server.stop();
        memory.close();
      }
    });
};
