import type { Amphora } from '../../models';
import type { PublicLoadBalancer } from '../load-balancers';
import { printable } from '../printable';

/** Prints rows as aligned columns, the header first, every cell made printable. */
export function table(header: string[], cells: string[][]): string {
  const rows = cells.map((row) => row.map(printable));
  const widths = header.map((title, column) =>
    Math.max(title.length, ...rows.map((row) => (row[column] ?? '').length)),
  );
  const line = (cells: string[]) =>
    cells
      .map((cell, column) => cell.padEnd(widths[column] ?? 0))
      .join('  ')
      .trimEnd();
  return [line(header), ...rows.map(line)].join('\n');
}

export function loadBalancerRows(lbs: PublicLoadBalancer[]): string {
  return table(
    ['ID', 'NAME', 'PROJECT', 'PROVISIONING', 'OPERATING', 'TOPOLOGY', 'VIP'],
    lbs.map((lb) => [
      lb.id,
      lb.name,
      lb.projectId,
      lb.provisioningStatus,
      lb.operatingStatus,
      lb.topology,
      lb.vip?.ipAddress ?? '-',
    ]),
  );
}

export function loadBalancerDetails(lb: PublicLoadBalancer): string {
  const fields: [string, string][] = [
    ['id', lb.id],
    ['name', lb.name],
    ['description', lb.description],
    ['project', lb.projectId],
    ['provisioning_status', lb.provisioningStatus],
    ['operating_status', lb.operatingStatus],
    ['admin_state_up', String(lb.adminStateUp)],
    ['topology', lb.topology],
    ['vip_address', lb.vip?.ipAddress ?? '-'],
    ['vip_subnet_id', lb.vip?.subnetId ?? '-'],
    ['amphorae', lb.amphorae.map((amphora) => `${amphora.id} (${amphora.role ?? '?'})`).join(', ') || '-'],
    ['tags', lb.tags.join(', ') || '-'],
    ['created_at', lb.createdAt],
    ['updated_at', lb.updatedAt ?? '-'],
  ];
  return table(
    ['FIELD', 'VALUE'],
    fields.map(([name, value]) => [name, value]),
  );
}

export function amphoraRows(amphorae: (Amphora & { loadBalancerId?: string })[]): string {
  return table(
    ['ID', 'LOADBALANCER', 'ROLE', 'STATUS', 'LB_NETWORK_IP', 'VRRP_IP', 'COMPUTE_ID'],
    amphorae.map((amphora) => [
      amphora.id,
      amphora.loadBalancerId ?? '-',
      amphora.role ?? '-',
      amphora.status,
      amphora.lbNetworkIp ?? '-',
      amphora.vrrpIp ?? '-',
      amphora.computeId ?? '-',
    ]),
  );
}
