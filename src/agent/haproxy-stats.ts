/** haproxy's `show stat` CSV, read for the counters Octavia reports per listener. */
import type { AgentListenerStats } from './api';

/**
 * The FRONTEND rows of `show stat`: one per listener, as the renderer names each frontend after its listener's id.
 * Octavia's mapping: `scur` active connections, `stot` total connections, `bin`/`bout` bytes, `ereq` request errors.
 */
export function parseFrontendStats(csv: string): AgentListenerStats[] {
  const [header, ...rows] = csv.split('\n').filter((line) => line.trim() !== '');
  if (!header?.startsWith('# ')) return [];
  const columns = header.slice(2).split(',');
  const index = (name: string) => columns.indexOf(name);
  const number = (fields: string[], name: string) => Number(fields[index(name)] || 0);
  return rows
    .map((row) => row.split(','))
    .filter((fields) => fields[index('svname')] === 'FRONTEND')
    .map((fields) => ({
      listener_id: fields[index('pxname')] ?? '',
      active_connections: number(fields, 'scur'),
      bytes_in: number(fields, 'bin'),
      bytes_out: number(fields, 'bout'),
      request_errors: number(fields, 'ereq'),
      total_connections: number(fields, 'stot'),
    }));
}
