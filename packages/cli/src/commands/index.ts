import type { Command } from 'commander';
import { registerNlpCommands } from './nlp.js';
import { registerKeys } from './keys.js';
import { registerFeed } from './feed.js';
import { registerSources } from './sources.js';
import { registerIntake } from './intake.js';
import { registerDigest } from './digest.js';
import { registerLearning } from './learning.js';

export type RegisterCommand = (program: Command) => void;

/** Add a command group by appending its register function here. */
export const commandModules: RegisterCommand[] = [
  registerKeys,
];
commandModules.push(registerFeed);
commandModules.push(registerNlpCommands);
commandModules.push(registerSources);
commandModules.push(registerIntake);
commandModules.push(registerDigest);
commandModules.push(registerLearning);
