import { runMain } from '@vigie/runtime';
import { loadConfig } from './config.js';
import { startClassifier } from './classifier.js';

await runMain({ service: 'classifier', loadConfig, start: startClassifier });
