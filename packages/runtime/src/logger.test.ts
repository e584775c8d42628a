import { describe, expect, it } from 'vitest';
import { Writable } from 'node:stream';
import { createLogger, redactUrl } from './logger.js';

describe('logger', () => {
  it('redacts secrets and carries the service name', () => {
    const lines: string[] = [];
    const sink = new Writable({
      write(chunk, _enc, cb) {
        lines.push(chunk.toString());
        cb();
      },
    });
    const log = createLogger({ service: 'api', version: '1.2.3', level: 'info', destination: sink });
    log.info({ apiKey: 'vk_live_secret', req: { headers: { authorization: 'Bearer abc' } } }, 'hello');
    const entry = JSON.parse(lines[0] ?? '{}') as Record<string, unknown>;
    expect(entry.service).toBe('api');
    expect(entry.version).toBe('1.2.3');
    expect(lines[0]).not.toContain('vk_live_secret');
    expect(lines[0]).not.toContain('Bearer abc');
  });

  it('hides passwords in connection URLs', () => {
    expect(redactUrl('mongodb://user:hunter2@db:27017/vigie')).not.toContain('hunter2');
    expect(redactUrl('not a url')).toBe('[unparseable url]');
  });
});
