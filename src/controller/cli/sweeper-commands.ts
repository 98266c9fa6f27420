import type { Command } from 'commander';
import { loadConfig } from '../../config';
import { connectClient } from '../client';
import { sweepOrphans } from '../../workflows/sweeper/sweep-orphans';
import { ensureSweeperSchedule, parseDuration, SWEEPER_SCHEDULE_ID } from '../sweeper-schedule';

/** Adds `amphora sweeper schedule` and `amphora sweeper run` to the CLI. */
export function registerSweeperCommands(program: Command): void {
  const sweeper = program
    .command('sweeper')
    .description(
      'The orphan sweeper: removes resources that carry our name and our mark that no live load balancer holds.',
    );

  sweeper
    .command('schedule')
    .description('Create or update the Temporal Schedule that runs the sweeper (safe to run on every deploy).')
    .requiredOption('--every <duration>', 'time between sweeps, say 10m', parseDuration)
    .requiredOption(
      '--grace <duration>',
      'how long a resource must stay orphaned before removal, say 15m',
      parseDuration,
    )
    .option('--dry-run', 'report only, remove nothing', false)
    .option('--id <scheduleId>', 'schedule id', SWEEPER_SCHEDULE_ID)
    .action(async (options: { every: number; grace: number; dryRun: boolean; id: string }) => {
      const config = loadConfig();
      const { client, close } = await connectClient(config);
      try {
        const { created } = await ensureSweeperSchedule(client, {
          taskQueue: config.taskQueue,
          everyMs: options.every,
          graceMs: options.grace,
          dryRun: options.dryRun,
          scheduleId: options.id,
        });
        process.stdout.write(
          `${created ? 'created' : 'updated'} schedule ${options.id}: sweep every ${options.every} ms, grace ${options.grace} ms${options.dryRun ? ', dry run' : ''}\n`,
        );
      } finally {
        await close();
      }
    });

  sweeper
    .command('run')
    .description('Run one sweep now and print its report as JSON.')
    .option('--grace <duration>', 'how long a resource must stay orphaned before removal', parseDuration, 0)
    .option('--dry-run', 'report only, remove nothing', false)
    .action(async (options: { grace: number; dryRun: boolean }) => {
      const config = loadConfig();
      const { client, close } = await connectClient(config);
      try {
        const report = await client.workflow.execute(sweepOrphans, {
          taskQueue: config.taskQueue,
          workflowId: `amphora-orphan-sweep-${Date.now()}`,
          args: [{ dryRun: options.dryRun, graceMs: options.grace }],
        });
        process.stdout.write(`${JSON.stringify(report, null, 2)}\n`);
      } finally {
        await close();
      }
    });
}
