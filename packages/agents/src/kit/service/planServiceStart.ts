import { existsSync } from 'node:fs';
import { join } from 'node:path';

/** How a target's service is started: a shell command run in the target folder, and where it came from. */
export interface ServiceStart {
  /** Shell command (`sh -c`), run in the target folder with `node_modules/.bin` on PATH. */
  command: string;
  /** `spec`: the user's `start` (config/flag); `script`: package.json `start`; `entry`: a conventional entry file. */
  from: 'spec' | 'script' | 'entry';
}

/** Entry files a Node service conventionally starts from, most specific first. */
const ENTRIES = ['server.js', 'server.mjs', 'server.cjs', 'app.js', 'app.mjs', 'app.cjs', 'src/server.ts', 'src/server.js', 'src/app.ts', 'src/app.js', 'server.ts', 'app.ts', 'src/main.ts', 'bin/www'];

/**
 * How to start the target's service: the user's command, else the package.json `start` script,
 * else `node <entry>` for a conventional entry file (TypeScript through tsx); undefined when the
 * target shows no service (a library). Nothing is run here.
 */
export function planServiceStart(dir: string, packageJson: Record<string, unknown>, start?: string): ServiceStart | undefined {
  if (start !== undefined && start.trim() !== '') return { command: start, from: 'spec' };
  const scripts = packageJson['scripts'];
  const script = typeof scripts === 'object' && scripts !== null ? (scripts as Record<string, unknown>)['start'] : undefined;
  if (typeof script === 'string' && script.trim() !== '') return { command: script, from: 'script' };
  const entry = ENTRIES.find((e) => existsSync(join(dir, e)));
  if (entry === undefined) return undefined;
  return { command: /\.[cm]?ts$/.test(entry) ? `node --import tsx ${entry}` : `node ${entry}`, from: 'entry' };
}
