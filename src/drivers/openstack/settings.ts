import { z } from 'zod';
import { parseEnv, wholeNumberVariable } from '../../env';
import { Secret } from './secret';

/** Where to reach Keystone, who to be, and how patiently to talk to Nova and Neutron. */
export interface OpenStackSettings {
  /** Keystone's base URL, without a trailing `/v3`. */
  authUrl: string;
  username: string;
  password: Secret;
  userDomainName: string;
  /** The project the token is scoped to. */
  project: { id: string } | { name: string; domainName: string };
  /** Picks catalog endpoints of this region; any region when absent. */
  regionName?: string;
  interface: 'public' | 'internal' | 'admin';
  /** Explicit endpoints that replace the catalog's. */
  endpoints: { compute?: string; network?: string };
  /** The management network, whose address on an amphora becomes its `lbNetworkIp`. */
  managementNetworkId?: string;
  /** Defaults for a build request that names no image or flavor (Octavia's `amp_image_id` / `amp_flavor_id`). */
  amphora: { imageId?: string; flavorId?: string };
  timeoutMs: number;
  /** Retries of an idempotent call (GET, PUT, DELETE) after a 5xx, a timeout or a connection error. */
  retries: number;
  breaker: { threshold: number; halfOpenMs: number };
}

const httpUrl = (example: string) =>
  z.url({ protocol: /^https?$/, error: `expected an http(s) URL, for example ${example}` });
const text = (what: string) => z.string({ error: `expected ${what}` }).min(1, `expected ${what}`);
const whole = wholeNumberVariable;

const SettingsEnvSchema = z.object({
  OS_AUTH_URL: httpUrl('https://keystone.example.com:5000/v3').refine((url) => !/\/v2\.0\/?$/.test(url), {
    error: 'Keystone v2.0 is not supported; expected the v3 URL (ending in /v3 or with no version)',
  }),
  OS_USERNAME: text('the name of the service user'),
  OS_PASSWORD: text("the service user's password"),
  OS_PROJECT_NAME: text('a project name').optional(),
  OS_PROJECT_ID: text('a project id').optional(),
  OS_USER_DOMAIN_NAME: text('a domain name').default('Default'),
  OS_PROJECT_DOMAIN_NAME: text('a domain name').default('Default'),
  OS_REGION_NAME: text('a region name').optional(),
  // openrc files of older clouds say publicURL; both spellings mean the same interface.
  OS_INTERFACE: z
    .preprocess(
      (value) => (typeof value === 'string' ? value.replace(/URL$/, '') : value),
      z.enum(['public', 'internal', 'admin'], { error: 'expected one of: public, internal, admin' }),
    )
    .default('public'),
  AMPHORA_NOVA_ENDPOINT: httpUrl('https://nova.example.com:8774/v2.1').optional(),
  AMPHORA_NEUTRON_ENDPOINT: httpUrl('https://neutron.example.com:9696').optional(),
  AMPHORA_MGMT_NETWORK_ID: text('the id of the amphora management network').optional(),
  AMPHORA_AMP_IMAGE_ID: text('an image id').optional(),
  AMPHORA_AMP_FLAVOR_ID: text('a flavor id').optional(),
  AMPHORA_OS_TIMEOUT_MS: whole(1, 'milliseconds above 0').default(30_000),
  AMPHORA_OS_RETRIES: whole(0, 'a whole number of retries >= 0').default(3),
  AMPHORA_BREAKER_THRESHOLD: whole(1, 'a number of consecutive failures above 0').default(5),
  AMPHORA_BREAKER_HALF_OPEN_MS: whole(1, 'milliseconds above 0').default(30_000),
});

/**
 * Reads the OpenStack settings from the environment. Empty variables count as unset.
 *
 * @param env - the environment, `process.env` by default.
 * @returns the settings, with defaults filled in; the password is wrapped so that it never prints.
 * @throws {@link ConfigError} naming every bad variable and what it expects (never echoing the password).
 */
export function parseOpenStackSettings(env: Record<string, string | undefined> = process.env): OpenStackSettings {
  const vars = parseEnv(SettingsEnvSchema, env, {
    title: 'Invalid OpenStack settings',
    secrets: ['OS_PASSWORD'],
    // Checked apart from the schema so that it is reported together with every other problem.
    check: (present) =>
      present.OS_PROJECT_NAME || present.OS_PROJECT_ID
        ? []
        : [
            {
              variable: 'OS_PROJECT_NAME',
              message: 'expected the project to scope the token to (set OS_PROJECT_NAME or OS_PROJECT_ID)',
            },
          ],
  });
  return {
    authUrl: vars.OS_AUTH_URL.replace(/\/+$/, '').replace(/\/v3$/, ''),
    username: vars.OS_USERNAME,
    password: new Secret(vars.OS_PASSWORD),
    userDomainName: vars.OS_USER_DOMAIN_NAME,
    project: vars.OS_PROJECT_ID
      ? { id: vars.OS_PROJECT_ID }
      : { name: vars.OS_PROJECT_NAME ?? '', domainName: vars.OS_PROJECT_DOMAIN_NAME },
    regionName: vars.OS_REGION_NAME,
    interface: vars.OS_INTERFACE,
    endpoints: { compute: vars.AMPHORA_NOVA_ENDPOINT, network: vars.AMPHORA_NEUTRON_ENDPOINT },
    managementNetworkId: vars.AMPHORA_MGMT_NETWORK_ID,
    amphora: { imageId: vars.AMPHORA_AMP_IMAGE_ID, flavorId: vars.AMPHORA_AMP_FLAVOR_ID },
    timeoutMs: vars.AMPHORA_OS_TIMEOUT_MS,
    retries: vars.AMPHORA_OS_RETRIES,
    breaker: { threshold: vars.AMPHORA_BREAKER_THRESHOLD, halfOpenMs: vars.AMPHORA_BREAKER_HALF_OPEN_MS },
  };
}
