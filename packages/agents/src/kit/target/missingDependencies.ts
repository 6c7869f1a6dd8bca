import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';

/**
 * The runtime `dependencies` of the target that Node would not find from its folder (no
 * `node_modules/<name>` here or above). Agents that load the target's code check this first, so
 * an uninstalled checkout is reported as "run npm install", not as a crash inside generated code.
 */
export function missingDependencies(dir: string, packageJson: Record<string, unknown>): string[] {
  const declared = packageJson['dependencies'];
  if (typeof declared !== 'object' || declared === null) return [];
  return Object.keys(declared).filter((name) => {
    for (let at = dir; ; at = dirname(at)) {
      if (existsSync(join(at, 'node_modules', name, 'package.json'))) return false;
      if (dirname(at) === at) return true;
    }
  });
}
