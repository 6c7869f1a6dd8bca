/**
 * The URL every documented path is appended to: the service URL plus the document's base path
 * (`/v1` from `servers`), unless the service URL already has a path: a URL the user gave with a
 * path (`--url http://127.0.0.1:3000/v1`) names the API root itself and is kept as given.
 */
export function apiBaseUrl(serviceUrl: string, basePath: string): string {
  const url = new URL(serviceUrl);
  const own = url.pathname.replace(/\/+$/, '');
  if (own !== '') return `${url.origin}${own}`;
  return `${url.origin}${basePath}`;
}

/**
 * "base path or server mismatch" when most answers are 404 (more than half, over at least 3
 * requests): the requests do not reach the documented API, so nothing they showed counts as
 * coverage. Undefined otherwise.
 */
export function pathMismatch(statuses: readonly number[], base: string): string | undefined {
  const notFound = statuses.filter((s) => s === 404).length;
  if (statuses.length < 3 || notFound * 2 <= statuses.length) return undefined;
  return `base path or server mismatch: ${notFound} of ${statuses.length} requests to ${base} got 404 (check the document's servers URL or give --url with the API's path)`;
}

/**
 * "credentials missing or rejected" when most answers are 401 or 403 (more than half, over at
 * least 3 requests): the service was reached but the checks saw only its door. `advice` (the
 * target's `credentialAdvice`) names the header the document wants. Undefined otherwise.
 */
export function credentialsMismatch(statuses: readonly number[], sentCredentials: boolean, advice: readonly string[] = []): string | undefined {
  const refused = statuses.filter((s) => s === 401 || s === 403).length;
  if (statuses.length < 3 || refused * 2 <= statuses.length) return undefined;
  // The document's own scheme says which header to configure: better than a generic hint.
  const hint = advice.length > 0 ? advice.join('; ') : sentCredentials ? 'check the configured headers' : 'configure headers, bearerTokenEnv or apiKeyEnv';
  return `credentials ${sentCredentials ? 'rejected' : 'missing'}: ${refused} of ${statuses.length} requests got 401/403 (${hint})`;
}
