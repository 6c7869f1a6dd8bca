import ts from '../kit/typescript/ts.js';

/** A reference to an exported function of the target inside an evaluated value (`{ split: splitSeparateNumbers }`). */
export class ExportRef {
  constructor(
    readonly file: string,
    readonly name: string,
  ) {}
}

/** A namespace import of a target module (`import * as changeCase from './index.js'`). */
export class NamespaceRef {
  constructor(readonly file: string) {}
}

/** What `evaluateLiteral` could not evaluate. */
export const UNKNOWN: unique symbol = Symbol('unknown');

/** Names in scope: literal values and references to the target's exports. */
export type Scope = Map<string, unknown>;

/**
 * Evaluates an expression statically when it is made of literals, names bound in `scope`, array
 * and object literals (with spreads), property and index access, template literals, `+`, unary
 * minus and type assertions; anything else (calls, operators with effects) is `UNKNOWN`.
 */
export function evaluateLiteral(node: ts.Expression, scope: Scope): unknown {
  if (ts.isParenthesizedExpression(node) || ts.isAsExpression(node) || ts.isSatisfiesExpression(node) || ts.isNonNullExpression(node) || ts.isTypeAssertionExpression(node)) return evaluateLiteral(node.expression, scope);
  if (ts.isStringLiteral(node) || ts.isNoSubstitutionTemplateLiteral(node)) return node.text;
  if (ts.isNumericLiteral(node)) return Number(node.text);
  if (ts.isBigIntLiteral(node)) return BigInt(node.text.slice(0, -1));
  if (node.kind === ts.SyntaxKind.TrueKeyword) return true;
  if (node.kind === ts.SyntaxKind.FalseKeyword) return false;
  if (node.kind === ts.SyntaxKind.NullKeyword) return null;
  if (ts.isIdentifier(node)) {
    if (scope.has(node.text)) return scope.get(node.text);
    if (node.text === 'undefined') return undefined;
    if (node.text === 'NaN') return NaN;
    if (node.text === 'Infinity') return Infinity;
    return UNKNOWN;
  }
  if (ts.isPrefixUnaryExpression(node)) {
    const v = evaluateLiteral(node.operand, scope);
    if (typeof v !== 'number') return UNKNOWN;
    if (node.operator === ts.SyntaxKind.MinusToken) return -v;
    if (node.operator === ts.SyntaxKind.PlusToken) return v;
    return UNKNOWN;
  }
  if (ts.isTemplateExpression(node)) {
    let text = node.head.text;
    for (const span of node.templateSpans) {
      const v = evaluateLiteral(span.expression, scope);
      if (v === UNKNOWN || (typeof v === 'object' && v !== null)) return UNKNOWN;
      text += String(v) + span.literal.text;
    }
    return text;
  }
  if (ts.isBinaryExpression(node) && node.operatorToken.kind === ts.SyntaxKind.PlusToken) {
    const a = evaluateLiteral(node.left, scope);
    const b = evaluateLiteral(node.right, scope);
    if ((typeof a === 'string' || typeof a === 'number') && (typeof b === 'string' || typeof b === 'number')) return (a as string) + (b as string);
    return UNKNOWN;
  }
  if (ts.isArrayLiteralExpression(node)) {
    const out: unknown[] = [];
    for (const element of node.elements) {
      if (ts.isSpreadElement(element)) {
        const v = evaluateLiteral(element.expression, scope);
        if (!Array.isArray(v)) return UNKNOWN;
        out.push(...(v as unknown[]));
      } else if (ts.isOmittedExpression(element)) return UNKNOWN;
      else {
        const v = evaluateLiteral(element, scope);
        if (v === UNKNOWN) return UNKNOWN;
        out.push(v);
      }
    }
    return out;
  }
  if (ts.isObjectLiteralExpression(node)) {
    const out: Record<string, unknown> = {};
    for (const p of node.properties) {
      if (ts.isSpreadAssignment(p)) {
        const v = evaluateLiteral(p.expression, scope);
        if (!isPlainObject(v)) return UNKNOWN;
        Object.assign(out, v);
        continue;
      }
      if (ts.isShorthandPropertyAssignment(p)) {
        const v = evaluateLiteral(p.name, scope);
        if (v === UNKNOWN) return UNKNOWN;
        out[p.name.text] = v;
        continue;
      }
      if (!ts.isPropertyAssignment(p)) return UNKNOWN;
      const key = ts.isIdentifier(p.name) || ts.isStringLiteral(p.name) || ts.isNumericLiteral(p.name) ? p.name.text : undefined;
      const v = evaluateLiteral(p.initializer, scope);
      if (key === undefined || v === UNKNOWN) return UNKNOWN;
      out[key] = v;
    }
    return out;
  }
  if (ts.isPropertyAccessExpression(node)) {
    const base = evaluateLiteral(node.expression, scope);
    return member(base, node.name.text);
  }
  if (ts.isElementAccessExpression(node)) {
    const base = evaluateLiteral(node.expression, scope);
    const key = evaluateLiteral(node.argumentExpression, scope);
    return typeof key === 'string' || typeof key === 'number' ? member(base, String(key)) : UNKNOWN;
  }
  return UNKNOWN;
}

function member(base: unknown, key: string): unknown {
  if (base instanceof NamespaceRef) return new ExportRef(base.file, key);
  if (base instanceof Map) return base.has(key) ? base.get(key) : UNKNOWN;
  if (Array.isArray(base)) return key === 'length' ? base.length : /^\d+$/.test(key) ? base[Number(key)] : UNKNOWN;
  if (typeof base === 'string' && key === 'length') return base.length;
  if (isPlainObject(base)) return Object.hasOwn(base, key) ? base[key] : undefined;
  return UNKNOWN;
}

/** A plain object (not an array, not an export reference, not a namespace). */
export function isPlainObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v) && !(v instanceof ExportRef) && !(v instanceof NamespaceRef) && !(v instanceof Map);
}

/** Binds a declaration name or destructuring pattern to a value; false when the pattern cannot be matched. */
export function bindPattern(name: ts.BindingName, value: unknown, scope: Scope): boolean {
  if (ts.isIdentifier(name)) {
    scope.set(name.text, value);
    return true;
  }
  if (ts.isArrayBindingPattern(name)) {
    if (!Array.isArray(value)) return false;
    name.elements.forEach((el, i) => {
      if (ts.isBindingElement(el) && !el.dotDotDotToken) bindPattern(el.name, (value as unknown[])[i] === undefined && el.initializer ? evaluateLiteral(el.initializer, scope) : (value as unknown[])[i], scope);
    });
    return true;
  }
  if (!isPlainObject(value)) return false;
  for (const el of name.elements) {
    if (el.dotDotDotToken) continue;
    const key = el.propertyName && (ts.isIdentifier(el.propertyName) || ts.isStringLiteral(el.propertyName)) ? el.propertyName.text : ts.isIdentifier(el.name) ? el.name.text : undefined;
    if (key !== undefined) bindPattern(el.name, value[key], scope);
  }
  return true;
}
