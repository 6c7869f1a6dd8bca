import { getEventListeners } from 'node:events';
import { createServer } from 'node:http';
import type { AddressInfo, Server } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AutocannonLoadGenerator } from '../../src/load-tester/AutocannonLoadGenerator.js';

let server: Server;
let url = '';
beforeAll(async () => {
  server = createServer((_req, res) => res.end('ok'));
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/`;
});
afterAll(() => new Promise<void>((r) => server.close(() => r())));

describe('AutocannonLoadGenerator and the run signal', () => {
  it('leaves no abort listener behind after each load step (12 steps on one signal)', async () => {
    const signal = new AbortController().signal;
    const generator = new AutocannonLoadGenerator();
    for (let i = 0; i < 12; i++) {
      const sample = await generator.run({ url, method: 'GET', headers: {}, connections: 1, durationMs: 200, maxRequests: 5 }, signal);
      expect(sample.requests).toBeGreaterThan(0);
      expect(getEventListeners(signal, 'abort')).toHaveLength(0);
    }
  }, 60_000);
});
