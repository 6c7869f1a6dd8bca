import { createRequire } from 'node:module';
import type * as Yaml from 'yaml';

const require = createRequire(import.meta.url);
let yaml: typeof Yaml | undefined;

/**
 * `yaml`'s `parse`, loaded on the first call: most targets have no YAML to read (an API description,
 * a pnpm workspace), and loading the library with the CLI costs every run ~40 ms of start-up.
 */
export function parseYaml(text: string, options?: Yaml.ParseOptions & Yaml.DocumentOptions & Yaml.SchemaOptions & Yaml.ToJSOptions): unknown {
  yaml ??= require('yaml') as typeof Yaml;
  return yaml.parse(text, options);
}
