import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';

/** Writes a throw-away target `root/name` (an ESM package.json plus `files`) and returns its path. */
export async function writeProject(root: string, name: string, files: Record<string, string>): Promise<string> {
  const dir = join(root, name);
  for (const [file, content] of Object.entries({ 'package.json': JSON.stringify({ name, type: 'module' }), ...files })) {
    await mkdir(join(dir, file, '..'), { recursive: true });
    await writeFile(join(dir, file), content);
  }
  return dir;
}

