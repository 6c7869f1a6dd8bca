import { existsSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { resolve } from 'node:path';
import { FINDINGS_FORMATS } from '@qe-fleet/agents/host';
import type { z as Zod } from 'zod';
import { FleetError } from './FleetError.js';

const require = createRequire(import.meta.url);

const SEVERITIES = ['critical', 'high', 'medium', 'low', 'info'] as const;
/** RFC 9110 token: what an HTTP header name may contain. */
const HEADER_NAME = /^[!#$%&'*+.^_`|~0-9A-Za-z-]+$/;

/** The config file's schema, built from the zod module given. */
function buildSchema(z: typeof Zod) {
  return z
    .object({
      target: z.string().min(1).describe('folder of the project to check'),
      url: z.url().describe('base URL of a running service (loopback only)'),
      agents: z.array(z.string().min(1)).min(1).describe('agent ids to run'),
      db: z.string().min(1).describe('SQLite database file'),
      repeat: z.int().min(1).max(1000).describe('how many times each agent runs'),
      failOn: z.enum([...SEVERITIES, 'none']).describe('exit 1 when a new finding at or above this severity is found'),
      start: z.string().min(1).describe("shell command that starts the target's service"),
      advisories: z.string().min(1).describe("OSV or GitHub-advisory export (file or folder) the security scanner uses when the package manager's audit does not answer"),
      healthPath: z.string().regex(/^\//, 'expected a path starting with /').describe('path polled for readiness after the port opens'),
      headers: z
        .record(z.string().regex(HEADER_NAME, 'expected an HTTP header name'), z.string())
        .describe("headers every request to the target's service carries (never printed or stored)"),
      tokenEnv: z.string().regex(/^[A-Za-z_][A-Za-z0-9_]*$/, 'expected an environment variable name').describe('environment variable holding a bearer token for the service'),
      apiKeyEnv: z
        .string()
        .regex(/^[A-Za-z_][A-Za-z0-9_]*$/, 'expected an environment variable name')
        .describe("environment variable holding an API key, sent in the header or cookie the API description's apiKey security scheme names"),
      strategy: z.record(z.string().min(1), z.string().min(1)).describe('agent id → strategy to force'),
      learn: z.boolean().describe('false: run the best strategy without exploring or recording'),
      allowFailed: z.boolean().describe('an agent that failed to run does not make the exit code 4'),
      format: z.enum(FINDINGS_FORMATS).describe('findings output format'),
      output: z.string().min(1).describe('file the formatted findings are written to'),
      maxFindings: z.int().min(1).describe('findings shown at most in the table'),
      concurrency: z.int().min(1).max(64).describe('agents run at the same time (default: the CPU count)'),
      cache: z.boolean().describe('false: never reuse a result of an earlier run on unchanged inputs'),
      logLevel: z.enum(['silent', 'error', 'warn', 'info', 'debug', 'trace']),
      seed: z.int().describe('seed of the random source used for exploration'),
      dashboard: z.object({ port: z.int().min(0).max(65535) }).strict().partial(),
      simulate: z
        .object({
          days: z.number().positive().max(365),
          tasksPerHour: z.number().positive().max(1000),
          seed: z.int(),
          scenario: z.string().min(1),
        })
        .strict()
        .partial(),
    })
    .strict()
    .partial();
}

let schema: ReturnType<typeof buildSchema> | undefined;

/**
 * The schema of `qe-fleet.config.json`; every key is optional and unknown keys are refused. Built
 * on first use: zod loads only when a config file is read, not on every command (~100 ms).
 */
function fleetConfigSchema(): ReturnType<typeof buildSchema> {
  schema ??= buildSchema((require('zod') as { z: typeof Zod }).z);
  return schema;
}

/** A validated config file. */
export type FleetConfig = Zod.infer<ReturnType<typeof buildSchema>>;

/** Default config file name, looked up in the working directory. */
export const CONFIG_FILE = 'qe-fleet.config.json';

function describeIssue(issue: Zod.core.$ZodIssue): string {
  const key = issue.path.length > 0 ? issue.path.join('.') : '(root)';
  if (issue.code === 'unrecognized_keys') {
    return `unknown key${issue.keys.length > 1 ? 's' : ''} ${issue.keys.map((k) => `'${[...issue.path, k].join('.')}'`).join(', ')}`;
  }
  return `'${key}': ${issue.message}`;
}

/** Validates a parsed config object; a wrong key or value gives a FleetError naming it. */
export function parseConfig(raw: unknown, source = CONFIG_FILE): FleetConfig {
  const parsed = fleetConfigSchema().safeParse(raw);
  if (!parsed.success) {
    const lines = parsed.error.issues.map((i) => `  - ${describeIssue(i)}`);
    throw new FleetError('INVALID_CONFIG', `invalid config in ${source}:\n${lines.join('\n')}`);
  }
  return parsed.data;
}

/**
 * Loads the config file: an explicit `path` must exist; otherwise `qe-fleet.config.json` in `cwd`
 * is read when present, and an empty config is returned when not.
 */
export function loadConfig(cwd: string, path?: string): FleetConfig {
  const file = resolve(cwd, path ?? CONFIG_FILE);
  if (!existsSync(file)) {
    if (path !== undefined) throw new FleetError('CONFIG_NOT_FOUND', `config file not found: ${file}`);
    return {};
  }
  let raw: unknown;
  try {
    raw = JSON.parse(readFileSync(file, 'utf8'));
  } catch (error) {
    throw new FleetError('INVALID_CONFIG', `config file ${file} is not valid JSON: ${(error as Error).message}`);
  }
  return parseConfig(raw, file);
}
