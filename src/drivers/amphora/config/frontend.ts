import { INSERT_HEADERS, type InsertHeader, type Listener } from '../../../models';
import { cidrOf, hostPort } from './checks';
import { connectionLimit, DEFAULT_TIMEOUTS, type ProxyMode } from './global';
import { l7Lines } from './l7';
import type { ConfigModel, ListenerView, PoolView } from './model';
import { haproxyLogFormatWord } from './quote';
import { bindTlsOptions, hstsValue } from './tls';

/** What each insert header sets, by Octavia's names; the X-SSL ones only on TERMINATED_HTTPS listeners. */
const HEADER_RULES: Record<InsertHeader, (https: boolean) => string> = {
  'X-Forwarded-For': () => 'option forwardfor',
  'X-Forwarded-Port': () => 'http-request set-header X-Forwarded-Port %[dst_port]',
  'X-Forwarded-Proto': (https) => `http-request set-header X-Forwarded-Proto ${https ? 'https' : 'http'}`,
  'X-SSL-Client-Verify': () => 'http-request set-header X-SSL-Client-Verify %[ssl_c_verify]',
  'X-SSL-Client-Has-Cert': () => 'http-request set-header X-SSL-Client-Has-Cert %[ssl_c_used]',
  'X-SSL-Client-DN': () => 'http-request set-header X-SSL-Client-DN %{+Q}[ssl_c_s_dn]',
  'X-SSL-Client-CN': () => 'http-request set-header X-SSL-Client-CN %{+Q}[ssl_c_s_dn(cn)]',
  'X-SSL-Issuer': () => 'http-request set-header X-SSL-Issuer %{+Q}[ssl_c_i_dn]',
  'X-SSL-Client-SHA1': () => 'http-request set-header X-SSL-Client-SHA1 %{+Q}[ssl_c_sha1,hex]',
  'X-SSL-Client-Not-Before': () => 'http-request set-header X-SSL-Client-Not-Before %{+Q}[ssl_c_notbefore]',
  'X-SSL-Client-Not-After': () => 'http-request set-header X-SSL-Client-Not-After %{+Q}[ssl_c_notafter]',
};

/**
 * The headers the listener asks for, in Octavia's order. They are set in the frontend, after the L7 policies, so
 * every backend gets them and the policies see the client's own headers (Octavia sets them in each backend).
 */
function insertHeaderLines(listener: Listener): string[] {
  const https = listener.protocol === 'TERMINATED_HTTPS';
  return INSERT_HEADERS.filter((h) => listener.insertHeaders[h] === 'true' && (https || !h.startsWith('X-SSL-'))).map(
    (h) => HEADER_RULES[h](https),
  );
}

/**
 * The directives of a listener's frontend, without its header line: connection limit, `bind` on the VIP (with the
 * TLS options of TERMINATED_HTTPS), mode, the allowed source CIDRs, the L7 policies and inserted headers (HTTP
 * modes only: a TCP listener cannot read requests), HSTS, the default backend and the client timeouts.
 *
 * @param backendName - this listener's backend name for a pool
 * @throws UnrenderableValueError for a CIDR, certificate setting or policy value that cannot be rendered
 */
export function frontendLines(
  model: ConfigModel,
  view: ListenerView,
  mode: ProxyMode,
  backendName: (pool: PoolView) => string,
): string[] {
  const { listener, defaultPool } = view;
  const owner = { type: 'listener', id: listener.id };
  const vip = hostPort(
    { type: 'loadbalancer', id: model.loadBalancer.id },
    'vip.ipAddress',
    model.loadBalancer.vip.ipAddress,
    listener.protocolPort,
  );
  const tls = listener.protocol === 'TERMINATED_HTTPS' ? bindTlsOptions(model, listener) : [];
  const cidrs = listener.allowedCidrs.map((cidr) => cidrOf(owner, 'allowedCidrs', cidr));
  const hsts = listener.protocol === 'TERMINATED_HTTPS' ? hstsValue(listener) : undefined;
  return [
    `maxconn ${connectionLimit(listener)}`,
    [`bind ${vip}`, ...tls].join(' '),
    `mode ${mode}`,
    // At the connection, before any byte is read: the cheapest place to turn a client away.
    ...(cidrs.length > 0 ? [`tcp-request connection reject unless { src ${cidrs.join(' ')} }`] : []),
    ...(mode === 'http' ? l7Lines(view, backendName) : []),
    ...(mode === 'http' ? insertHeaderLines(listener) : []),
    ...(hsts ? [`http-response set-header Strict-Transport-Security ${haproxyLogFormatWord(hsts)}`] : []),
    ...(defaultPool ? [`default_backend ${backendName(defaultPool)}`] : []),
    `timeout client ${listener.timeoutClientData || DEFAULT_TIMEOUTS.clientData}`,
    ...(listener.timeoutTcpInspect > 0 ? [`tcp-request inspect-delay ${listener.timeoutTcpInspect}`] : []),
  ];
}
