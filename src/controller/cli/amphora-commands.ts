import { Command } from 'commander';
import { amphoraRows } from './format';
import { settle } from './lb-commands';
import { emit, withSession } from './session';

/** `amphora amphora ...`: list, show and fail over amphorae. */
export function amphoraCommands(): Command {
  const amphora = new Command('amphora').description('Amphorae: list, show, failover');

  amphora
    .command('list')
    .description('List the amphorae of every live load balancer, or of one')
    .option('--loadbalancer <id>', 'only this load balancer')
    .option('--json', 'print JSON')
    .action(async (options: { loadbalancer?: string; json?: boolean }) => {
      await withSession(async (session) => {
        const found = await session.controller.listAmphorae(options.loadbalancer);
        emit(session, Boolean(options.json), found, () => amphoraRows(found));
      });
    });

  amphora
    .command('show <id>')
    .description('Show an amphora and its load balancer')
    .option('--json', 'print JSON')
    .action(async (id: string, options: { json?: boolean }) => {
      await withSession(async (session) => {
        const { amphora: found, loadBalancer } = await session.controller.requireAmphora(id);
        emit(session, Boolean(options.json), { ...found, loadBalancerId: loadBalancer.id }, () =>
          amphoraRows([{ ...found, loadBalancerId: loadBalancer.id }]),
        );
      });
    });

  amphora
    .command('failover <id>')
    .description('Replace one amphora: the new one is built and carries the VIP before the old one goes')
    .option('--wait', 'follow the failover step by step until it ends')
    .option('--json', 'print JSON')
    .action(async (id: string, options: { wait?: boolean; json?: boolean }) => {
      await withSession(async (session) => {
        const accepted = await session.controller.failoverAmphora(id);
        if (options.wait) return settle(session, accepted.id, Boolean(options.json));
        emit(
          session,
          Boolean(options.json),
          accepted,
          () => `Load balancer ${accepted.id} is ${accepted.provisioningStatus}.`,
        );
      });
    });

  return amphora;
}
