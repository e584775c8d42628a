import { tuneV8ForClassification } from '@vigie/nlp';
import { runMain } from '@vigie/runtime';
import { loadConfig } from './config.js';
import { startClassifier } from './classifier.js';

tuneV8ForClassification();

await runMain({ service: 'classifier', loadConfig, start: startClassifier });
