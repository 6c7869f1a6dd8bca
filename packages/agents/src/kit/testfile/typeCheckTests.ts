import ts from '../typescript/ts.js';
import type { SourceLanguage } from '../target/TargetProfile.js';

/** A type or syntax error of a generated test file. */
export interface TestTypeError {
  /** 0-based line in the file. */
  line: number;
  message: string;
}

/** What `typeCheckTests` found. */
export interface TestTypeCheck {
  /** Errors per file path (as given); a file without errors is absent. */
  errors: Map<string, TestTypeError[]>;
  /** Diagnostics set aside because they only say a type package is missing (the runner decides). */
  environment: string[];
}

// "Cannot find module/name …, do you need to install type definitions": the environment's business.
const RUNNER_TYPES = ['jest', 'mocha', 'jasmine'];
const ENVIRONMENT = new Set([2307, 2580, 2582, 2591, 2593, 2304, 2867, 2868]);

/**
 * Type-checks generated test files (absolute paths → contents, not necessarily on disk) against
 * the sources around them with the TypeScript API (NodeNext, strict for TypeScript tests); for
 * JavaScript tests only syntax errors count. Errors about missing type packages are set aside.
 * The runner's globals (`@types/jest`, `@types/mocha`) are found from `dir`, the project's root,
 * as its own tsconfig would find them.
 */
export function typeCheckTests(files: ReadonlyMap<string, string>, language: SourceLanguage, dir: string): TestTypeCheck {
  const host = ts.createCompilerHost({});
  host.getCurrentDirectory = () => dir;
  const readFile = host.readFile.bind(host);
  const fileExists = host.fileExists.bind(host);
  host.readFile = (name) => files.get(name) ?? readFile(name);
  host.fileExists = (name) => files.has(name) || fileExists(name);
  // Extensionless relative imports (`from './index'`, written because the project's own tests do) are
  // resolved by a bundler or a transform (ts-jest, vitest), never by Node's ESM rules: check them so.
  const extensionless = [...files.values()].some((text) => /\bfrom\s+['"]\.{1,2}\/(?:[^'"]*\/)?[^'"./]+['"]/.test(text));
  const program = ts.createProgram([...files.keys()], {
    target: ts.ScriptTarget.ES2022,
    module: extensionless ? ts.ModuleKind.ESNext : ts.ModuleKind.NodeNext,
    moduleResolution: extensionless ? ts.ModuleResolutionKind.Bundler : ts.ModuleResolutionKind.NodeNext,
    strict: language === 'typescript',
    noEmit: true,
    skipLibCheck: true,
    allowJs: true,
    checkJs: false,
    allowImportingTsExtensions: true,
    esModuleInterop: true,
    // The runner's globals from the project's `@types` (TypeScript 6 includes none by default); others, such as
    // `@types/node`, stay out as they do when the sources are read (kit/typescript), so a test is checked against the
    // same types its values were generated from. A package the project lacks is skipped without a file diagnostic.
    types: RUNNER_TYPES,
  }, host);
  const errors = new Map<string, TestTypeError[]>();
  const environment = new Set<string>();
  for (const path of files.keys()) {
    const sf = program.getSourceFile(path);
    if (!sf) continue;
    const diagnostics = language === 'typescript' ? [...program.getSyntacticDiagnostics(sf), ...program.getSemanticDiagnostics(sf)] : [...program.getSyntacticDiagnostics(sf)];
    for (const d of diagnostics) {
      const message = ts.flattenDiagnosticMessageText(d.messageText, ' ');
      if (ENVIRONMENT.has(d.code)) {
        environment.add(message.slice(0, 120));
        continue;
      }
      const line = d.start === undefined ? 0 : sf.getLineAndCharacterOfPosition(d.start).line;
      errors.set(path, [...(errors.get(path) ?? []), { line, message }]);
    }
  }
  return { errors, environment: [...environment] };
}
