import { randomUUID } from 'node:crypto';
import { Command, Option } from 'commander';
import { loadBalancerDetails, loadBalancerRows } from './format';
import { operationCommand, settle } from './operation-command';
import { emit, withSession } from './session';

const collect = (value: string, previous: string[]) => [...previous, value];

/** `amphora lb ...`: create, list, show, delete and fail over load balancers. */
export function loadBalancerCommands(): Command {
  const lb = new Command('lb').description('Load balancers: create, list, show, delete, failover');

  lb.command('create')
    .description('Create a load balancer; returns at once (PENDING_CREATE) unless --wait')
    .option('--name <name>', 'name', '')
    .option('--description <text>', 'description', '')
    .option('--vip-subnet-id <id>', 'subnet for the VIP')
    .option('--vip-network-id <id>', 'network for the VIP (its first subnet)')
    .option('--vip-port-id <id>', 'an existing port to use as the VIP (never deleted)')
    .option('--vip-address <ip>', 'the VIP address to ask for')
    .addOption(
      new Option('--topology <topology>', 'amphorae: one, or an active/standby pair').choices([
        'SINGLE',
        'ACTIVE_STANDBY',
      ]),
    )
    .option('--project <id>', 'owning project', 'admin')
    .option('--tag <tag>', 'a tag (repeatable)', collect, [] as string[])
    .option('--wait', 'follow the create step by step until it ends')
    .option('--json', 'print JSON')
    .action(async (options: Record<string, string | string[] | boolean | undefined>) => {
      await withSession(async (session) => {
        const { controller, config } = session;
        const settings = config.controller;
        const text = (name: string) => (typeof options[name] === 'string' ? options[name] : undefined);
        const created = await controller.create({
          loadBalancerId: randomUUID(),
          projectId: text('project') ?? 'admin',
          name: text('name') ?? '',
          description: text('description') ?? '',
          topology: (text('topology') as 'SINGLE' | 'ACTIVE_STANDBY' | undefined) ?? settings.defaultTopology,
          vip: {
            ...(text('vipSubnetId') ? { subnetId: text('vipSubnetId') } : {}),
            ...(text('vipNetworkId') ? { networkId: text('vipNetworkId') } : {}),
            ...(text('vipPortId') ? { portId: text('vipPortId') } : {}),
            ...(text('vipAddress') ? { ipAddress: text('vipAddress') } : {}),
          },
          amphora: settings.amphoraTemplate,
          tags: options.tag as string[],
          antiAffinityPolicy: settings.antiAffinityPolicy,
          timing: settings.timing,
        });
        if (options.wait) return settle(session, created.id, Boolean(options.json));
        emit(session, Boolean(options.json), created, () => loadBalancerDetails(created));
      });
    });

  lb.command('list')
    .description('List live load balancers')
    .option('--project <id>', 'only this project')
    .option('--name <name>', 'only this name')
    .option('--status <status>', 'only this provisioning status')
    .option('--json', 'print JSON')
    .action(async (options: { project?: string; name?: string; status?: string; json?: boolean }) => {
      await withSession(async (session) => {
        const found = await session.controller.list({
          projectId: options.project,
          name: options.name,
          provisioningStatus: options.status,
        });
        emit(session, Boolean(options.json), found, () => loadBalancerRows(found));
      });
    });

  lb.command('show <id>')
    .description('Show a load balancer, with its current and last operation')
    .option('--json', 'print JSON')
    .action(async (id: string, options: { json?: boolean }) => {
      await withSession(async (session) => {
        const view = await session.controller.show(id);
        const unknown = view.answered
          ? ''
          : '\nno worker answered: the current and last operation are unknown; the record is as last published';
        const last = view.last
          ? `\nlast operation: ${view.last.kind} ${view.last.outcome ?? ''}${view.last.error ? `: ${view.last.error}` : ''}`
          : '';
        const current = view.current ? `\nrunning: ${view.current.kind} (${view.current.workflowId})` : '';
        emit(
          session,
          Boolean(options.json),
          view,
          () => `${loadBalancerDetails(view.record)}${current}${last}${unknown}`,
        );
      });
    });

  operationCommand<{ cascade?: boolean }>(
    lb
      .command('delete <id>')
      .description('Delete a load balancer and everything it holds')
      .option('--cascade', 'accepted for compatibility (a load balancer here has no listeners of its own)'),
    'delete',
    (session, id, options) => session.controller.delete(id, Boolean(options.cascade)),
  );

  operationCommand(
    lb.command('failover <id>').description('Replace every amphora of a load balancer, one at a time'),
    'failover',
    (session, id) => session.controller.failover(id),
  );

  return lb;
}
