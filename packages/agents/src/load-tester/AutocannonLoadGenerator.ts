import { addAbortListener } from 'node:events';
import type autocannon from 'autocannon';
import { AgentError } from '../kit/agent/AgentError.js';
import { assertLoopback } from '../kit/service/assertLoopback.js';

/** One bounded load run: `connections` concurrent clients repeating one request. */
export interface LoadRequest {
  url: string;
  method: string;
  headers: Record<string, string>;
  body?: string;
  /** Concurrent connections (the load level). */
  connections: number;
  /** Wall-time bound of the run (ms). */
  durationMs: number;
  /** Request bound of the run (whichever bound comes first ends it). */
  maxRequests: number;
  /** Per-request timeout (ms, default 10 000): a response slower than this counts as an error. */
  timeoutMs?: number;
}

/** What one load run measured. */
export interface LoadSample {
  connections: number;
  /** Responses received. */
  requests: number;
  /** Completed responses per second over the run. */
  throughput: number;
  /** Latency percentiles (ms). */
  p50: number;
  p90: number;
  p99: number;
  min: number;
  max: number;
  /** Connection errors and timeouts. */
  errors: number;
  timeouts: number;
  /** Responses by status class. */
  status2xx: number;
  status4xx: number;
  status5xx: number;
}

/** Something that applies load (autocannon by default; tests inject a fake). */
export interface LoadGenerator {
  run(request: LoadRequest, signal?: AbortSignal): Promise<LoadSample>;
}

/**
 * Load with autocannon (HTTP/1.1, keep-alive connections, HdrHistogram latencies), to loopback
 * only: the URL is checked by `assertLoopback` before any connection is opened.
 */
export class AutocannonLoadGenerator implements LoadGenerator {
  async run(request: LoadRequest, signal?: AbortSignal): Promise<LoadSample> {
    const url = assertLoopback(request.url).href;
    if (signal?.aborted) throw new AgentError('ABORTED', 'load run was aborted');
    // Loaded on first use, like every tool only some agents need: the CLI's start-up stays short.
    const { default: load } = await import('autocannon');
    // One listener per load step on the run's signal, removed when the step ends: a ramp has more
    // than ten steps, and listeners left behind trip MaxListenersExceededWarning (and leak).
    let listener: Disposable | undefined;
    const result = await new Promise<autocannon.Result>((resolve, reject) => {
      const instance = load(
        {
          url,
          method: request.method as autocannon.Request['method'] & string,
          headers: request.headers,
          ...(request.body === undefined ? {} : { body: request.body }),
          connections: request.connections,
          duration: request.durationMs / 1000,
          maxOverallRequests: Math.max(request.maxRequests, request.connections),
          timeout: (request.timeoutMs ?? 10_000) / 1000,
          // autocannon checks its stop flag on each sample tick (default 1 s): short runs need a short tick.
          sampleInt: Math.max(10, Math.min(100, Math.floor(request.durationMs / 4))),
        },
        (error, res) => (error ? reject(new AgentError('TOOL_FAILED', `autocannon failed on ${url}: ${String(error)}`)) : resolve(res)),
      );
      if (signal) listener = addAbortListener(signal, () => instance.stop());
    }).finally(() => listener?.[Symbol.dispose]());
    if (signal?.aborted) throw new AgentError('ABORTED', 'load run was aborted');
    const requests = result['1xx'] + result['2xx'] + result['3xx'] + result['4xx'] + result['5xx'];
    return {
      connections: request.connections,
      requests,
      throughput: result.duration > 0 ? requests / result.duration : 0,
      p50: result.latency.p50,
      p90: result.latency.p90,
      p99: result.latency.p99,
      min: result.latency.min,
      max: result.latency.max,
      errors: result.errors,
      timeouts: result.timeouts,
      status2xx: result['2xx'] + result['3xx'],
      status4xx: result['4xx'],
      status5xx: result['5xx'],
    };
  }
}
