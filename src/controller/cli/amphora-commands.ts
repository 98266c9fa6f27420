import { Command } from 'commander';
import { InputError } from '../errors';
import { amphoraRows } from './format';
import { failoverStopped, healthCommand } from './health-commands';
import { operationCommand } from './operation-command';
import { emit, withSession } from './session';

/** `amphora amphora ...`: list, show and fail over amphorae. */
export function amphoraCommands(): Command {
  const amphora = new Command('amphora').description('Amphorae: list, show, failover, health');

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
      .command('failover [id]')
      .description(
        "Replace one amphora: the new one is built and carries the VIP before the old one goes. With --stopped, every FAILOVER_STOPPED amphora (the health manager's breaker left them)",
      )
      .option('--stopped', 'fail over every FAILOVER_STOPPED amphora, printing progress'),
    'failover',
    async (session, id, options: { stopped?: boolean; json?: boolean }) => {
      if (options.stopped) {
        if (id) throw new InputError('id', 'Give an amphora id or --stopped, not both.');
        await failoverStopped(session, Boolean(options.json));
        return undefined;
      }
      if (!id)
        throw new InputError('id', 'Name the amphora to fail over, or use --stopped for every FAILOVER_STOPPED one.');
      return session.controller.failoverAmphora(id);
    },
  );
  healthCommand(amphora);

  return amphora;
}
