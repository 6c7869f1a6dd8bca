/** A parsed semantic version: numeric core plus prerelease identifiers. */
interface Version {
  core: [number, number, number];
  pre: string[];
}

function parseVersion(text: string): Version | undefined {
  const match = /^v?(\d+)\.(\d+)\.(\d+)(?:-([0-9A-Za-z.-]+))?(?:\+[0-9A-Za-z.-]+)?$/.exec(text.trim());
  if (match === null) return undefined;
  return { core: [Number(match[1]), Number(match[2]), Number(match[3])], pre: match[4]?.split('.') ?? [] };
}

function compare(a: Version, b: Version): number {
  for (let i = 0; i < 3; i++) if (a.core[i] !== b.core[i]) return a.core[i]! - b.core[i]!;
  if (a.pre.length === 0 || b.pre.length === 0) return b.pre.length - a.pre.length;
  for (let i = 0; i < Math.max(a.pre.length, b.pre.length); i++) {
    const x = a.pre[i];
    const y = b.pre[i];
    if (x === undefined) return -1;
    if (y === undefined) return 1;
    if (x === y) continue;
    const nx = /^\d+$/.test(x) ? Number(x) : NaN;
    const ny = /^\d+$/.test(y) ? Number(y) : NaN;
    if (!Number.isNaN(nx) && !Number.isNaN(ny)) return nx - ny;
    if (!Number.isNaN(nx)) return -1;
    if (!Number.isNaN(ny)) return 1;
    return x < y ? -1 : 1;
  }
  return 0;
}

type Comparator = { op: '<' | '<=' | '>' | '>=' | '='; version: Version };

const ANY: Comparator[] = [];

/** Expands a partial version (`1`, `1.2`, `1.x`, `*`) to [lower, upper) comparators. */
function partial(text: string, op: string): Comparator[] | undefined {
  const parts = text.replace(/^v/, '').split('.');
  const nums = parts.map((p) => (p === 'x' || p === 'X' || p === '*' ? NaN : Number(p)));
  const known = nums.findIndex((n) => Number.isNaN(n));
  const fixed = known === -1 ? nums.length : known;
  if (fixed >= 3) return undefined;
  if (nums.slice(0, fixed).some((n) => !Number.isInteger(n))) return undefined;
  if (fixed === 0) return op === '<' || op === '>' ? [{ op: '<', version: { core: [0, 0, 0], pre: ['0'] } }] : ANY;
  const lower: Version = { core: [nums[0]!, fixed > 1 ? nums[1]! : 0, 0], pre: [] };
  const upper: Version = fixed === 1 ? { core: [nums[0]! + 1, 0, 0], pre: ['0'] } : { core: [nums[0]!, nums[1]! + 1, 0], pre: ['0'] };
  switch (op) {
    case '>':
      return [{ op: '>=', version: upper }];
    case '>=':
      return [{ op: '>=', version: lower }];
    case '<':
      return [{ op: '<', version: lower }];
    case '<=':
      return [{ op: '<', version: upper }];
    default:
      return [
        { op: '>=', version: lower },
        { op: '<', version: upper },
      ];
  }
}

function parseComparator(token: string): Comparator[] | undefined {
  const match = /^(<=|>=|<|>|=|\^|~>?)?\s*(.+)$/.exec(token);
  if (match === null) return undefined;
  const op = match[1] ?? '=';
  const text = match[2]!;
  const full = parseVersion(text);
  if (full === undefined) return partial(text, op === '^' || op.startsWith('~') ? '=' : op);
  const [major, minor, patch] = full.core;
  if (op === '^') {
    const upper: [number, number, number] = major > 0 ? [major + 1, 0, 0] : minor > 0 ? [0, minor + 1, 0] : [0, 0, patch + 1];
    return [
      { op: '>=', version: full },
      { op: '<', version: { core: upper, pre: ['0'] } },
    ];
  }
  if (op.startsWith('~')) {
    return [
      { op: '>=', version: full },
      { op: '<', version: { core: [major, minor + 1, 0], pre: ['0'] } },
    ];
  }
  return [{ op: op as Comparator['op'], version: full }];
}

function test(version: Version, c: Comparator): boolean {
  const d = compare(version, c.version);
  switch (c.op) {
    case '<':
      return d < 0;
    case '<=':
      return d <= 0;
    case '>':
      return d > 0;
    case '>=':
      return d >= 0;
    default:
      return d === 0;
  }
}

/**
 * True when `version` satisfies the npm semver `range` (`<4.17.21`, `>=1.0.0 <1.2.6`, `^2.0.0`,
 * `~1.2.3`, `1.2.x`, `1.0.0 - 1.2.0`, `a || b`, `*`). Prerelease versions only satisfy comparators
 * that name a prerelease of the same core, as npm does. Unparseable input is `false`: an advisory
 * we cannot read must not match, and the caller notes it instead.
 */
export function satisfiesRange(version: string, range: string): boolean {
  const v = parseVersion(version);
  if (v === undefined) return false;
  return range.split('||').some((alternative) => {
    const hyphen = /^\s*(\S+)\s+-\s+(\S+)\s*$/.exec(alternative);
    const tokens = hyphen !== null ? [`>=${hyphen[1]}`, `<=${hyphen[2]}`] : alternative.trim().replace(/(<=|>=|<|>|=|\^|~>?)\s+/g, '$1').split(/\s+/).filter(Boolean);
    const comparators: Comparator[] = [];
    for (const token of tokens.length === 0 ? ['*'] : tokens) {
      const parsed = parseComparator(token);
      if (parsed === undefined) return false;
      comparators.push(...parsed);
    }
    if (!comparators.every((c) => test(v, c))) return false;
    if (v.pre.length === 0) return true;
    return comparators.some((c) => c.version.pre.length > 0 && c.version.pre[0] !== '0' && c.version.core.every((n, i) => n === v.core[i]));
  });
}
