export { startApi, type RunningApi } from './api.js';
export { createApp } from './app.js';
export { loadConfig, type ApiConfig } from './config.js';
