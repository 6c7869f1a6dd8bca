import { PassThrough } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { createLogger } from '../src/logger.js';

const lines = (level: Parameters<typeof createLogger>[0]): string[] => {
  const out = new PassThrough();
  const written: string[] = [];
  out.on('data', (chunk: Buffer) => written.push(...chunk.toString('utf8').split('\n').filter(Boolean)));
  const logger = createLogger(level, out);
  logger.info({ agent: 'code-reviewer' }, 'started');
  logger.debug('details');
  logger.error({ err: new Error('boom') }, 'task failed');
  return written;
};

describe('createLogger', () => {
  it('writes pino JSON lines at and above its level', async () => {
    const written = lines('info');
    await new Promise((resolve) => setImmediate(resolve));
    expect(written.map((line) => JSON.parse(line) as { level: number; msg: string })).toMatchObject([
      { level: 30, msg: 'started', agent: 'code-reviewer' },
      { level: 50, msg: 'task failed', err: { message: 'boom' } },
    ]);
  });

  it('writes nothing at silent', async () => {
    const written = lines('silent');
    await new Promise((resolve) => setImmediate(resolve));
    expect(written).toEqual([]);
  });
});
