import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { limitReads } from './limitReads.js';

/**
 * The text of each of `files` (relative to `dir`, duplicates read once), read together under
 * `limitReads`, in the order given; an unreadable file rejects, as a single read would.
 */
export async function readSources(dir: string, files: Iterable<string>): Promise<Map<string, string>> {
  const unique = [...new Set(files)];
  const texts = await Promise.all(unique.map((file) => limitReads(() => readFile(join(dir, file), 'utf8'))));
  return new Map(unique.map((file, i) => [file, texts[i]!]));
}
