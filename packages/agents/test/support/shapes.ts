import { fileURLToPath } from 'node:url';

/** A shape fixture (`fixtures/shapes/<name>`): small projects written here with the shapes of real ones. */
export function shape(name: 'js-library-source' | 'yaml-api-basepath' | 'pnpm-monorepo'): string {
  return fileURLToPath(new URL(`../../../../fixtures/shapes/${name}`, import.meta.url));
}
