import { readFileSync } from 'node:fs';

/**
 * A JSON-with-comments file (tsconfig.json) as an object; `{}` when missing or unreadable:
 * discovery never fails on a config file it only reads hints from. Comments and trailing commas
 * are stripped (strings kept intact) before JSON.parse.
 */
export function readJsonc(path: string): Record<string, unknown> {
  try {
    const text = readFileSync(path, 'utf8');
    const stripped = text.replace(/("(?:[^"\\]|\\.)*")|\/\/[^\n]*|\/\*[\s\S]*?\*\//g, (_m, str: string | undefined) => str ?? '').replace(/,(\s*[}\]])/g, '$1');
    const value: unknown = JSON.parse(stripped);
    return typeof value === 'object' && value !== null && !Array.isArray(value) ? (value as Record<string, unknown>) : {};
  } catch {
    return {};
  }
}
