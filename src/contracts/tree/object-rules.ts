import type { HealthMonitor, L7Policy, L7Rule, Listener, Pool, TreeKind, TreeObject } from '../../models';
import type { TreeViolation } from './changes';

/**
 * Rules within one object (Octavia's API validation that looks at several fields of it): checked on a create, and on
 * the object an update makes, so that a PUT cannot reach what a POST would refuse. Field names in violations are
 * Octavia's.
 */
export function objectViolation<K extends TreeKind>(kind: K, object: TreeObject<K>): TreeViolation | undefined {
  const check = OBJECT_RULES[kind];
  return check(object);
}

const invalid = (field: string, message: string): TreeViolation => ({ reason: 'validation', field, message });

const HTTP_LISTENERS = new Set(['HTTP', 'TERMINATED_HTTPS']);

function listenerRules(listener: Listener): TreeViolation | undefined {
  const tls = listener.protocol === 'TERMINATED_HTTPS';
  if (tls && !listener.defaultTlsContainerRef && listener.sniContainerRefs.length === 0) {
    return invalid(
      'default_tls_container_ref',
      'A TERMINATED_HTTPS listener needs a certificate: set default_tls_container_ref (or sni_container_refs).',
    );
  }
  if (!tls && (listener.defaultTlsContainerRef || listener.sniContainerRefs.length > 0)) {
    return invalid('default_tls_container_ref', 'Certificates apply to TERMINATED_HTTPS listeners only.');
  }
  if (!tls && (listener.clientCaTlsContainerRef || listener.clientAuthentication !== 'NONE')) {
    return invalid('client_authentication', 'Client authentication applies to TERMINATED_HTTPS listeners only.');
  }
  if (listener.clientAuthentication !== 'NONE' && !listener.clientCaTlsContainerRef) {
    return invalid(
      'client_ca_tls_container_ref',
      `client_authentication ${listener.clientAuthentication} needs client_ca_tls_container_ref.`,
    );
  }
  if (!tls && listener.hstsMaxAge !== undefined) {
    return invalid('hsts_max_age', 'HSTS applies to TERMINATED_HTTPS listeners only.');
  }
  const headers = Object.keys(listener.insertHeaders);
  if (headers.length > 0 && !HTTP_LISTENERS.has(listener.protocol)) {
    return invalid('insert_headers', `Headers cannot be inserted on a ${listener.protocol} listener; use HTTP.`);
  }
  const ssl = headers.find((header) => header.startsWith('X-SSL-'));
  if (ssl && !tls) return invalid('insert_headers', `${ssl} can be inserted by TERMINATED_HTTPS listeners only.`);
  if (listener.timeoutTcpInspect > 0 && (listener.protocol === 'UDP' || listener.protocol === 'SCTP')) {
    return invalid('timeout_tcp_inspect', `timeout_tcp_inspect does not apply to ${listener.protocol} listeners.`);
  }
  return undefined;
}

function poolRules(pool: Pool): TreeViolation | undefined {
  const persistence = pool.sessionPersistence;
  const datagram = pool.protocol === 'UDP' || pool.protocol === 'SCTP';
  if (persistence?.type === 'APP_COOKIE' && !persistence.cookieName) {
    return invalid('session_persistence.cookie_name', 'APP_COOKIE session persistence needs a cookie_name.');
  }
  if (persistence && persistence.type !== 'APP_COOKIE' && persistence.cookieName) {
    return invalid(
      'session_persistence.cookie_name',
      `cookie_name applies to APP_COOKIE only, not ${persistence.type}.`,
    );
  }
  if (persistence && datagram && persistence.type !== 'SOURCE_IP') {
    return invalid(
      'session_persistence.type',
      `Session persistence of type ${persistence.type} is not supported for ${pool.protocol} protocol pools; use SOURCE_IP.`,
    );
  }
  if (
    persistence &&
    !datagram &&
    (persistence.persistenceTimeout !== undefined || persistence.persistenceGranularity)
  ) {
    return invalid(
      'session_persistence.persistence_timeout',
      'persistence_timeout and persistence_granularity apply to UDP and SCTP pools only.',
    );
  }
  if (pool.tlsEnabled && datagram) return invalid('tls_enabled', `TLS cannot be enabled on a ${pool.protocol} pool.`);
  if (pool.lbAlgorithm === 'SOURCE_IP_PORT' && !datagram && pool.protocol !== 'TCP') {
    return invalid('lb_algorithm', `SOURCE_IP_PORT applies to TCP, UDP and SCTP pools, not ${pool.protocol}.`);
  }
  return undefined;
}

const EXPECTED_CODES = /^\d{3}(-\d{3})?(,\d{3}(-\d{3})?)*$/;

function monitorRules(monitor: HealthMonitor): TreeViolation | undefined {
  if (monitor.timeout > monitor.delay) {
    return invalid('timeout', `timeout (${monitor.timeout}) must be less than or equal to delay (${monitor.delay}).`);
  }
  const http = monitor.type === 'HTTP' || monitor.type === 'HTTPS';
  if (!http) {
    const extra = (['httpMethod', 'urlPath', 'expectedCodes', 'httpVersion', 'domainName'] as const).find(
      (field) => monitor[field] !== undefined,
    );
    if (extra) return invalid(snake(extra), `${snake(extra)} applies to HTTP and HTTPS health monitors only.`);
    return undefined;
  }
  if (monitor.urlPath !== undefined && !monitor.urlPath.startsWith('/')) {
    return invalid('url_path', 'url_path must be a path starting with "/".');
  }
  if (monitor.expectedCodes !== undefined && !EXPECTED_CODES.test(monitor.expectedCodes)) {
    return invalid('expected_codes', 'expected_codes must be a code (200), a list (200,202) or a range (200-204).');
  }
  if (monitor.domainName !== undefined && monitor.httpVersion !== 1.1) {
    return invalid('domain_name', 'domain_name needs http_version 1.1.');
  }
  return undefined;
}

const REDIRECT_CODES = new Set([301, 302, 303, 307, 308]);

function policyRules(policy: L7Policy): TreeViolation | undefined {
  const needs = {
    REDIRECT_TO_POOL: 'redirectPoolId',
    REDIRECT_TO_URL: 'redirectUrl',
    REDIRECT_PREFIX: 'redirectPrefix',
  };
  const required = needs[policy.action as keyof typeof needs] as keyof L7Policy | undefined;
  if (required && policy[required] === undefined) {
    return invalid(snake(required), `An L7 policy with action ${policy.action} needs ${snake(required)}.`);
  }
  const redirect = policy.action === 'REDIRECT_TO_URL' || policy.action === 'REDIRECT_PREFIX';
  if (policy.redirectHttpCode !== undefined && !redirect) {
    return invalid('redirect_http_code', `redirect_http_code applies to redirects, not ${policy.action}.`);
  }
  if (policy.redirectHttpCode !== undefined && !REDIRECT_CODES.has(policy.redirectHttpCode)) {
    return invalid('redirect_http_code', 'redirect_http_code must be one of 301, 302, 303, 307, 308.');
  }
  return undefined;
}

const KEYED = new Set(['HEADER', 'COOKIE', 'SSL_DN_FIELD']);
const DN_FIELDS = new Set([
  'COUNTRY',
  'STATE',
  'LOCALITY',
  'ORGANIZATION',
  'ORGANIZATIONAL_UNIT',
  'COMMON_NAME',
  'EMAIL',
]);

function ruleRules(rule: L7Rule): TreeViolation | undefined {
  if (KEYED.has(rule.type) && !rule.key) return invalid('key', `An L7 rule of type ${rule.type} needs a key.`);
  if (!KEYED.has(rule.type) && rule.key) return invalid('key', `An L7 rule of type ${rule.type} takes no key.`);
  if (rule.type === 'SSL_DN_FIELD' && !DN_FIELDS.has(rule.key ?? '')) {
    return invalid('key', `key must be one of ${[...DN_FIELDS].join(', ')} for SSL_DN_FIELD rules.`);
  }
  if (rule.type === 'FILE_TYPE' && rule.compareType !== 'EQUAL_TO' && rule.compareType !== 'REGEX') {
    return invalid('compare_type', 'FILE_TYPE rules compare with EQUAL_TO or REGEX only.');
  }
  if (rule.type === 'SSL_CONN_HAS_CERT' && (rule.compareType !== 'EQUAL_TO' || rule.value !== 'True')) {
    return invalid('value', "SSL_CONN_HAS_CERT rules take compare_type EQUAL_TO and value 'True'.");
  }
  if (rule.type === 'SSL_VERIFY_RESULT' && (rule.compareType !== 'EQUAL_TO' || !/^\d+$/.test(rule.value))) {
    return invalid('value', 'SSL_VERIFY_RESULT rules take compare_type EQUAL_TO and an integer value.');
  }
  if (rule.compareType === 'REGEX') {
    try {
      new RegExp(rule.value);
    } catch {
      return invalid('value', `"${rule.value}" is not a valid regular expression.`);
    }
  } else if (/\s/.test(rule.value)) {
    return invalid('value', 'value must not contain whitespace (use compare_type REGEX with \\s).');
  }
  return undefined;
}

const OBJECT_RULES: { [K in TreeKind]: (object: TreeObject<K>) => TreeViolation | undefined } = {
  listeners: listenerRules,
  pools: poolRules,
  members: () => undefined,
  healthMonitors: monitorRules,
  l7Policies: policyRules,
  l7Rules: ruleRules,
};

/** Octavia's name of one of our fields. */
export const snake = (field: string): string => field.replace(/[A-Z]/g, (letter) => `_${letter.toLowerCase()}`);
