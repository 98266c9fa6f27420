/**
 * What operators define for every project: flavors (with their profiles), availability zones (with theirs) and
 * quotas. The catalog's entity workflow holds them; these are its plain shapes (the API validates what comes in).
 */

/** A provider's settings behind flavors: `flavorData` is the JSON Octavia stores, such as `{"loadbalancer_topology": "ACTIVE_STANDBY"}`. */
export interface FlavorProfile {
  id: string;
  name: string;
  providerName: string;
  flavorData: string;
}

/** What a user picks with `flavor_id`. */
export interface Flavor {
  id: string;
  name: string;
  description: string;
  flavorProfileId: string;
  enabled: boolean;
}

/** A provider's settings behind an availability zone: JSON such as `{"compute_zone": "az1"}`. */
export interface AvailabilityZoneProfile {
  id: string;
  name: string;
  providerName: string;
  availabilityZoneData: string;
}

/** What a user picks with `availability_zone` (by name). */
export interface AvailabilityZone {
  name: string;
  description: string;
  availabilityZoneProfileId: string;
  enabled: boolean;
}

/** The object kinds a quota limits, by Octavia's quota field names. */
export const QUOTA_RESOURCES = [
  'load_balancer',
  'listener',
  'pool',
  'health_monitor',
  'member',
  'l7policy',
  'l7rule',
] as const;
export type QuotaResource = (typeof QUOTA_RESOURCES)[number];

/** Limits per resource; -1 is unlimited. A project without its own falls back to the defaults. */
export type QuotaLimits = Record<QuotaResource, number>;
