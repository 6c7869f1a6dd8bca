import { AgentError } from '../agent/AgentError.js';
import { assertLoopback } from './assertLoopback.js';

/** Options of `loopbackFetch`: a `fetch` init plus a per-request timeout. */
export interface LoopbackFetchInit extends RequestInit {
  /** Milliseconds before the request is aborted (default 5000). */
  timeoutMs?: number;
}

/**
 * `fetch` restricted to loopback: the URL is checked by `assertLoopback`, redirects are not
 * followed (a 3xx could point anywhere) and the request times out instead of hanging. Network
 * errors become AgentError TOOL_FAILED; HTTP error statuses are returned, since probes look at them.
 */
export async function loopbackFetch(url: string | URL, init: LoopbackFetchInit = {}): Promise<Response> {
  const checked = assertLoopback(url);
  const { timeoutMs = 5000, signal, ...rest } = init;
  const timeout = AbortSignal.timeout(timeoutMs);
  const combined = signal ? AbortSignal.any([signal, timeout]) : timeout;
  try {
    return await fetch(checked, { ...rest, redirect: 'manual', signal: combined });
  } catch (error) {
    throw new AgentError('TOOL_FAILED', `request to ${checked.href} failed: ${error instanceof Error ? error.message : String(error)}`, { cause: error });
  }
}
