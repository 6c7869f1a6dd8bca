import { AgentError } from '../kit/agent/AgentError.js';
import { loopbackFetch } from '../kit/service/loopbackFetch.js';

/** What a link led to. */
export interface LinkStatus {
  /** Final status after loopback redirects (0 = no answer). */
  status: number;
  /** The redirect chain, when there was one. */
  chain: string[];
  /** Set when a redirect left loopback (not followed, not judged). */
  external?: string;
  error?: string;
}

/**
 * The status a link answers with: GET through `loopbackFetch`, following up to 5 redirects while
 * they stay on loopback (a redirect elsewhere is not followed and not judged).
 */
export async function linkStatus(url: string, timeoutMs = 10_000): Promise<LinkStatus> {
  const chain: string[] = [];
  let current = url;
  for (let hop = 0; hop <= 5; hop++) {
    let response: Response;
    try {
      response = await loopbackFetch(current, { timeoutMs, headers: { accept: 'text/html,*/*' } });
    } catch (error) {
      if (error instanceof AgentError && error.code === 'NON_LOOPBACK') return { status: 0, chain, external: current };
      return { status: 0, chain, error: error instanceof Error ? error.message : String(error) };
    }
    await response.body?.cancel().catch(() => undefined);
    const location = response.headers.get('location');
    if (response.status < 300 || response.status >= 400 || location === null) return { status: response.status, chain };
    chain.push(`${response.status} → ${location}`);
    current = new URL(location, current).href;
  }
  return { status: 0, chain, error: 'more than 5 redirects' };
}
