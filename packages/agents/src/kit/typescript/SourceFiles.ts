import ts from './ts.js';
import { TextCache } from './TextCache.js';
import type { TextCacheOptions } from './TextCache.js';

/** Options of `SourceFiles`. */
export interface SourceFilesOptions extends TextCacheOptions {
  /** Parses one file (default `ts.createSourceFile` with parent links, the latest syntax). */
  create?: (file: string, text: string, scriptKind: ts.ScriptKind | undefined) => ts.SourceFile;
}

const createSourceFile = (file: string, text: string, scriptKind: ts.ScriptKind | undefined): ts.SourceFile => ts.createSourceFile(file, text, ts.ScriptTarget.Latest, true, scriptKind);

/**
 * TypeScript syntax trees shared by the walks that read the same file (the security scanner's sink
 * and request-taint rules, the code reviewer's unawaited-call heuristic): each parsed once per
 * process instead of once per walk. The walks only read the trees.
 */
export class SourceFiles {
  readonly #cache: TextCache<ts.SourceFile>;
  readonly #create: NonNullable<SourceFilesOptions['create']>;

  constructor(options: SourceFilesOptions = {}) {
    this.#cache = new TextCache(options);
    this.#create = options.create ?? createSourceFile;
  }

  /** The tree of `file` with content `text`; `scriptKind` as `ts.createSourceFile` takes it (default: from the extension). */
  get(file: string, text: string, scriptKind?: ts.ScriptKind): ts.SourceFile {
    return this.#cache.get(text, `${file}\0${scriptKind ?? ''}`, () => this.#create(file, text, scriptKind));
  }
}

/** The process's trees, the default of every walk. */
export const SHARED_SOURCE_FILES = new SourceFiles();
