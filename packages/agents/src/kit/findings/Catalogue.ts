import { readFile } from 'node:fs/promises';
import { AgentError } from '../agent/AgentError.js';
import { isDefectKind } from './Finding.js';
import type { DefectKind, Finding, FindingLocation, Severity } from './Finding.js';

/** One planted defect of a target's `defects.json` (CATALOGUE.md). */
export interface CatalogueDefect {
  id: string;
  kind: DefectKind;
  severity: Severity;
  /** Agents that should find it, primary first. */
  agents: string[];
  location: FindingLocation;
  description: string;
  evidence?: string;
}

/** A target's defect catalogue. */
export interface Catalogue {
  version: number;
  target: string;
  defects: CatalogueDefect[];
}

/** How an agent's findings measure against a catalogue, for one agent id. */
export interface CatalogueScore {
  agentId: string;
  /** Matched findings / findings; 1 when there are no findings (nothing claimed, nothing wrong). */
  precision: number;
  /** Defects listing the agent that some finding matched / defects listing the agent; 1 when none list it. */
  recall: number;
  /** Harmonic mean of precision and recall (0 when both are 0). */
  f1: number;
  findings: number;
  matchedFindings: number;
  /** Findings that match no catalogued defect. */
  falsePositives: Finding[];
  /** Ids of defects listing the agent that were found. */
  found: string[];
  /** Defects listing the agent that no finding matched. */
  missed: CatalogueDefect[];
}

const SEVERITIES: readonly string[] = ['critical', 'high', 'medium', 'low', 'info'];
/** How far (in lines) a finding may sit from the defect's line and still match (CATALOGUE.md). */
const LINE_TOLERANCE = 3;

function normalisePath(path: string): string {
  return path.replaceAll('\\', '/').replace(/^\.\//, '');
}

function normaliseRoute(route: string): string {
  const [method = '', path = ''] = route.trim().split(/\s+/, 2);
  return `${method.toUpperCase()} ${path.replace(/\/+$/, '') || '/'}`;
}

/**
 * A selector without whitespace variations and without a type selector in front of a class, id or
 * attribute (`img.logo` → `.logo`): tools name the same element with or without its tag (axe-core
 * writes the shortest unique form), and a catalogue cannot guess which.
 */
export function normaliseSelector(selector: string): string {
  return selector
    .trim()
    .replace(/\s*([>+~])\s*/g, '$1')
    .replace(/\s+/g, ' ')
    .replace(/(^|[\s>+~])[a-zA-Z][\w-]*(?=[.#[])/g, '$1');
}

/** True when a finding's location agrees with a defect's, by the CATALOGUE.md rules. */
export function locationsAgree(finding: FindingLocation, defect: FindingLocation): boolean {
  if ('file' in defect && 'file' in finding) {
    if (normalisePath(finding.file) !== normalisePath(defect.file)) return false;
    if (Math.abs(finding.line - defect.line) <= LINE_TOLERANCE) return true;
    return defect.endLine !== undefined && finding.line >= defect.line && finding.line <= defect.endLine;
  }
  if ('route' in defect && 'route' in finding) return normaliseRoute(finding.route) === normaliseRoute(defect.route);
  if ('page' in defect && 'page' in finding) {
    if (normalisePath(finding.page) !== normalisePath(defect.page)) return false;
    return defect.selector === undefined || finding.selector === undefined || normaliseSelector(defect.selector) === normaliseSelector(finding.selector);
  }
  if ('package' in defect && 'package' in finding) return finding.package === defect.package;
  if ('test' in defect && 'test' in finding) {
    if (normalisePath(finding.test) !== normalisePath(defect.test)) return false;
    return defect.name === undefined || finding.name === undefined || defect.name === finding.name;
  }
  return false;
}

/** True when `finding` matches `defect`: equal kind and agreeing location (its own or a related one). */
export function findingMatches(finding: Finding, defect: CatalogueDefect): boolean {
  if (finding.kind !== defect.kind) return false;
  return [finding.location, ...(finding.relatedLocations ?? [])].some((location) => locationsAgree(location, defect.location));
}

/**
 * Scores findings against a catalogue for one agent (CATALOGUE.md). A finding counts as matched
 * when it matches any catalogued defect, even one listed for another agent: it is a real defect, so
 * not a false alarm. Recall only counts the defects that list `agentId`.
 */
export function scoreFindings(findings: readonly Finding[], catalogue: Catalogue, agentId: string): CatalogueScore {
  const falsePositives = findings.filter((f) => !catalogue.defects.some((d) => findingMatches(f, d)));
  const mine = catalogue.defects.filter((d) => d.agents.includes(agentId));
  const found = mine.filter((d) => findings.some((f) => findingMatches(f, d)));
  const matchedFindings = findings.length - falsePositives.length;
  const precision = findings.length === 0 ? 1 : matchedFindings / findings.length;
  const recall = mine.length === 0 ? 1 : found.length / mine.length;
  const f1 = precision + recall === 0 ? 0 : (2 * precision * recall) / (precision + recall);
  return {
    agentId,
    precision,
    recall,
    f1,
    findings: findings.length,
    matchedFindings,
    falsePositives,
    found: found.map((d) => d.id),
    missed: mine.filter((d) => !found.includes(d)),
  };
}

function invalid(where: string, why: string): AgentError {
  return new AgentError('CATALOGUE_INVALID', `${where}: ${why}`);
}

function parseLocation(value: unknown, where: string): FindingLocation {
  if (typeof value !== 'object' || value === null) throw invalid(where, 'location must be an object');
  const loc = value as Record<string, unknown>;
  if (typeof loc['file'] === 'string') {
    if (!Number.isInteger(loc['line']) || (loc['line'] as number) < 1) throw invalid(where, 'file location needs a 1-based line');
    const endLine = loc['endLine'];
    if (endLine !== undefined && !Number.isInteger(endLine)) throw invalid(where, 'endLine must be an integer');
    return { file: loc['file'], line: loc['line'] as number, ...(endLine === undefined ? {} : { endLine: endLine as number }) };
  }
  if (typeof loc['route'] === 'string') return { route: loc['route'] };
  if (typeof loc['page'] === 'string') {
    return { page: loc['page'], ...(typeof loc['selector'] === 'string' ? { selector: loc['selector'] } : {}) };
  }
  if (typeof loc['package'] === 'string') {
    return { package: loc['package'], ...(typeof loc['version'] === 'string' ? { version: loc['version'] } : {}) };
  }
  if (typeof loc['test'] === 'string') {
    return { test: loc['test'], ...(typeof loc['name'] === 'string' ? { name: loc['name'] } : {}) };
  }
  throw invalid(where, 'location needs one of file, route, page, package, test');
}

/** Validates parsed `defects.json` content; throws AgentError CATALOGUE_INVALID naming the bad entry. */
export function parseCatalogue(value: unknown, source = 'defects.json'): Catalogue {
  if (typeof value !== 'object' || value === null) throw invalid(source, 'not an object');
  const raw = value as Record<string, unknown>;
  if (!Array.isArray(raw['defects'])) throw invalid(source, '`defects` must be an array');
  const defects = raw['defects'].map((entry: unknown, i): CatalogueDefect => {
    const where = `${source} defects[${i}]`;
    if (typeof entry !== 'object' || entry === null) throw invalid(where, 'not an object');
    const d = entry as Record<string, unknown>;
    if (typeof d['id'] !== 'string') throw invalid(where, 'id must be a string');
    if (!isDefectKind(d['kind'])) throw invalid(where, `unknown kind ${String(d['kind'])}`);
    if (typeof d['severity'] !== 'string' || !SEVERITIES.includes(d['severity'])) throw invalid(where, `bad severity ${String(d['severity'])}`);
    if (!Array.isArray(d['agents']) || !d['agents'].every((a) => typeof a === 'string')) throw invalid(where, 'agents must be strings');
    return {
      id: d['id'],
      kind: d['kind'],
      severity: d['severity'] as Severity,
      agents: d['agents'] as string[],
      location: parseLocation(d['location'], where),
      description: typeof d['description'] === 'string' ? d['description'] : '',
      ...(typeof d['evidence'] === 'string' ? { evidence: d['evidence'] } : {}),
    };
  });
  return {
    version: typeof raw['version'] === 'number' ? raw['version'] : 1,
    target: typeof raw['target'] === 'string' ? raw['target'] : '',
    defects,
  };
}

/** Reads and validates a `defects.json` file. */
export async function loadCatalogue(path: string): Promise<Catalogue> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (error) {
    throw new AgentError('CATALOGUE_INVALID', `cannot read catalogue ${path}`, { cause: error });
  }
  try {
    return parseCatalogue(JSON.parse(text) as unknown, path);
  } catch (error) {
    throw AgentError.from(error, 'CATALOGUE_INVALID');
  }
}
