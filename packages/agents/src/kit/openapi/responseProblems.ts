// Self-contained on purpose (no imports): the test generator copies this file next to the route
// tests it writes, so the api-tester and the generated tests judge responses by the same rules.

/** The documented responses of an operation: status (`200`, `4XX`, `default`) → media type → schema (null: none). */
export type DocumentedResponses = Record<string, Record<string, object | null>>;

/** What is wrong with one response, in the catalogue's vocabulary. */
export interface ResponseProblem {
  kind: 'api-server-error' | 'api-empty-body' | 'api-schema-violation';
  message: string;
  /** 0..1: how sure the check is that this is a defect of the service. */
  confidence: number;
}

/** The response an operation actually gave. */
export interface ActualResponse {
  status: number;
  body: string;
  contentType: string | null;
}

/** Validates `data` against `schema`; returns the errors as text, or undefined when valid. */
export type SchemaCheck = (schema: object, data: unknown) => string | undefined;

/**
 * The documented response for `status`: exact, then `2XX`-style, then `default`. A `default`
 * covers errors: it does not excuse a success status the document does not list when it lists
 * another one (201 documented, 200 answered), only when it documents no success at all.
 */
export function documentedResponse(responses: DocumentedResponses, status: number): Record<string, object | null> | undefined {
  const exact = responses[String(status)] ?? responses[`${String(status)[0]}XX`];
  if (exact !== undefined) return exact;
  const documentsSuccess = Object.keys(responses).some((s) => s.startsWith('2'));
  return status >= 200 && status < 300 && documentsSuccess ? undefined : responses['default'];
}

/** True when a response's content type is one of the documented media types (`*\/*`, `text/*` and `+json` suffixes understood). */
function mediaTypeMatches(documented: readonly string[], actual: string): boolean {
  const base = actual.split(';')[0]!.trim().toLowerCase();
  return documented.some((d) => {
    const want = d.split(';')[0]!.trim().toLowerCase();
    if (want === '*/*' || want === base) return true;
    if (want.endsWith('/*')) return base.startsWith(want.slice(0, -1));
    const json = (t: string): boolean => t === 'application/json' || t.endsWith('+json');
    return json(want) && json(base);
  });
}

/**
 * Judges one response against the document: a 5xx is a server error; an undeclared status (a
 * `default` does not cover an unlisted 2xx), a content type the document does not list (HTML
 * where JSON is promised), a non-JSON or schema-violating JSON body is a schema violation; no body where the document
 * promises content is an empty body. Undefined when the response is as documented.
 */
export function responseProblems(responses: DocumentedResponses, actual: ActualResponse, check: SchemaCheck): ResponseProblem | undefined {
  const { status, body, contentType } = actual;
  if (status >= 500) return { kind: 'api-server-error', message: `answered ${status}`, confidence: 0.95 };
  const documented = documentedResponse(responses, status);
  if (documented === undefined) {
    return { kind: 'api-schema-violation', message: `answered ${status}, a status the document does not declare (declared: ${Object.keys(responses).join(', ')})`, confidence: 0.8 };
  }
  const types = Object.keys(documented);
  if (types.length === 0) return undefined;
  if (body.length === 0) {
    return { kind: 'api-empty-body', message: `answered ${status} with an empty body; the document promises ${types.join(', ')}`, confidence: 0.9 };
  }
  if (contentType !== null && contentType !== '' && !mediaTypeMatches(types, contentType)) {
    return { kind: 'api-schema-violation', message: `answered ${status} with ${contentType.split(';')[0]} where the document promises ${types.join(', ')}`, confidence: 0.85 };
  }
  const jsonType = types.find((t) => t.includes('json'));
  const schema = jsonType === undefined ? null : documented[jsonType];
  if (!schema || !(contentType ?? '').includes('json')) return undefined;
  let parsed: unknown;
  try {
    parsed = JSON.parse(body);
  } catch {
    return { kind: 'api-schema-violation', message: `answered ${status} with a body that is not JSON`, confidence: 0.8 };
  }
  const errors = check(schema, parsed);
  return errors === undefined ? undefined : { kind: 'api-schema-violation', message: `answered ${status} with a body that violates its schema: ${errors}`, confidence: 0.9 };
}

/** Resource ids (`id` fields of objects, up to 50) found in a JSON body, in document order. */
export function findIds(body: string): string[] {
  let parsed: unknown;
  try {
    parsed = JSON.parse(body);
  } catch {
    return [];
  }
  const ids: string[] = [];
  const visit = (v: unknown, depth: number): void => {
    if (depth > 3 || ids.length >= 50) return;
    if (Array.isArray(v)) for (const item of v) visit(item, depth + 1);
    else if (v && typeof v === 'object') {
      const id = (v as Record<string, unknown>)['id'];
      if (typeof id === 'string' || typeof id === 'number') ids.push(String(id));
      for (const child of Object.values(v)) if (typeof child === 'object') visit(child, depth + 1);
    }
  };
  visit(parsed, 0);
  return ids;
}
