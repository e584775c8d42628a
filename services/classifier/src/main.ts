import { missingClassifierProcessSettings, tuneV8ForClassification } from '@vigie/nlp';
import { runMain } from '@vigie/runtime';
import { loadConfig } from './config.js';
import { startClassifier } from './classifier.js';

tuneV8ForClassification();
// Read now: runMain's logger does not exist yet, so the start-up function reports it.
const missingSettings = missingClassifierProcessSettings(process.execArgv, process.env);

await runMain({
  service: 'classifier',
  loadConfig,
  start: (config, logger) => {
    if (missingSettings.length) {
      logger.warn(
        { missing: missingSettings },
        `started without ${missingSettings.join(' ')}: the classifier will hold ≈ 65 MB more memory than it needs; start it as infra/compose.yaml does (node flags before the script, the variable in its environment)`,
      );
    }
    return startClassifier(config, logger);
  },
});
