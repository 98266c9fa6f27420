import { execFile } from 'node:child_process';
import { join } from 'node:path';
import { promisify } from 'node:util';

const SCRIPT = join(__dirname, '..', '..', 'temporal-cluster.sh');

/** The services of the cluster a chaos run may kill: the ones that hold state in memory (shards, task queues). */
export type KillableService = 'history' | 'matching';

/**
 * The Temporal cluster of `./temporal-cluster.sh` (the one `npm run test:cluster` brought up): the chaos run kills its
 * services and restarts its database through the script, as an operator's process supervisor would restart them.
 */
export class TemporalCluster {
  address = '';

  /** Brings the cluster up, or finds it up, and learns its frontend's address. */
  async up(): Promise<void> {
    await this.script(['up'], 600_000);
    this.address = (await this.script(['address'])).trim();
  }

  /** kill -9 of one service's process: its shards or task queues move to nobody until it is back. */
  async kill(service: KillableService): Promise<void> {
    await this.script(['kill', service]);
  }

  /** Starts a killed service again. */
  async start(service: KillableService): Promise<void> {
    await this.script(['start', service]);
  }

  /** PostgreSQL stopped at once (every connection cut) and started again. */
  async restartDatabase(): Promise<void> {
    await this.script(['restart-db'], 120_000);
  }

  private async script(args: string[], timeout = 60_000): Promise<string> {
    const { stdout } = await promisify(execFile)(SCRIPT, args, { timeout });
    return stdout;
  }
}
