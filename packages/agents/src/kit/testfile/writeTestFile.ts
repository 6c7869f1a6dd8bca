import { mkdir, writeFile } from 'node:fs/promises';
import { dirname, isAbsolute, join, relative } from 'node:path';
import type { TestFileSpec } from './TestCase.js';
import type { TestFileStyle } from './TestFileStyle.js';
import { renderTestFile } from './renderTestFile.js';
import type { RenderedTestFile } from './renderTestFile.js';

/**
 * Renders `spec` in `style` and writes it under `root` (the target root, or a copy of it); `dir`
 * (absolute, or relative to `root`) overrides the test folder. Returns the written file with its
 * path relative to `root`. Never writes outside `root`'s tree unless `dir` is absolute.
 */
export async function writeTestFile(root: string, spec: TestFileSpec, style: TestFileStyle, dir?: string): Promise<RenderedTestFile & { absolutePath: string }> {
  const folder = dir === undefined ? undefined : isAbsolute(dir) ? relative(root, dir).replaceAll('\\', '/') : dir;
  const rendered = renderTestFile(spec, style, folder);
  const absolutePath = join(root, rendered.path);
  await mkdir(dirname(absolutePath), { recursive: true });
  await writeFile(absolutePath, rendered.content);
  return { ...rendered, absolutePath };
}
