#!/usr/bin/env node
import { Command, CommanderError } from 'commander';
import { ConfigError, loadConfig } from './config';
import { createLogger, installTemporalLogging } from './logger';
import { registerSweeperCommands } from './sweeper/cli';
import { startWorker } from './worker';

/** Prints one clear line and exits non-zero: the CLI never dumps a stack trace at a user. */
function fail(err: unknown): never {
  const message = err instanceof Error ? err.message : String(err);
  process.stderr.write(`amphora: ${message}\n`);
  process.exit(err instanceof ConfigError ? 2 : 1);
}

const program = new Command()
  .name('amphora')
  .description('Control plane for load-balancer amphorae, orchestrated by Temporal workflows.')
  .showHelpAfterError('(run amphora --help for usage)');

program
  .command('worker')
  .description(
    'Run a worker: executes the load-balancer workflows and their activities on AMPHORA_TASK_QUEUE, with the drivers that AMPHORA_COMPUTE_DRIVER and AMPHORA_NETWORK_DRIVER select. Stops cleanly on SIGINT/SIGTERM.',
  )
  .action(async () => {
    const config = loadConfig();
    const logger = createLogger(config.logLevel);
    installTemporalLogging(logger);
    const worker = await startWorker(config, logger);
    await worker.done;
  });

registerSweeperCommands(program);

program.parseAsync(process.argv).catch((err: unknown) => {
  if (err instanceof CommanderError) process.exit(err.exitCode);
  fail(err);
});
