import type { Command } from 'commander';
import { ControllerError } from '../errors';
import type { PublicLoadBalancer } from '../load-balancers';
import { loadBalancerDetails } from './format';
import { emit, withSession, type CliSession } from './session';
import { waitForSettled } from './wait';

/** With --wait, follows the operation to its end; a load balancer that ends in ERROR makes the command fail. */
export async function settle(session: CliSession, id: string, json: boolean): Promise<void> {
  const write = json ? () => undefined : session.out;
  const record = await waitForSettled(session.controller, id, write);
  if (!record) {
    emit(session, json, { id, provisioningStatus: 'DELETED' }, () => `Load balancer ${id} is DELETED.`);
    return;
  }
  emit(session, json, record, () => loadBalancerDetails(record));
  if (record.provisioningStatus === 'ERROR') {
    const view = await session.controller.get(id);
    throw new ControllerError(`load balancer ${id} is in ERROR: ${view?.last?.error ?? 'its last operation failed'}`);
  }
}

/**
 * Makes `command <id>` start an operation on a load balancer: it prints the accepted record (PENDING_*), or with
 * --wait follows the operation step by step until it ends.
 *
 * @param what - the operation, as the --wait help names it: `delete`, `failover`.
 * @param start - starts the operation and returns the accepted record, or undefined when it printed its own outcome.
 */
export function operationCommand<O extends object>(
  command: Command,
  what: string,
  start: (session: CliSession, id: string, options: O) => Promise<PublicLoadBalancer | undefined>,
): Command {
  return command
    .option('--wait', `follow the ${what} step by step until it ends`)
    .option('--json', 'print JSON')
    .action(async (id: string, options: O & { wait?: boolean; json?: boolean }) => {
      await withSession(async (session) => {
        const accepted = await start(session, id, options);
        // undefined: the command followed its operations itself (a bulk failover).
        if (!accepted) return;
        if (options.wait) return settle(session, accepted.id, Boolean(options.json));
        emit(
          session,
          Boolean(options.json),
          accepted,
          () => `Load balancer ${accepted.id} is ${accepted.provisioningStatus}.`,
        );
      });
    });
}
