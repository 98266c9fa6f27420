import type { NoopCloud } from '../../src/drivers';
import type { JournalEntry, PortRecord, ServerRecord } from '../../src/drivers/noop/records';
import {
  amphoraName,
  serverGroupName,
  vipPortName,
  vipSecurityGroupName,
  vrrpPortName,
  type LoadBalancer,
} from '../../src/models';

/** What a comparison of the noop cloud with the load balancers that should exist found wrong. */
export interface InventoryReport {
  /** Resources no live load balancer accounts for and that were not there before the run. */
  orphans: string[];
  /** Resources a live load balancer should have and does not (or has in the wrong shape). */
  missing: string[];
  /** Resources of a load balancer that failed or was deleted, or of an amphora that was replaced. */
  leftovers: string[];
  /** Resources created more than once under one deterministic name, or deleted twice. */
  duplicates: string[];
}

/** An id that identifies a resource of the noop cloud across its collections. */
const key = (kind: string, id: string) => `${kind}/${id}`;

/**
 * Compares the whole noop cloud with what should exist: the baseline (what was there before), and for each live
 * load balancer its VIP port, VIP security group, server group (ACTIVE_STANDBY) and, per amphora, its instance, its
 * management port and its VIP base port. Load balancers that are gone (`gone`) and amphorae that were replaced
 * (`goneAmphorae`) must have left nothing with their names.
 */
export function compareInventory(
  cloud: NoopCloud,
  baselineKeys: ReadonlySet<string>,
  live: readonly LoadBalancer[],
  gone: { loadBalancerIds: readonly string[]; amphoraIds: readonly string[] },
): InventoryReport {
  const report: InventoryReport = { orphans: [], missing: [], leftovers: [], duplicates: [] };
  const state = cloud.transact((tx) => ({
    servers: tx.list('servers'),
    ports: tx.list('ports'),
    serverGroups: tx.list('serverGroups'),
    securityGroups: tx.list('securityGroups'),
  }));
  const accounted = new Set<string>(baselineKeys);
  const serverById = new Map(state.servers.map((server) => [server.computeId, server]));
  const portById = new Map(state.ports.map((port) => [port.id, port]));
  const named = <T extends { name: string }>(items: T[], name: string) => items.filter((item) => item.name === name);

  for (const lb of live) {
    const vip = lb.vip;
    const vipPort = vip ? portById.get(vip.portId) : undefined;
    if (!vip || !vipPort || vipPort.name !== vipPortName(lb.id)) {
      report.missing.push(`VIP port ${vipPortName(lb.id)} of ${lb.id}`);
    } else {
      accounted.add(key('port', vipPort.id));
    }
    const groups = named(state.securityGroups, vipSecurityGroupName(lb.id));
    if (groups.length !== 1)
      report.missing.push(`one security group ${vipSecurityGroupName(lb.id)} (${groups.length})`);
    groups.forEach((group) => accounted.add(key('securityGroup', group.id)));
    if (lb.topology === 'ACTIVE_STANDBY') {
      const group = lb.serverGroupId ? state.serverGroups.find((found) => found.id === lb.serverGroupId) : undefined;
      if (!group || group.name !== serverGroupName(lb.id)) {
        report.missing.push(`server group ${serverGroupName(lb.id)}`);
      } else {
        accounted.add(key('serverGroup', group.id));
        const members = lb.amphorae.map((amphora) => amphora.computeId).sort();
        if (JSON.stringify([...group.memberIds].sort()) !== JSON.stringify(members)) {
          report.missing.push(`server group ${group.name} holding exactly ${members.join(', ')}`);
        }
      }
    }
    for (const amphora of lb.amphorae) {
      const server: ServerRecord | undefined = amphora.computeId ? serverById.get(amphora.computeId) : undefined;
      if (!server || server.name !== amphoraName(amphora.id)) {
        report.missing.push(`instance ${amphoraName(amphora.id)} of ${lb.id}`);
        continue;
      }
      accounted.add(key('server', server.computeId));
      const attached = state.ports.filter((port) => port.deviceId === server.computeId);
      const management = attached.filter((port) => port.name === '' && port.networkId === server.managementNetworkId);
      if (management.length !== 1) report.missing.push(`one management port of ${server.name} (${management.length})`);
      management.forEach((port) => accounted.add(key('port', port.id)));
      const base: PortRecord | undefined = amphora.vrrpPortId ? portById.get(amphora.vrrpPortId) : undefined;
      if (
        !base ||
        base.name !== vrrpPortName(amphora.id) ||
        base.deviceId !== server.computeId ||
        base.allowedAddressPairs.map((pair) => pair.ipAddress).join() !== vip?.ipAddress
      ) {
        report.missing.push(`VIP base port ${vrrpPortName(amphora.id)} on ${server.name} carrying ${vip?.ipAddress}`);
      } else {
        accounted.add(key('port', base.id));
      }
    }
  }

  const goneNames = new Set([
    ...gone.loadBalancerIds.flatMap((id) => [vipPortName(id), vipSecurityGroupName(id), serverGroupName(id)]),
    ...gone.amphoraIds.flatMap((id) => [amphoraName(id), vrrpPortName(id)]),
  ]);
  const all: [string, { name: string }, string][] = [
    ...state.servers.map((server) => ['server', server, server.computeId] as [string, ServerRecord, string]),
    ...state.ports.map((port) => ['port', port, port.id] as [string, PortRecord, string]),
    ...state.serverGroups.map((group) => ['serverGroup', group, group.id] as [string, { name: string }, string]),
    ...state.securityGroups.map((group) => ['securityGroup', group, group.id] as [string, { name: string }, string]),
  ];
  for (const [kind, record, id] of all) {
    const label = `${kind} ${record.name || '(unnamed)'} ${id}`;
    if (goneNames.has(record.name)) report.leftovers.push(label);
    if (!accounted.has(key(kind, id))) report.orphans.push(label);
  }
  report.duplicates = duplicatesIn(cloud.journalEntries());
  return report;
}

/** Every resource name created more than once, and every resource deleted more than once. */
export function duplicatesIn(entries: readonly JournalEntry[]): string[] {
  const counts = new Map<string, number>();
  const bump = (label: string) => counts.set(label, (counts.get(label) ?? 0) + 1);
  for (const entry of entries) {
    if (entry.effect === 'created' && entry.name) bump(`created twice: ${entry.kind} ${entry.name}`);
    if (entry.effect === 'deleted') bump(`deleted twice: ${entry.kind} ${entry.id}`);
  }
  return [...counts].filter(([, count]) => count > 1).map(([label, count]) => `${label} (${count} times)`);
}

/** The keys of everything in the cloud now, to take as a baseline. */
export function inventoryKeys(cloud: NoopCloud): Set<string> {
  return new Set(cloud.inventory().map((item) => key(item.kind, item.id)));
}

/**
 * For a failed comparison: each load balancer a report line names, with what its operations reported (`trail`) and
 * every journal entry (create, delete) of a resource named after it or one of its amphorae, oldest first. A CI
 * failure then says who made and who removed the resource in question, not only that it is wrong.
 */
export function forensics(
  cloud: NoopCloud,
  report: InventoryReport,
  trail: ReadonlyMap<string, readonly string[]>,
  amphoraIdsOf: (loadBalancerId: string) => readonly string[],
): string {
  const lines = [...report.orphans, ...report.missing, ...report.leftovers];
  const ids = new Set(
    lines.flatMap((line) => line.match(/[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}/g) ?? []),
  );
  const owners = [...trail.keys()].filter(
    (lbId) => ids.has(lbId) || amphoraIdsOf(lbId).some((amphoraId) => ids.has(amphoraId)),
  );
  const journal = cloud.journalEntries();
  const line = (entry: JournalEntry) =>
    `    ${clock(entry.at)} ${entry.effect} ${entry.kind} ${entry.name} ${entry.id}`;
  // Ids no operation reported (an amphora only a lost workflow task knew): their own journal entries.
  const owned = new Set(owners.flatMap((lbId) => [lbId, ...amphoraIdsOf(lbId)]));
  const strays = [...ids].filter((id) => !owned.has(id));
  const strayLines = strays.length
    ? [
        `ids no operation reported (${strays.join(', ')}):`,
        ...journal.filter((entry) => strays.some((id) => entry.name.includes(id) || entry.id === id)).map(line),
      ]
    : [];
  const ownerLines = owners
    .map((lbId) => {
      const names = new Set(
        [vipPortName(lbId), vipSecurityGroupName(lbId), serverGroupName(lbId)].concat(
          amphoraIdsOf(lbId).flatMap((amphoraId) => [amphoraName(amphoraId), vrrpPortName(amphoraId)]),
        ),
      );
      const entries = journal.filter((entry) => names.has(entry.name)).map(line);
      return [
        `load balancer ${lbId}:`,
        ...(trail.get(lbId) ?? []).map((line) => `  ${line}`),
        '  journal:',
        ...entries,
      ].join('\n');
    })
    .concat(strayLines.join('\n'))
    .filter((block) => block.length > 0);
  return ownerLines.join('\n');
}

/** A time of day to the millisecond (UTC), as the trail and the journal print it. */
export const clock = (at: number = Date.now()) => new Date(at).toISOString().slice(11, 23);
