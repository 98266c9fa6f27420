import type { HealthMonitor, L7Policy, L7Rule, Listener, LoadBalancerTree, Member, Pool } from '../../../models';
import { poolListeners } from '../../../contracts';

/** Octavia's timestamps: second precision, no zone suffix. */
export const octaviaTime = (iso: string | undefined) => (iso ? iso.replace(/\.\d+Z?$|Z$/, '') : null);

const ids = (values: string[]) => values.map((id) => ({ id }));

const base = (object: {
  id: string;
  projectId: string;
  provisioningStatus: string;
  operatingStatus: string;
  adminStateUp: boolean;
  tags: string[];
  createdAt: string;
  updatedAt?: string;
}) => ({
  id: object.id,
  project_id: object.projectId,
  tenant_id: object.projectId,
  provisioning_status: object.provisioningStatus,
  operating_status: object.operatingStatus,
  admin_state_up: object.adminStateUp,
  tags: object.tags,
  created_at: octaviaTime(object.createdAt),
  updated_at: octaviaTime(object.updatedAt),
});

/** A listener in Octavia v2's field names. */
export function listenerView(listener: Listener, tree: LoadBalancerTree) {
  return {
    ...base(listener),
    name: listener.name,
    description: listener.description,
    protocol: listener.protocol,
    protocol_port: listener.protocolPort,
    connection_limit: listener.connectionLimit,
    default_tls_container_ref: listener.defaultTlsContainerRef ?? null,
    sni_container_refs: listener.sniContainerRefs,
    default_pool_id: listener.defaultPoolId ?? null,
    l7policies: ids(tree.l7Policies.filter((p) => p.listenerId === listener.id).map((p) => p.id)),
    insert_headers: listener.insertHeaders,
    loadbalancers: ids([listener.loadBalancerId]),
    timeout_client_data: listener.timeoutClientData,
    timeout_member_connect: listener.timeoutMemberConnect,
    timeout_member_data: listener.timeoutMemberData,
    timeout_tcp_inspect: listener.timeoutTcpInspect,
    client_ca_tls_container_ref: listener.clientCaTlsContainerRef ?? null,
    client_authentication: listener.clientAuthentication,
    client_crl_container_ref: listener.clientCrlContainerRef ?? null,
    allowed_cidrs: listener.allowedCidrs.length > 0 ? listener.allowedCidrs : null,
    tls_ciphers: listener.tlsCiphers ?? null,
    tls_versions: listener.tlsVersions ?? null,
    alpn_protocols: listener.alpnProtocols ?? null,
    hsts_max_age: listener.hstsMaxAge ?? null,
    hsts_include_subdomains: listener.hstsIncludeSubdomains,
    hsts_preload: listener.hstsPreload,
  };
}

/** A pool in Octavia v2's field names. */
export function poolView(pool: Pool, tree: LoadBalancerTree) {
  const persistence = pool.sessionPersistence;
  return {
    ...base(pool),
    name: pool.name,
    description: pool.description,
    protocol: pool.protocol,
    lb_algorithm: pool.lbAlgorithm,
    session_persistence: persistence
      ? {
          type: persistence.type,
          cookie_name: persistence.cookieName ?? null,
          persistence_timeout: persistence.persistenceTimeout ?? null,
          persistence_granularity: persistence.persistenceGranularity ?? null,
        }
      : null,
    loadbalancers: ids([pool.loadBalancerId]),
    listeners: ids(poolListeners(tree, pool.id)),
    members: ids(tree.members.filter((m) => m.poolId === pool.id).map((m) => m.id)),
    healthmonitor_id: tree.healthMonitors.find((h) => h.poolId === pool.id)?.id ?? null,
    tls_enabled: pool.tlsEnabled,
    tls_container_ref: pool.tlsContainerRef ?? null,
    ca_tls_container_ref: pool.caTlsContainerRef ?? null,
    crl_container_ref: pool.crlContainerRef ?? null,
    tls_ciphers: pool.tlsCiphers ?? null,
    tls_versions: pool.tlsVersions ?? null,
    alpn_protocols: pool.alpnProtocols ?? null,
  };
}

/** A member in Octavia v2's field names. */
export function memberView(member: Member) {
  return {
    ...base(member),
    name: member.name,
    address: member.address,
    protocol_port: member.protocolPort,
    weight: member.weight,
    backup: member.backup,
    subnet_id: member.subnetId ?? null,
    monitor_address: member.monitorAddress ?? null,
    monitor_port: member.monitorPort ?? null,
    vnic_type: 'normal',
  };
}

/** A health monitor in Octavia v2's field names. */
export function healthMonitorView(monitor: HealthMonitor) {
  return {
    ...base(monitor),
    name: monitor.name,
    type: monitor.type,
    delay: monitor.delay,
    timeout: monitor.timeout,
    max_retries: monitor.maxRetries,
    max_retries_down: monitor.maxRetriesDown,
    http_method: monitor.httpMethod ?? null,
    url_path: monitor.urlPath ?? null,
    expected_codes: monitor.expectedCodes ?? null,
    http_version: monitor.httpVersion ?? null,
    domain_name: monitor.domainName ?? null,
    pools: ids([monitor.poolId]),
  };
}

/** An L7 policy in Octavia v2's field names. */
export function l7PolicyView(policy: L7Policy, tree: LoadBalancerTree) {
  return {
    ...base(policy),
    name: policy.name,
    description: policy.description,
    action: policy.action,
    listener_id: policy.listenerId,
    position: policy.position,
    redirect_pool_id: policy.redirectPoolId ?? null,
    redirect_url: policy.redirectUrl ?? null,
    redirect_prefix: policy.redirectPrefix ?? null,
    redirect_http_code: policy.redirectHttpCode ?? null,
    rules: ids(tree.l7Rules.filter((r) => r.l7PolicyId === policy.id).map((r) => r.id)),
  };
}

/** An L7 rule in Octavia v2's field names. */
export function l7RuleView(rule: L7Rule) {
  return {
    ...base(rule),
    type: rule.type,
    compare_type: rule.compareType,
    key: rule.key ?? null,
    value: rule.value,
    invert: rule.invert,
  };
}
