export { startClassifier, type RunningClassifier } from './classifier.js';
export { loadConfig, type ClassifierConfig } from './config.js';
