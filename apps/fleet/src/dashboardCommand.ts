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
      // Loaded here, not with the CLI: its metrics library (prom-client with OpenTelemetry) costs every other command ~70 ms.
      const { DashboardServer } = await import('./DashboardServer.js');
      const memory = openMemory(ctx.options.db);
      const port = opts.port ?? ctx.config.dashboard?.port ?? 4477;
      const server = new DashboardServer({ memory, port });
      try {
        let url: string;
        try {
          url = await server.start();
        } catch (error) {
          const code = (error as { code?: unknown }).code;
          if (code === 'EADDRINUSE') throw new FleetError('USAGE', `--port ${port}: the port is in use on 127.0.0.1 (another dashboard?); pick another, or --port 0 for any free one`);
          if (code === 'EACCES') throw new FleetError('USAGE', `--port ${port}: not allowed to listen on it (ports below 1024 need privileges)`);
          throw error;
        }
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
