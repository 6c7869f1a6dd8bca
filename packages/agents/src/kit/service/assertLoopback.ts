import { isIP } from 'node:net';
import { AgentError } from '../agent/AgentError.js';

function isLoopbackHost(hostname: string): boolean {
  const host = hostname.startsWith('[') && hostname.endsWith(']') ? hostname.slice(1, -1) : hostname;
  if (host === 'localhost') return true;
  if (isIP(host) === 4) return host.split('.')[0] === '127';
  if (isIP(host) === 6) return host === '::1' || host === '0:0:0:0:0:0:0:1';
  return false;
}

/**
 * Throws AgentError NON_LOOPBACK unless `url` is http(s) on a loopback host (127.0.0.0/8, ::1,
 * localhost). Every HTTP call an agent makes goes through this: agents probe the fixture service
 * they started themselves and nothing else, so a mistyped or hostile base URL cannot turn a probe
 * into traffic against someone else's server.
 */
export function assertLoopback(url: string | URL): URL {
  let parsed: URL;
  try {
    parsed = typeof url === 'string' ? new URL(url) : url;
  } catch (error) {
    throw new AgentError('NON_LOOPBACK', `not a valid URL: ${String(url)}`, { cause: error });
  }
  if (parsed.protocol !== 'http:' && parsed.protocol !== 'https:') {
    throw new AgentError('NON_LOOPBACK', `only http(s) to loopback is allowed, got ${parsed.protocol}`);
  }
  if (!isLoopbackHost(parsed.hostname)) {
    throw new AgentError('NON_LOOPBACK', `refusing to send traffic to non-loopback host ${parsed.hostname}`);
  }
  return parsed;
}
