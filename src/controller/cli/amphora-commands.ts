import { Command } from 'commander';
import { amphoraRows } from './format';
import { operationCommand } from './operation-command';
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

  operationCommand(
    amphora
      .command('failover <id>')
      .description('Replace one amphora: the new one is built and carries the VIP before the old one goes'),
    'failover',
    (session, id) => session.controller.failoverAmphora(id),
  );

  return amphora;
}
