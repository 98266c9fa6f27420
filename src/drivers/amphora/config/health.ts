import type { HealthMonitor, Member } from '../../../models';
import { addressOf, fail, printableOf, type Owner } from './checks';
import type { ConfigModel, PoolView } from './model';
import { haproxyLogFormatWord, haproxyWord } from './quote';

/** Monitor types haproxy runs; UDP-CONNECT and SCTP are LVS's (keepalived), and give a haproxy pool no check. */
const HAPROXY_MONITORS = new Set(['HTTP', 'HTTPS', 'TCP', 'TLS-HELLO', 'PING']);

/** The pool's monitor when haproxy can run it. */
function haproxyMonitor(view: PoolView): HealthMonitor | undefined {
  return view.monitor && HAPROXY_MONITORS.has(view.monitor.type) ? view.monitor : undefined;
}

/**
 * The status codes a monitor accepts (`200`, `200,202`, `200-204`, the default `200`), ranges spelled out as
 * Octavia does, each once, in the order given.
 *
 * @throws UnrenderableValueError when a part is neither a status code nor a range of them
 */
export function expectedStatuses(owner: Owner, codes = '200'): string[] {
  const statuses: string[] = [];
  for (const part of codes.trim().split(/\s*,\s*/)) {
    const match = /^([1-5]\d\d)(?:-([1-5]\d\d))?$/.exec(part);
    const low = Number(match?.[1]);
    const high = Number(match?.[2] ?? match?.[1]);
    if (!match || high < low)
      fail(owner, 'expectedCodes', codes, 'must be status codes or ranges, such as 200,202-204');
    for (let status = low; status <= high; status++) {
      if (!statuses.includes(String(status))) statuses.push(String(status));
    }
  }
  return statuses;
}

/**
 * A backend's health-check directives: `timeout check`, and per type `option httpchk` with `http-check` rules
 * (HTTP, HTTPS), `option ssl-hello-chk` (TLS-HELLO), or an external check running the amphora's ping wrapper
 * (PING, as Octavia: haproxy has no ICMP check; the global section allows external checks when one is used).
 */
export function monitorLines(model: ConfigModel, view: PoolView): string[] {
  const monitor = haproxyMonitor(view);
  if (!monitor) return [];
  const owner = { type: 'healthmonitor', id: monitor.id };
  const lines = monitor.timeout > 0 ? [`timeout check ${monitor.timeout}s`] : [];
  switch (monitor.type) {
    case 'HTTP':
    case 'HTTPS': {
      const url = printableOf(owner, 'urlPath', monitor.urlPath ?? '/', false);
      if (!url.startsWith('/')) fail(owner, 'urlPath', url, 'must start with "/"');
      const version = monitor.httpVersion === undefined ? '' : ` HTTP/${monitor.httpVersion.toFixed(1)}`;
      lines.push(`option httpchk ${monitor.httpMethod ?? 'GET'} ${haproxyWord(url)}${version}`);
      if (monitor.httpVersion === 1.1 && monitor.domainName !== undefined) {
        if (!/^[A-Za-z0-9._:[\]-]+$/.test(monitor.domainName))
          fail(owner, 'domainName', monitor.domainName, 'must be a host name');
        lines.push(`http-check send hdr Host ${haproxyLogFormatWord(monitor.domainName)}`);
      }
      lines.push(
        `http-check expect rstatus ${haproxyWord(`^(${expectedStatuses(owner, monitor.expectedCodes).join('|')})$`)}`,
      );
      break;
    }
    case 'TLS-HELLO':
      lines.push('option ssl-hello-chk');
      break;
    case 'PING':
      lines.push('option external-check', `external-check command ${model.paths.base}/ping-wrapper.sh`);
      break;
  }
  return lines;
}

/** Whether any pool haproxy serves has an (up) PING monitor: the global section must then allow external checks. */
export function usesExternalCheck(pools: PoolView[]): boolean {
  return pools.some((view) => haproxyMonitor(view)?.type === 'PING');
}

/**
 * A member's `check` options: interval, fall and rise from the monitor's delay and retries, the monitor address and
 * port when set. HTTPS monitors check over TLS: without verifying for a pool that does not re-encrypt, with the
 * pool's TLS settings for one that does; those checks speak HTTP/1.1 when the pool offers ALPN (the server's ALPN
 * could choose h2, which the check does not speak).
 */
export function checkOptions(view: PoolView, member: Member): string[] {
  const monitor = haproxyMonitor(view);
  if (!monitor) return [];
  const owner = { type: 'member', id: member.id };
  const options = ['check'];
  const http = monitor.type === 'HTTP' || monitor.type === 'HTTPS';
  // A re-encrypting pool's servers verify as the pool says; a plain pool's HTTPS check cannot verify anything.
  if (monitor.type === 'HTTPS') options.push(...(view.pool.tlsEnabled ? ['check-ssl'] : ['check-ssl', 'verify none']));
  if (http && view.pool.tlsEnabled && (view.pool.alpnProtocols?.length ?? 0) > 0) options.push('check-alpn http/1.1');
  // haproxy refuses `inter 0`; without it, its default of 2 s applies.
  if (monitor.delay > 0) options.push(`inter ${monitor.delay}s`);
  options.push(`fall ${monitor.maxRetriesDown}`, `rise ${monitor.maxRetries}`);
  if (member.monitorAddress !== undefined)
    options.push(`addr ${addressOf(owner, 'monitorAddress', member.monitorAddress)}`);
  if (member.monitorPort !== undefined) options.push(`port ${member.monitorPort}`);
  return options;
}
