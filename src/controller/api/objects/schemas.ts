import { z } from 'zod';
import {
  HealthMonitorTypeSchema,
  HttpMethodSchema,
  INSERT_HEADERS,
  L7CompareTypeSchema,
  L7PolicyActionSchema,
  L7RuleTypeSchema,
  LbAlgorithmSchema,
  ListenerProtocolSchema,
  PoolProtocolSchema,
  SessionPersistenceTypeSchema,
  ClientAuthenticationSchema,
  NO_CONTROL_CHARACTERS,
} from '../../../models';
import { Tags, Text, UuidSchema } from '../schemas';

/**
 * The bodies of the listener, pool, member, health monitor and L7 routes, in Octavia's field names, with Octavia's
 * limits. Unknown attributes are refused, as Octavia does. Rules between fields and between objects are checked
 * afterwards, on the object (contracts/tree).
 */

const oneOf = <T extends readonly [string, ...string[]]>(values: T) =>
  z.enum(values, { error: `Value should be one of: ${values.join(', ')}` });
/** Octavia accepts an integer as a JSON number or as a string of digits (python-octaviaclient sends some as strings). */
const integer = (min: number, max: number) =>
  z.preprocess(
    (value) => (typeof value === 'string' && /^-?\d{1,10}$/.test(value) ? Number(value) : value),
    z
      .number({ error: 'Value should be an integer' })
      .int('Value should be an integer')
      .min(min, `Value should be at least ${min}`)
      .max(max, `Value should be at most ${max}`),
  );
const bool = z.boolean({ error: 'Value should be a boolean' });
const port = integer(1, 65535);
const ip = z.union([z.ipv4(), z.ipv6()], { error: 'Value should be an IPv4 or IPv6 address' });
const ref = z.string({ error: 'Value should be a string' }).min(1).max(255);
const cidr = z.union([z.cidrv4(), z.cidrv6()], { error: 'Value should be a CIDR such as 192.0.2.0/24' });
const timeout = integer(0, 86_400_000);
const common = { name: Text.nullish(), admin_state_up: bool.nullish(), tags: Tags.nullish() };
const described = { ...common, description: Text.nullish() };

const wrapped = <K extends string, S extends z.ZodRawShape>(key: K, shape: S) =>
  z
    .object(
      { [key]: z.object(shape, { error: 'Value should be an object' }).strict() } as { [P in K]: z.ZodObject<S> },
      {
        error: `Request body should be a JSON object with a "${key}" object`,
      },
    )
    .strict();

const listenerEditable = {
  ...described,
  connection_limit: integer(-1, 1_000_000).nullish(),
  default_pool_id: UuidSchema.nullish(),
  default_tls_container_ref: ref.nullish(),
  sni_container_refs: z.array(ref).max(50).nullish(),
  client_ca_tls_container_ref: ref.nullish(),
  client_authentication: ClientAuthenticationSchema.nullish(),
  client_crl_container_ref: ref.nullish(),
  insert_headers: z
    .partialRecord(oneOf(INSERT_HEADERS), oneOf(['true', 'false', 'True', 'False']), {
      error: `Value should map header names (${INSERT_HEADERS.join(', ')}) to "true" or "false"`,
    })
    .nullish(),
  timeout_client_data: timeout.nullish(),
  timeout_member_connect: timeout.nullish(),
  timeout_member_data: timeout.nullish(),
  timeout_tcp_inspect: timeout.nullish(),
  allowed_cidrs: z.array(cidr).max(100).nullish(),
  tls_ciphers: Text.nullish(),
  tls_versions: z.array(oneOf(['SSLv3', 'TLSv1', 'TLSv1.1', 'TLSv1.2', 'TLSv1.3'])).nullish(),
  alpn_protocols: z.array(oneOf(['http/1.0', 'http/1.1', 'h2'])).nullish(),
  hsts_max_age: integer(0, 2_147_483_647).nullish(),
  hsts_include_subdomains: bool.nullish(),
  hsts_preload: bool.nullish(),
};
export const CreateListenerBody = wrapped('listener', {
  ...listenerEditable,
  loadbalancer_id: UuidSchema,
  protocol: ListenerProtocolSchema,
  protocol_port: port,
  project_id: Text.nullish(),
  tenant_id: Text.nullish(),
});
export const UpdateListenerBody = wrapped('listener', listenerEditable);

const persistence = z
  .object(
    {
      type: SessionPersistenceTypeSchema,
      cookie_name: z
        .string()
        .max(255)
        .regex(/^[\x21-\x7e]+$/, 'Value should be a cookie name without blanks')
        .nullish(),
      persistence_timeout: integer(0, 2_147_483_647).nullish(),
      persistence_granularity: z.ipv4({ error: 'Value should be a netmask such as 255.255.255.0' }).nullish(),
    },
    { error: 'Value should be an object with a type' },
  )
  .strict();
const poolEditable = {
  ...described,
  lb_algorithm: LbAlgorithmSchema.nullish(),
  session_persistence: persistence.nullish(),
  tls_enabled: bool.nullish(),
  tls_container_ref: ref.nullish(),
  ca_tls_container_ref: ref.nullish(),
  crl_container_ref: ref.nullish(),
  tls_ciphers: Text.nullish(),
  tls_versions: z.array(oneOf(['SSLv3', 'TLSv1', 'TLSv1.1', 'TLSv1.2', 'TLSv1.3'])).nullish(),
  alpn_protocols: z.array(oneOf(['http/1.0', 'http/1.1', 'h2'])).nullish(),
};
export const CreatePoolBody = wrapped('pool', {
  ...poolEditable,
  lb_algorithm: LbAlgorithmSchema,
  protocol: PoolProtocolSchema,
  listener_id: UuidSchema.nullish(),
  loadbalancer_id: UuidSchema.nullish(),
  project_id: Text.nullish(),
  tenant_id: Text.nullish(),
});
export const UpdatePoolBody = wrapped('pool', poolEditable);

const memberEditable = {
  ...common,
  weight: integer(0, 256).nullish(),
  backup: bool.nullish(),
  monitor_address: ip.nullish(),
  monitor_port: port.nullish(),
};
const memberCreate = {
  ...memberEditable,
  address: ip,
  protocol_port: port,
  subnet_id: z.string().min(1).max(255).nullish(),
  project_id: Text.nullish(),
  tenant_id: Text.nullish(),
};
export const CreateMemberBody = wrapped('member', memberCreate);
export const UpdateMemberBody = wrapped('member', memberEditable);
export const BatchMembersBody = z
  .object({
    members: z.array(z.object(memberCreate).strict(), { error: 'Value should be a list of members' }).max(1000),
  })
  .strict();

const monitorEditable = {
  ...common,
  delay: integer(0, 2_147_483_647).nullish(),
  timeout: integer(0, 2_147_483_647).nullish(),
  max_retries: integer(1, 10).nullish(),
  max_retries_down: integer(1, 10).nullish(),
  http_method: HttpMethodSchema.nullish(),
  url_path: z
    .string()
    .max(2048)
    .regex(/^\/[\x21-\x7e]*$/, 'Value should be a URL path starting with / and without blanks')
    .nullish(),
  expected_codes: z.string().max(64).nullish(),
  http_version: z.union([z.literal(1.0), z.literal(1.1)], { error: 'Value should be 1.0 or 1.1' }).nullish(),
  domain_name: z
    .string()
    .max(255)
    .regex(/^[A-Za-z0-9.-]+$/, 'Value should be a domain name')
    .nullish(),
};
export const CreateHealthMonitorBody = wrapped('healthmonitor', {
  ...monitorEditable,
  pool_id: UuidSchema,
  type: HealthMonitorTypeSchema,
  delay: integer(0, 2_147_483_647),
  timeout: integer(0, 2_147_483_647),
  max_retries: integer(1, 10),
  project_id: Text.nullish(),
  tenant_id: Text.nullish(),
});
export const UpdateHealthMonitorBody = wrapped('healthmonitor', monitorEditable);

const url = z.url({ error: 'Value should be a URL such as https://example.com/' }).max(255);
const policyEditable = {
  ...described,
  action: L7PolicyActionSchema.nullish(),
  position: integer(1, 2_147_483_647).nullish(),
  redirect_pool_id: UuidSchema.nullish(),
  redirect_url: url.nullish(),
  redirect_prefix: url.nullish(),
  redirect_http_code: integer(300, 399).nullish(),
};
export const CreateL7PolicyBody = wrapped('l7policy', {
  ...policyEditable,
  listener_id: UuidSchema,
  action: L7PolicyActionSchema,
  project_id: Text.nullish(),
  tenant_id: Text.nullish(),
});
export const UpdateL7PolicyBody = wrapped('l7policy', policyEditable);

const ruleValue = z
  .string({ error: 'Value should be a string' })
  .min(1, 'Value should not be empty')
  .max(255)
  .regex(NO_CONTROL_CHARACTERS, 'Value should not contain control characters')
  .refine((value) => !value.includes('"'), 'Value should not contain double quotes');
const ruleEditable = {
  admin_state_up: bool.nullish(),
  tags: Tags.nullish(),
  type: L7RuleTypeSchema.nullish(),
  compare_type: L7CompareTypeSchema.nullish(),
  key: z
    .string()
    .max(255)
    .regex(/^[\x21-\x7e]+$/, 'Value should be a name without blanks')
    .nullish(),
  value: ruleValue.nullish(),
  invert: bool.nullish(),
};
export const CreateL7RuleBody = wrapped('rule', {
  ...ruleEditable,
  type: L7RuleTypeSchema,
  compare_type: L7CompareTypeSchema,
  value: ruleValue,
  project_id: Text.nullish(),
  tenant_id: Text.nullish(),
});
export const UpdateL7RuleBody = wrapped('rule', ruleEditable);
