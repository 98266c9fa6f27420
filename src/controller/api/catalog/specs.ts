import { randomUUID } from 'node:crypto';
import { z } from 'zod';
import type { CatalogKind, CatalogState } from '../../../contracts';
import { Text, UuidSchema } from '../schemas';

/** Provider names this API serves: the amphora driver, under both of Octavia's names for it. */
export const PROVIDERS = ['amphora', 'octavia'] as const;

/** What an amphora flavor profile's `flavor_data` may set (Octavia's amphora provider capabilities). */
export const FLAVOR_CAPABILITIES = {
  loadbalancer_topology:
    'The load balancer topology. One of: SINGLE - One amphora per load balancer. ACTIVE_STANDBY - Two amphora per load balancer.',
  compute_flavor: 'The compute driver flavor ID.',
  amp_image_tag: 'The amphora image tag.',
} as const;

/** What an amphora availability zone profile's `availability_zone_data` may set. */
export const ZONE_CAPABILITIES = {
  compute_zone: 'The compute availability zone.',
  management_network: 'The management network ID for the amphora.',
  valid_vip_networks:
    'List of network IDs that are allowed for VIP use. This overrides/replaces the list of allowed networks configured in `octavia.conf`.',
} as const;

const provider = z.enum(PROVIDERS, { error: "Value should be 'amphora'" });

/** A JSON object in a string, with only the keys a capability list names, checked value by value. */
const jsonData = (capabilities: Record<string, string>, check: (key: string, value: unknown) => string | undefined) =>
  z.string({ error: 'Value should be a JSON object in a string' }).superRefine((text, ctx) => {
    let data: unknown;
    try {
      data = JSON.parse(text);
    } catch {
      ctx.addIssue({ code: 'custom', message: 'Value should be a JSON object in a string' });
      return;
    }
    if (!data || typeof data !== 'object' || Array.isArray(data)) {
      ctx.addIssue({ code: 'custom', message: 'Value should be a JSON object in a string' });
      return;
    }
    for (const [key, value] of Object.entries(data)) {
      const problem =
        key in capabilities
          ? check(key, value)
          : `unsupported key ${key}; supported: ${Object.keys(capabilities).join(', ')}`;
      if (problem) ctx.addIssue({ code: 'custom', message: problem });
    }
  });

const flavorData = jsonData(FLAVOR_CAPABILITIES, (key, value) =>
  key === 'loadbalancer_topology' && value !== 'SINGLE' && value !== 'ACTIVE_STANDBY'
    ? 'loadbalancer_topology should be SINGLE or ACTIVE_STANDBY'
    : typeof value !== 'string'
      ? `${key} should be a string`
      : undefined,
);
const zoneData = jsonData(ZONE_CAPABILITIES, (key, value) =>
  key === 'valid_vip_networks'
    ? Array.isArray(value) && value.every((item) => typeof item === 'string')
      ? undefined
      : 'valid_vip_networks should be a list of network ids'
    : typeof value !== 'string'
      ? `${key} should be a string`
      : undefined,
);
const enabled = z.boolean({ error: 'Value should be a boolean' });
const zoneName = z
  .string()
  .min(1)
  .max(255)
  .regex(/^[^\s,:]+$/, 'Value should be a name without blanks, commas or ":"');

const wrapped = <S extends z.ZodRawShape>(key: string, shape: S) =>
  z.object({ [key]: z.object(shape, { error: 'Value should be an object' }).strict() }).strict();

/** How the API handles one kind of catalog entry. */
export interface CatalogSpec {
  kind: CatalogKind;
  single: string;
  plural: string;
  /** Who may read: everyone who may read load balancers, or operators only. */
  read: 'reader' | 'admin';
  createBody: z.ZodType;
  updateBody: z.ZodType;
  entry(body: Record<string, unknown>): CatalogState[CatalogKind][number];
  changes(body: Record<string, unknown>): Record<string, unknown>;
  view(entry: CatalogState[CatalogKind][number]): Record<string, unknown>;
}

const defined = (fields: Record<string, unknown>) =>
  Object.fromEntries(Object.entries(fields).filter(([, value]) => value !== undefined && value !== null));

export const FLAVOR_PROFILES: CatalogSpec = {
  kind: 'flavorProfiles',
  single: 'flavorprofile',
  plural: 'flavorprofiles',
  read: 'admin',
  createBody: wrapped('flavorprofile', { name: Text, provider_name: provider, flavor_data: flavorData }),
  updateBody: wrapped('flavorprofile', {
    name: Text.nullish(),
    provider_name: provider.nullish(),
    flavor_data: flavorData.nullish(),
  }),
  entry: (body) => ({
    id: randomUUID(),
    name: String(body.name),
    providerName: String(body.provider_name),
    flavorData: String(body.flavor_data),
  }),
  changes: (body) => defined({ name: body.name, providerName: body.provider_name, flavorData: body.flavor_data }),
  view: (entry) => {
    const profile = entry as CatalogState['flavorProfiles'][number];
    return { id: profile.id, name: profile.name, provider_name: profile.providerName, flavor_data: profile.flavorData };
  },
};

export const FLAVORS: CatalogSpec = {
  kind: 'flavors',
  single: 'flavor',
  plural: 'flavors',
  read: 'reader',
  createBody: wrapped('flavor', {
    name: Text,
    description: Text.nullish(),
    flavor_profile_id: UuidSchema,
    enabled: enabled.nullish(),
  }),
  updateBody: wrapped('flavor', { name: Text.nullish(), description: Text.nullish(), enabled: enabled.nullish() }),
  entry: (body) => ({
    id: randomUUID(),
    name: String(body.name),
    description: typeof body.description === 'string' ? body.description : '',
    flavorProfileId: String(body.flavor_profile_id),
    enabled: body.enabled !== false,
  }),
  changes: (body) => defined({ name: body.name, description: body.description, enabled: body.enabled }),
  view: (entry) => {
    const flavor = entry as CatalogState['flavors'][number];
    return {
      id: flavor.id,
      name: flavor.name,
      description: flavor.description,
      enabled: flavor.enabled,
      flavor_profile_id: flavor.flavorProfileId,
    };
  },
};

export const ZONE_PROFILES: CatalogSpec = {
  kind: 'availabilityZoneProfiles',
  single: 'availability_zone_profile',
  plural: 'availability_zone_profiles',
  read: 'admin',
  createBody: wrapped('availability_zone_profile', {
    name: Text,
    provider_name: provider,
    availability_zone_data: zoneData,
  }),
  updateBody: wrapped('availability_zone_profile', {
    name: Text.nullish(),
    provider_name: provider.nullish(),
    availability_zone_data: zoneData.nullish(),
  }),
  entry: (body) => ({
    id: randomUUID(),
    name: String(body.name),
    providerName: String(body.provider_name),
    availabilityZoneData: String(body.availability_zone_data),
  }),
  changes: (body) =>
    defined({ name: body.name, providerName: body.provider_name, availabilityZoneData: body.availability_zone_data }),
  view: (entry) => {
    const profile = entry as CatalogState['availabilityZoneProfiles'][number];
    return {
      id: profile.id,
      name: profile.name,
      provider_name: profile.providerName,
      availability_zone_data: profile.availabilityZoneData,
    };
  },
};

export const ZONES: CatalogSpec = {
  kind: 'availabilityZones',
  single: 'availability_zone',
  plural: 'availability_zones',
  read: 'reader',
  createBody: wrapped('availability_zone', {
    name: zoneName,
    description: Text.nullish(),
    availability_zone_profile_id: UuidSchema,
    enabled: enabled.nullish(),
  }),
  updateBody: wrapped('availability_zone', { description: Text.nullish(), enabled: enabled.nullish() }),
  entry: (body) => ({
    name: String(body.name),
    description: typeof body.description === 'string' ? body.description : '',
    availabilityZoneProfileId: String(body.availability_zone_profile_id),
    enabled: body.enabled !== false,
  }),
  changes: (body) => defined({ description: body.description, enabled: body.enabled }),
  view: (entry) => {
    const zone = entry as CatalogState['availabilityZones'][number];
    return {
      name: zone.name,
      description: zone.description,
      enabled: zone.enabled,
      availability_zone_profile_id: zone.availabilityZoneProfileId,
    };
  },
};
