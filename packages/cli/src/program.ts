import { Command } from 'commander';
import { commandModules } from './commands/index.js';

/** The `vigie` command line: each command group lives in its own module under commands/. */
export function buildProgram(): Command {
  const program = new Command('vigie')
    .description('Vigie — early warning on harmful narratives about UN peacekeeping missions')
    .showHelpAfterError();
  for (const register of commandModules) register(program);
  return program;
}
