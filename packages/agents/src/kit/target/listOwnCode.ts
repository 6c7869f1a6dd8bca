import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { listSourceFiles } from './listSourceFiles.js';
import type { Target } from './Target.js';

/** Folders a web app serves as they are: the scripts there run in its users' browsers. */
const SERVED_FOLDERS = ['public', 'static', 'assets', 'www', 'client'];

/** The project's own code files and what was left out of it (path and why). */
export interface OwnCode {
  files: string[];
  leftOut: string[];
}

/**
 * The project's own code: `target.profile.files` (its source roots, tests excluded) plus the
 * scripts of the folders a web app serves (`public/`, `static/`, …), which the source roots of a
 * server do not name but which are its code all the same. Both honour the profile's skip rules
 * (vendored, minified, bundled, generated), and everything left out is returned for the notes.
 */
export async function listOwnCode(target: Target, extensions: readonly string[]): Promise<OwnCode> {
  const { profile } = target;
  const leftOut = new Set(profile.skipped.map((s) => `${s.path} (${s.reason})`));
  const files = new Set(profile.files.map((f) => f.path).filter((f) => extensions.some((ext) => f.endsWith(ext))));
  const served = SERVED_FOLDERS.filter((f) => existsSync(join(target.dir, f)) && !profile.sourceRoots.some((r) => r === '.' || r === f || f.startsWith(`${r}/`)));
  if (served.length > 0) {
    const testFiles = new Set(profile.testFiles);
    const listed = await listSourceFiles(target.dir, { extensions, roots: served, skip: profile.skip, onSkip: (file, why) => void leftOut.add(`${file} (${why})`) });
    for (const file of listed) if (!testFiles.has(file)) files.add(file);
  }
  return { files: [...files].sort(), leftOut: [...leftOut] };
}
