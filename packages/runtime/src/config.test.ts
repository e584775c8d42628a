import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { ConfigError, commonEnv, parseEnv } from './config.js';

const schema = z.object({
  PORT: z.coerce.number().int().min(1).max(65535).default(8080),
  REDIS_URL: commonEnv.REDIS_URL,
  API_SECRET_KEY: z.string().min(16),
});

describe('parseEnv', () => {
  it('lists every problem at once and never echoes secrets', () => {
    let error: unknown;
    try {
      parseEnv(schema, { PORT: 'eighty', REDIS_URL: 'http://x', API_SECRET_KEY: 'short' });
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(ConfigError);
    const problems = (error as ConfigError).problems;
    expect(problems).toHaveLength(3);
    expect(problems.join('\n')).toContain('PORT');
    expect(problems.join('\n')).toContain('REDIS_URL: must start with redis://');
    expect(problems.join('\n')).toContain('API_SECRET_KEY');
    expect(problems.join('\n')).not.toContain('short');
    expect((error as Error).message).toContain('.env.example');
  });

  it('applies defaults and freezes the result', () => {
    const config = parseEnv(schema, { API_SECRET_KEY: 'x'.repeat(16) });
    expect(config.PORT).toBe(8080);
    expect(config.REDIS_URL).toBe('redis://127.0.0.1:6379');
    expect(Object.isFrozen(config)).toBe(true);
  });
});
