/** A string in a file that looks like a credential. */
export interface SecretMatch {
  file: string;
  line: number;
  rule: string;
  /** The match with its middle masked, so reports do not spread the secret further. */
  masked: string;
  confidence: number;
}

/** Options of `findSecrets`. */
export interface FindSecretsOptions {
  /** Also report any long high-entropy literal, whatever it is assigned to (noisy). */
  entropyOnly: boolean;
  /** Bits per character a generic secret must reach (default 3.5). */
  minEntropy?: number;
  /** Clock for a token's expiry (default `Date.now`). */
  now?: () => number;
}

/**
 * Well-known key formats: the format alone is strong evidence, unless the match itself says it no
 * longer grants anything (`spent`, given the match and the time).
 */
const KNOWN_FORMATS: ReadonlyArray<[rule: string, pattern: RegExp, spent?: (match: string, now: number) => boolean]> = [
  ['aws-access-key-id', /\b(?:AKIA|ASIA|AGPA|AIDA|AROA|ANPA|ANVA)[0-9A-Z]{16}\b/g],
  ['github-token', /\bgh[pousr]_[A-Za-z0-9]{36,255}\b/g],
  ['github-fine-grained-token', /\bgithub_pat_[A-Za-z0-9_]{60,255}\b/g],
  ['stripe-secret-key', /\b[sr]k_(?:live|test)_[0-9a-zA-Z]{16,99}\b/g],
  ['slack-webhook', /https:\/\/hooks\.slack\.com\/services\/T[A-Z0-9]{6,}\/B[A-Z0-9]{6,}\/[A-Za-z0-9]{16,}/g],
  ['slack-token', /\bxox[abposr]-[0-9A-Za-z-]{10,}\b/g],
  ['google-api-key', /\bAIza[0-9A-Za-z_-]{35}\b/g],
  ['private-key', /-----BEGIN (?:RSA |EC |DSA |OPENSSH |PGP |ENCRYPTED )?PRIVATE KEY( BLOCK)?-----/g],
  ['jwt', /\beyJ[A-Za-z0-9_-]{10,}\.eyJ[A-Za-z0-9_-]{10,}\.[A-Za-z0-9_-]{10,}\b/g, expired],
  ['npm-token', /\bnpm_[A-Za-z0-9]{36}\b/g],
  ['sendgrid-key', /\bSG\.[A-Za-z0-9_-]{22}\.[A-Za-z0-9_-]{43}\b/g],
];

/** A URL with a password in it (`postgres://user:pass@host/db`, `amqp://…`, `https://user:token@…`). */
const URL_WITH_PASSWORD = /\b[a-z][a-z0-9+.-]{1,20}:\/\/[^:@/\s'"`]+:([^@/\s'"`]{8,})@[\w.-]+/gi;
/** Passwords in documentation URLs (`user:password@`, `${PASSWORD}`) that protect nothing. */
const PLACEHOLDER_PASSWORD = /^(?:pass(?:word)?|secret|changeme|example|\*+|x+|<[^>]*>|\$\{[^}]*\}|%[A-Z_]+%|\{\{[^}]*\}\})$|^your|passw(?:or)?d$/i;

/** A credential-like name followed by an assigned string literal. */
const NAMED_LITERAL = /(secret|token|passw(?:or)?d|pwd|api[_-]?key|apikey|access[_-]?key|private[_-]?key|credential|auth|client[_-]?secret)[\w.-]*['"`]?\s*(?:[:=]|\?\?|\|\|)\s*['"`]([^'"`\s]{12,})['"`]/gi;
const ANY_LITERAL = /['"`]([A-Za-z0-9+/=_-]{24,})['"`]/g;
/** Values that are obviously not secrets: placeholders, env references, paths, URLs. */
const PLACEHOLDER = /^(?:x+|\*+|<[^>]*>|\$\{[^}]*\}|changeme|change-me|your[_-].*|example.*|dummy.*|test.*|process\.env.*)$|[/\\]|^https?:/i;

/**
 * A JWT whose `exp` claim has passed: it authenticates nobody any more (the signed examples of API
 * documentation are such tokens), whereas one without `exp` stays a credential.
 */
function expired(jwt: string, now: number): boolean {
  try {
    const claims = JSON.parse(Buffer.from(jwt.split('.')[1] ?? '', 'base64url').toString('utf8')) as { exp?: unknown };
    return typeof claims.exp === 'number' && claims.exp * 1000 < now;
  } catch {
    return false;
  }
}

/** Shannon entropy of `text` in bits per character. */
export function shannonEntropy(text: string): number {
  const counts = new Map<string, number>();
  for (const ch of text) counts.set(ch, (counts.get(ch) ?? 0) + 1);
  let bits = 0;
  for (const n of counts.values()) {
    const p = n / text.length;
    bits -= p * Math.log2(p);
  }
  return bits;
}

function mask(secret: string): string {
  return secret.length <= 8 ? '****' : `${secret.slice(0, 4)}…${secret.slice(-2)} (${secret.length} chars)`;
}

/**
 * Secret search over text files: known key formats (AWS, GitHub, Stripe, Slack tokens and webhooks, Google, private
 * keys, JWTs that have not expired, npm, SendGrid), then credential-named string literals whose value has high Shannon
 * entropy, and with `entropyOnly` any long high-entropy literal. One match per line, strongest first.
 */
export function findSecrets(files: ReadonlyMap<string, string>, options: FindSecretsOptions): SecretMatch[] {
  const minEntropy = options.minEntropy ?? 3.5;
  const now = options.now ?? Date.now;
  const matches: SecretMatch[] = [];
  for (const [file, source] of files) {
    const lines = source.split('\n');
    lines.forEach((text, index) => {
      const line = index + 1;
      if (text.length > 2000) return; // minified or data blob: entropy means nothing there
      for (const [rule, pattern, spent] of KNOWN_FORMATS) {
        pattern.lastIndex = 0;
        const match = pattern.exec(text);
        if (match !== null && spent?.(match[0], now()) !== true) {
          matches.push({ file, line, rule, masked: mask(match[0]), confidence: 0.95 });
          return;
        }
      }
      for (const match of text.matchAll(URL_WITH_PASSWORD)) {
        const password = match[1]!;
        if (!PLACEHOLDER_PASSWORD.test(password) && shannonEntropy(password) >= 3) {
          matches.push({ file, line, rule: 'url-with-password', masked: mask(password), confidence: 0.85 });
          return;
        }
      }
      for (const match of text.matchAll(NAMED_LITERAL)) {
        const value = match[2]!;
        if (!PLACEHOLDER.test(value) && shannonEntropy(value) >= minEntropy) {
          matches.push({ file, line, rule: 'named-high-entropy-literal', masked: mask(value), confidence: 0.75 });
          return;
        }
      }
      if (!options.entropyOnly) return;
      for (const match of text.matchAll(ANY_LITERAL)) {
        const value = match[1]!;
        if (!PLACEHOLDER.test(value) && shannonEntropy(value) >= minEntropy + 0.5) {
          matches.push({ file, line, rule: 'high-entropy-literal', masked: mask(value), confidence: 0.3 });
          return;
        }
      }
    });
  }
  return matches;
}
