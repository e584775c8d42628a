import { readFileSync } from 'node:fs';
import { CLASSIFIER_NODE_FLAGS, CLASSIFIER_PROCESS_ENV } from '@vigie/nlp';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';

// The production start command lives in a YAML file that no code reads; this keeps it in step with the settings the
// service checks at start (main.ts) and the benchmark measures with.
describe('infra/compose.yaml starts the classifier with its memory settings', () => {
  const compose = parse(readFileSync(new URL('../../../infra/compose.yaml', import.meta.url), 'utf8')) as {
    services: Record<string, { command: string[]; environment: Record<string, string> }>;
  };
  const classifier = compose.services.classifier!;

  it('passes the node flags before the script', () => {
    const script = classifier.command.indexOf('services/classifier/dist/main.js');
    expect(script).toBeGreaterThan(0);
    expect(classifier.command.slice(1, script)).toEqual([...CLASSIFIER_NODE_FLAGS]);
  });

  it('sets the allocator variables', () => {
    expect(classifier.environment).toMatchObject(CLASSIFIER_PROCESS_ENV);
  });
});
