import { z } from 'zod';
import { EndpointNotFoundError, type ServiceType } from './http-errors';

/** One service of a Keystone v3 token's catalog. */
export const CatalogEntrySchema = z.object({
  type: z.string(),
  name: z.string().optional(),
  endpoints: z.array(
    z.object({
      interface: z.string(),
      url: z.string(),
      region: z.string().nullish(),
      region_id: z.string().nullish(),
    }),
  ),
});
export type CatalogEntry = z.infer<typeof CatalogEntrySchema>;

/** The variable that replaces the catalog's endpoint of each service. */
export const ENDPOINT_OVERRIDE: Record<Exclude<ServiceType, 'identity'>, string> = {
  compute: 'AMPHORA_NOVA_ENDPOINT',
  network: 'AMPHORA_NEUTRON_ENDPOINT',
};

export interface EndpointFilter {
  interface: 'public' | 'internal' | 'admin';
  region?: string;
}

/**
 * Picks a service's endpoint from the catalog: the one of the configured interface, in the configured region (any
 * region when none is configured).
 *
 * @throws EndpointNotFoundError naming the service and the setting to change: the endpoint override when the catalog
 *   lacks the service, OS_REGION_NAME when the region has no endpoint, OS_INTERFACE when the interface has none.
 */
export function selectEndpoint(
  catalog: readonly CatalogEntry[],
  service: Exclude<ServiceType, 'identity'>,
  filter: EndpointFilter,
): string {
  const entries = catalog.filter((entry) => entry.type === service);
  if (entries.length === 0) {
    const present = [...new Set(catalog.map((entry) => entry.type))].sort().join(', ') || 'none';
    throw new EndpointNotFoundError(
      service,
      ENDPOINT_OVERRIDE[service],
      `The Keystone service catalog has no '${service}' service (it lists: ${present}); ` +
        `set ${ENDPOINT_OVERRIDE[service]} to its URL, or ask the cloud operator to register it`,
    );
  }
  const endpoints = entries.flatMap((entry) => entry.endpoints);
  const regionOf = (endpoint: (typeof endpoints)[number]) => endpoint.region_id ?? endpoint.region ?? undefined;
  const inRegion = filter.region ? endpoints.filter((endpoint) => regionOf(endpoint) === filter.region) : endpoints;
  if (inRegion.length === 0) {
    const regions = [...new Set(endpoints.map(regionOf).filter(Boolean))].sort().join(', ') || 'none';
    throw new EndpointNotFoundError(
      service,
      'OS_REGION_NAME',
      `OS_REGION_NAME="${filter.region}": the catalog has no '${service}' endpoint in that region ` +
        `(regions with one: ${regions})`,
    );
  }
  const chosen = inRegion.find((endpoint) => endpoint.interface === filter.interface);
  if (!chosen) {
    const interfaces = [...new Set(inRegion.map((endpoint) => endpoint.interface))].sort().join(', ');
    throw new EndpointNotFoundError(
      service,
      'OS_INTERFACE',
      `OS_INTERFACE="${filter.interface}": the catalog has no ${filter.interface} '${service}' endpoint` +
        `${filter.region ? ` in region ${filter.region}` : ''} (interfaces: ${interfaces})`,
    );
  }
  return chosen.url;
}
