import ts from '../kit/typescript/ts.js';
import { SHARED_SOURCE_FILES } from '../kit/typescript/SourceFiles.js';
import type { SourceFiles } from '../kit/typescript/SourceFiles.js';
import type { Severity } from '../kit/findings/Finding.js';
import { calledExport, moduleBindings } from './moduleBindings.js';
import { RequestTaint } from './RequestTaint.js';
import type { SecuritySink } from './SecuritySink.js';

/** Options of `findRequestSinks`. */
export interface FindRequestSinksOptions {
  /** Noisy variants: SQL built from any non-constant value (not only request input), plain-HTTP servers. */
  noisy: boolean;
  /** Server-side templates (`views/*.ejs`, `.hbs`, `.pug`, `.dust`) by path: request input rendered unescaped in them is XSS. */
  views?: ReadonlyMap<string, string>;
  /** Syntax trees shared with the other walks of the process (default `SHARED_SOURCE_FILES`). */
  sourceFiles?: SourceFiles;
}

/** Unescaped output of the local `key` in EJS (`<%- key`), Handlebars (`{{{key}}}`), Pug (`!{key}`, `tag!= key`) or Dust (`{key|s}`). */
function unescapedOutput(key: string): RegExp {
  const k = key.replace(/[$]/g, '\\$&');
  return new RegExp(`<%-\\s*${k}\\b|\\{\\{\\{\\s*${k}\\s*\\}\\}\\}|!\\{\\s*${k}\\s*\\}|!=\\s*${k}\\b|\\{${k}\\|s\\}`);
}

/** Views named `view` (`res.render('admin')` → `views/admin.ejs`, any engine). */
function viewsNamed(view: string, views: ReadonlyMap<string, string>): string[] {
  const base = view.replace(/\.(ejs|hbs|handlebars|pug|jade|dust|html)$/, '');
  return [...views.keys()].filter((path) => path.replace(/\.(ejs|hbs|handlebars|pug|jade|dust|html)$/, '').endsWith(`/${base}`) || path.replace(/\.\w+$/, '') === base);
}

const CHILD_PROCESS = new Set(['child_process', 'node:child_process']);
const FS = new Set(['fs', 'node:fs', 'fs/promises', 'node:fs/promises', 'fs-extra', 'graceful-fs']);
const LODASH = new Set(['lodash', 'lodash-es', 'underscore', 'lodash.merge', 'lodash.mergewith', 'lodash.set', 'lodash.defaultsdeep', 'deepmerge', 'merge', 'deep-extend', 'mixin-deep', 'set-value', 'dot-prop', 'jquery']);
const DESERIALIZERS = new Set(['node-serialize', 'serialize-to-js', 'funcster', 'cryo']);
const HTTP = new Set(['http', 'node:http']);
const SHELL_CALLS = new Set(['exec', 'execSync']);
const SPAWN_CALLS = new Set(['spawn', 'spawnSync', 'execFile', 'execFileSync', 'fork']);
const FS_PATH_CALLS = /^(readFile|readFileSync|createReadStream|writeFile|writeFileSync|createWriteStream|appendFile|appendFileSync|unlink|unlinkSync|rm|rmSync|readdir|readdirSync|open|openSync|access|accessSync|stat|statSync|copyFile|copyFileSync|rename|renameSync|mkdir|mkdirSync|outputFile|remove|readJson|readJSON|pathExists)$/;
const SQL_CALLS = /^(query|execute|raw|whereRaw|havingRaw|orderByRaw|joinRaw|\$queryRawUnsafe|\$executeRawUnsafe|all|get|run|prepare|each|exec)$/;
const SQL_TEXT = /\b(select\b[\s\S]+\bfrom|insert\s+into|update\s+[\w."`[\]]+\s+set|delete\s+from|where\s+[\w."`]+\s*(=|like|in\b))/i;
const NOSQL_CALLS = /^(find|findOne|findOneAndUpdate|findOneAndDelete|findOneAndRemove|findOneAndReplace|updateOne|updateMany|deleteOne|deleteMany|countDocuments|count|exists|remove|update|replaceOne|distinct)$/;
const MERGE_CALLS = /^(merge|mergeWith|defaultsDeep|set|setWith|zipObjectDeep|extend|deepExtend|deepMerge|assignDeep|mixinDeep|setValue)$/;
const SESSION_CALLS = /^(session|expressSession|cookieSession|koaSession|fastifySession|cookieParser)$/;
/** Secrets shipped in tutorials and READMEs, found in production apps again and again. */
const WEAK_SECRETS = /^(keyboard cat|secret|secretkey|secret[-_ ]key|mysecret|my[-_ ]secret|supersecret|super[-_ ]secret|changeme|change[-_ ]me|changethis|shhhhh?|s3cr3t|password|your[-_ ]secret([-_ ]key)?|default|test|foobar|abc123|123456)$/i;
const PATH_SANITIZERS = /^(basename|sanitize\w*|safe\w*)$/;

function isConstant(node: ts.Expression): boolean {
  if (ts.isStringLiteral(node) || ts.isNoSubstitutionTemplateLiteral(node) || ts.isNumericLiteral(node)) return true;
  if (ts.isParenthesizedExpression(node)) return isConstant(node.expression);
  if (ts.isBinaryExpression(node) && node.operatorToken.kind === ts.SyntaxKind.PlusToken) return isConstant(node.left) && isConstant(node.right);
  return false;
}

function nameOf(call: ts.CallExpression): string {
  const callee = call.expression;
  if (ts.isIdentifier(callee)) return callee.text;
  if (ts.isPropertyAccessExpression(callee)) return callee.name.text;
  return '';
}

/** Literal text and substituted parts of a string built by `+` or a template. */
function stringParts(node: ts.Expression): { text: string; holes: ts.Expression[] } | undefined {
  if (ts.isParenthesizedExpression(node)) return stringParts(node.expression);
  if (ts.isTemplateExpression(node)) return { text: node.head.text + node.templateSpans.map((s) => s.literal.text).join(' '), holes: node.templateSpans.map((s) => s.expression) };
  if (ts.isStringLiteral(node) || ts.isNoSubstitutionTemplateLiteral(node)) return { text: node.text, holes: [] };
  if (ts.isBinaryExpression(node) && node.operatorToken.kind === ts.SyntaxKind.PlusToken) {
    const left = stringParts(node.left) ?? { text: '', holes: [node.left] };
    const right = stringParts(node.right) ?? { text: '', holes: [node.right] };
    return { text: `${left.text} ${right.text}`, holes: [...left.holes, ...right.holes] };
  }
  return undefined;
}

/** The initializer of a `const`/`let` named `name` in the function around `at` (or the file). */
function initializerOf(name: string, at: ts.Node, sf: ts.SourceFile): ts.Expression | undefined {
  let scope: ts.Node = sf;
  for (let n = at.parent; n !== undefined; n = n.parent) {
    if (ts.isFunctionLike(n)) {
      scope = n;
      break;
    }
  }
  let found: ts.Expression | undefined;
  const visit = (n: ts.Node): void => {
    if (found === undefined && ts.isVariableDeclaration(n) && ts.isIdentifier(n.name) && n.name.text === name && n.initializer !== undefined) found = n.initializer;
    ts.forEachChild(n, visit);
  };
  visit(scope);
  return found;
}

function objectProperty(node: ts.Expression | undefined, key: string): ts.Expression | undefined {
  if (node === undefined || !ts.isObjectLiteralExpression(node)) return undefined;
  for (const p of node.properties) if (ts.isPropertyAssignment(p) && p.name.getText().replace(/['"]/g, '') === key) return p.initializer;
  return undefined;
}

function maskLiteral(text: string): string {
  return text.length <= 4 ? '****' : `${text.slice(0, 2)}…${text.slice(-1)} (${text.length} chars)`;
}

/**
 * Server-side sinks reached with request input, resolved through `import` and `require` alike:
 * shell commands (`exec`/`execSync`, `spawn`/`execFile` with `shell: true`), SQL text built from
 * input, NoSQL queries with request values that may be objects (`{ password: req.body.password }`
 * lets `{"$gt": ""}` through), file-system paths from input (and extracting uploaded archives),
 * redirects to input, deserialisers that run code (node-serialize), deep merges of request bodies
 * (prototype pollution), the request body passed whole as template locals, hard-coded or
 * tutorial session secrets, and an Express app that advertises itself (`x-powered-by`).
 */
export function findRequestSinks(files: ReadonlyMap<string, string>, options: FindRequestSinksOptions): SecuritySink[] {
  const sinks: SecuritySink[] = [];
  const project = [...files.values()].join('\n');
  const hidesPoweredBy = /x-powered-by|helmet|hidePoweredBy/i.test(project);
  const servesHttps = /require\(['"](node:)?https['"]\)|from ['"](node:)?https['"]/.test(project);
  for (const [file, source] of files) {
    // Cheap pre-filter: files that neither handle requests nor use a sink module are skipped.
    if (!/\b(req|request|ctx|event)\b|child_process|serialize|session|express|lodash|require\(/.test(source)) continue;
    const sf = (options.sourceFiles ?? SHARED_SOURCE_FILES).get(file, source, file.endsWith('x') ? ts.ScriptKind.TSX : undefined);
    const taint = new RequestTaint(sf);
    const cp = moduleBindings(sf, CHILD_PROCESS);
    const fs = moduleBindings(sf, FS);
    const merge = moduleBindings(sf, LODASH);
    const deserialize = moduleBindings(sf, DESERIALIZERS);
    const http = moduleBindings(sf, HTTP);
    const add = (node: ts.Node, sink: Omit<SecuritySink, 'file' | 'line' | 'evidence'>, evidence?: string): void => {
      sinks.push({ ...sink, file, line: sf.getLineAndCharacterOfPosition(node.getStart(sf)).line + 1, evidence: evidence ?? node.getText(sf).replace(/\s+/g, ' ').slice(0, 200) });
    };
    const fromRequest = (severity: Severity, tainted: boolean): Severity => (tainted ? severity : 'high');
    const visit = (node: ts.Node): void => {
      if (ts.isCallExpression(node)) {
        const name = nameOf(node);
        const args = node.arguments;
        const first = args[0];
        const cpCall = calledExport(node, cp, CHILD_PROCESS);
        if (cpCall !== undefined && SHELL_CALLS.has(cpCall) && first !== undefined && !isConstant(first)) {
          const tainted = taint.isTainted(first);
          add(node, { kind: 'command-injection', rule: 'qe/exec-non-literal', message: `${cpCall} runs a shell command built at run time${tainted ? ' from request input' : ''}`, confidence: tainted ? 0.9 : 0.8, severity: fromRequest('critical', tainted) });
        }
        if (cpCall !== undefined && SPAWN_CALLS.has(cpCall)) {
          const opts = args.find((a) => ts.isObjectLiteralExpression(a));
          const shell = objectProperty(opts, 'shell');
          if (shell !== undefined && shell.kind !== ts.SyntaxKind.FalseKeyword && args.some((a) => a !== opts && !isConstant(a) && !(ts.isArrayLiteralExpression(a) && a.elements.every((e) => isConstant(e))))) {
            const tainted = args.some((a) => a !== opts && taint.isTainted(a));
            add(node, { kind: 'command-injection', rule: 'qe/spawn-shell', message: `${cpCall} with shell: true runs arguments built at run time through a shell`, confidence: tainted ? 0.9 : 0.75, severity: fromRequest('critical', tainted) });
          }
        }
        // SQL text with request input in it (or any run-time value, noisy).
        if (SQL_CALLS.test(name) && ts.isPropertyAccessExpression(node.expression) && first !== undefined && cpCall === undefined) {
          const built = ts.isIdentifier(first) ? initializerOf(first.text, node, sf) : first;
          const parts = built === undefined ? undefined : stringParts(built);
          if (parts !== undefined && parts.holes.length > 0 && SQL_TEXT.test(parts.text)) {
            const tainted = parts.holes.some((h) => taint.isTainted(h));
            if (tainted || (options.noisy && parts.holes.some((h) => !isConstant(h)))) {
              add(node, { kind: 'sql-injection', rule: 'qe/sql-built-from-input', message: `${name}() runs SQL text built from ${tainted ? 'request input' : 'run-time values'} instead of parameters`, confidence: tainted ? 0.85 : 0.3, severity: tainted ? 'critical' : 'medium' });
            }
          }
        }
        // NoSQL: a request value that may be an object ({"$gt": ""}) inside a query.
        if (NOSQL_CALLS.test(name) && ts.isPropertyAccessExpression(node.expression) && first !== undefined) {
          const query = ts.isIdentifier(first) ? (initializerOf(first.text, node, sf) ?? first) : first;
          const where = objectProperty(query, '$where');
          const injected = ts.isObjectLiteralExpression(query)
            ? query.properties.some((p) => ts.isPropertyAssignment(p) && !ts.isObjectLiteralExpression(p.initializer) && taint.isTainted(p.initializer, { stringsAreSafe: true })) ||
              query.properties.some((p) => ts.isShorthandPropertyAssignment(p) && taint.isTainted(p.name, { stringsAreSafe: true }))
            : taint.isWholeInput(query);
          if (injected || (where !== undefined && !isConstant(where))) {
            add(node, { kind: 'nosql-injection', rule: 'qe/nosql-request-object', message: `${name}() queries with request input that may be an object carrying query operators ($gt, $ne, $where)`, confidence: 0.75, severity: 'high' });
          }
        }
        // Paths from request input into the file system.
        const fsCall = calledExport(node, fs, FS);
        if (fsCall !== undefined && FS_PATH_CALLS.test(fsCall) && first !== undefined && taint.isTainted(first, { sanitizers: PATH_SANITIZERS })) {
          add(node, { kind: 'path-traversal', rule: 'qe/fs-path-from-request', message: `${fsCall}() opens a path built from request input (../ escapes the intended folder)`, confidence: 0.8, severity: 'high' });
        }
        if ((name === 'sendFile' || name === 'download') && ts.isPropertyAccessExpression(node.expression) && first !== undefined && objectProperty(args[1], 'root') === undefined && taint.isTainted(first, { sanitizers: PATH_SANITIZERS })) {
          add(node, { kind: 'path-traversal', rule: 'qe/fs-path-from-request', message: `res.${name}() sends a file named by request input without a root`, confidence: 0.75, severity: 'high' });
        }
        if ((name === 'extractAllTo' || name === 'extractEntryTo') && ts.isPropertyAccessExpression(node.expression) && taint.isTainted(node.expression.expression)) {
          add(node, { kind: 'path-traversal', rule: 'qe/zip-slip', message: `${name}() extracts an uploaded archive without checking its entry paths (zip slip: ../ entries write outside the folder)`, confidence: 0.65, severity: 'high' });
        }
        // Redirects to request input.
        if ((name === 'redirect' || name === 'location') && ts.isPropertyAccessExpression(node.expression) && args.length > 0 && taint.isTainted(args[args.length - 1]!)) {
          add(node, { kind: 'open-redirect', rule: 'qe/redirect-from-request', message: `${name}() sends the user to a URL taken from the request (open redirect)`, confidence: 0.75, severity: 'medium' });
        }
        if (/^(setHeader|header|set|writeHead)$/.test(name) && first !== undefined && ts.isStringLiteral(first) && first.text.toLowerCase() === 'location' && args[1] !== undefined && taint.isTainted(args[1])) {
          add(node, { kind: 'open-redirect', rule: 'qe/redirect-from-request', message: 'the Location header is taken from the request (open redirect)', confidence: 0.75, severity: 'medium' });
        }
        // Deserialisers that run code.
        const deCall = calledExport(node, deserialize, DESERIALIZERS);
        if (deCall !== undefined && /unserialize|deserialize/i.test(deCall) && first !== undefined && !isConstant(first)) {
          const tainted = taint.isTainted(first);
          add(node, { kind: 'insecure-deserialization', rule: 'qe/unsafe-deserialize', message: `${deCall}() revives functions from its input (an IIFE in the data runs)${tainted ? ': request input' : ''}`, confidence: tainted ? 0.9 : 0.75, severity: fromRequest('critical', tainted) });
        }
        // Deep merges of request data.
        const mergeCall = calledExport(node, merge, LODASH);
        if (mergeCall !== undefined && MERGE_CALLS.test(mergeCall) && args.some((a, i) => (i > 0 || mergeCall === 'set' || mergeCall === 'setWith') && taint.isTainted(a))) {
          add(node, { kind: 'prototype-pollution', rule: 'qe/merge-request-data', message: `${mergeCall}() deep-merges request input: a "__proto__" key pollutes every object`, confidence: 0.75, severity: 'high' });
        }
        // Request input rendered unescaped by a server-side template.
        if (name === 'render' && ts.isPropertyAccessExpression(node.expression) && first !== undefined && ts.isStringLiteral(first) && options.views !== undefined && args[1] !== undefined && ts.isObjectLiteralExpression(args[1])) {
          for (const p of args[1].properties) {
            if (!ts.isPropertyAssignment(p) || !taint.isTainted(p.initializer)) continue;
            const key = p.name.getText(sf).replace(/['"]/g, '');
            for (const view of viewsNamed(first.text, options.views)) {
              const lines = options.views.get(view)!.split('\n');
              const pattern = unescapedOutput(key);
              lines.forEach((text, i) => {
                if (!pattern.test(text)) return;
                sinks.push({ kind: 'xss', file: view, line: i + 1, rule: 'qe/template-unescaped-request', message: `${view} prints "${key}" unescaped, and ${file}:${sf.getLineAndCharacterOfPosition(p.getStart(sf)).line + 1} fills it from the request`, evidence: text.trim().slice(0, 200), confidence: 0.85, severity: 'high' });
              });
            }
          }
        }
        // The request body as template locals: `layout`, `settings`, `cache` keys pick files and options.
        if (name === 'render' && ts.isPropertyAccessExpression(node.expression) && args[1] !== undefined && taint.isWholeInput(args[1])) {
          add(node, { kind: 'code-injection', rule: 'qe/render-request-locals', message: 'render() gets the request input whole as template locals: a "layout" key includes any file (local file inclusion)', confidence: 0.7, severity: 'high' });
        }
        // Session and token secrets written into the code.
        if (SESSION_CALLS.test(name) || (ts.isCallExpression(node.expression) && nameOf(node.expression) === 'require' && /session/.test(node.expression.arguments[0]?.getText(sf) ?? ''))) {
          const secret = objectProperty(first, 'secret') ?? objectProperty(first, 'keys') ?? (name === 'cookieParser' ? first : undefined);
          const literal = secret !== undefined && (ts.isStringLiteral(secret) || ts.isNoSubstitutionTemplateLiteral(secret)) ? secret.text : secret !== undefined && ts.isArrayLiteralExpression(secret) ? secret.elements.find((e): e is ts.StringLiteral => ts.isStringLiteral(e))?.text : undefined;
          // express-session and cookie-session send the cookie over plain HTTP unless told otherwise.
          const cookie = objectProperty(first, 'cookie');
          const secure = objectProperty(cookie, 'secure');
          if ((name === 'session' || name === 'expressSession' || name === 'cookieSession') && first !== undefined && ts.isObjectLiteralExpression(first) && (secure === undefined || secure.kind === ts.SyntaxKind.FalseKeyword)) {
            add(node, { kind: 'security-misconfiguration', rule: 'qe/session-cookie-insecure', message: `${name}() sets no cookie.secure: the session cookie also travels over plain HTTP`, confidence: 0.5, severity: 'low' });
          }
          if (literal !== undefined && secret !== undefined) {
            const weak = WEAK_SECRETS.test(literal);
            add(secret, { kind: 'hardcoded-secret', rule: 'qe/hardcoded-session-secret', message: `the session secret is ${weak ? 'a well-known tutorial value' : 'written into the code'}: anyone with the source can forge sessions`, confidence: weak ? 0.95 : 0.85, severity: 'high' }, maskLiteral(literal));
          }
        }
        if ((name === 'sign' || name === 'verify') && ts.isPropertyAccessExpression(node.expression) && /jwt|jsonwebtoken/i.test(node.expression.expression.getText(sf)) && args[1] !== undefined && ts.isStringLiteral(args[1])) {
          add(args[1], { kind: 'hardcoded-secret', rule: 'qe/hardcoded-session-secret', message: `jwt.${name}() uses a key written into the code: anyone with the source can forge tokens`, confidence: 0.85, severity: 'high' }, maskLiteral(args[1].text));
        }
        // An Express app that tells every client what it runs on.
        if (name === 'express' && ts.isIdentifier(node.expression) && args.length === 0 && ts.isVariableDeclaration(node.parent) && !hidesPoweredBy) {
          add(node, { kind: 'security-misconfiguration', rule: 'qe/x-powered-by', message: 'the Express app sends X-Powered-By (no app.disable("x-powered-by") or helmet anywhere): it tells attackers what to target', confidence: 0.6, severity: 'low' });
        }
        const httpCall = calledExport(node, http, HTTP);
        if (options.noisy && httpCall === 'createServer' && !servesHttps) {
          add(node, { kind: 'security-misconfiguration', rule: 'qe/plain-http', message: 'the service listens on plain HTTP and the project has no HTTPS server (fine behind a TLS proxy, otherwise traffic is readable)', confidence: 0.3, severity: 'low' });
        }
      }
      ts.forEachChild(node, visit);
    };
    visit(sf);
  }
  return sinks;
}
