import { findEntry, type CatalogState } from '../../contracts';
import type { Topology } from '../../models';
import type { ControllerSettings } from '../settings';
import { invalidField } from './faults';

/** What a create's flavor and availability zone decide about its amphorae. */
export interface Placement {
  topology: Topology;
  /** The compute flavor of the amphorae, when the flavor's profile names one. */
  computeFlavor?: string;
  /** The compute zone the amphorae are built in. */
  computeZone?: string;
  /** The management network, when the zone's profile names one. */
  managementNetworkId?: string;
}

const parse = (text: string): Record<string, unknown> => JSON.parse(text) as Record<string, unknown>;

/**
 * Reads a create's `flavor_id` and `availability_zone` the way Octavia does: from the flavors and zones operators
 * defined through the API (and their profiles), else from the static settings (AMPHORA_FLAVOR_TOPOLOGIES,
 * AMPHORA_AVAILABILITY_ZONES).
 *
 * @throws ApiFault 400 naming the field for an unknown or disabled flavor or zone.
 */
export function placementOf(
  body: { flavor_id?: string | null; availability_zone?: string | null },
  catalog: CatalogState,
  settings: ControllerSettings,
): Placement {
  const placement: Placement = { topology: settings.defaultTopology };
  if (body.flavor_id) {
    const flavor = findEntry(catalog, 'flavors', body.flavor_id);
    if (flavor) {
      if (!flavor.enabled)
        throw invalidField(
          'flavor_id',
          body.flavor_id,
          'The selected flavor is not allowed in this deployment: it is disabled',
        );
      const profile = findEntry(catalog, 'flavorProfiles', flavor.flavorProfileId);
      const data = profile ? parse(profile.flavorData) : {};
      if (data.loadbalancer_topology === 'SINGLE' || data.loadbalancer_topology === 'ACTIVE_STANDBY') {
        placement.topology = data.loadbalancer_topology;
      }
      if (typeof data.compute_flavor === 'string') placement.computeFlavor = data.compute_flavor;
    } else {
      const flavored = settings.flavorTopologies[body.flavor_id];
      if (!flavored) {
        const known = [...catalog.flavors.map((f) => f.id), ...Object.keys(settings.flavorTopologies)];
        throw invalidField('flavor_id', body.flavor_id, `Unknown flavor; known flavors: ${known.join(', ') || 'none'}`);
      }
      placement.topology = flavored;
    }
  }
  if (body.availability_zone) {
    const zone = findEntry(catalog, 'availabilityZones', body.availability_zone);
    if (zone) {
      if (!zone.enabled)
        throw invalidField('availability_zone', body.availability_zone, 'The availability zone is disabled');
      const profile = findEntry(catalog, 'availabilityZoneProfiles', zone.availabilityZoneProfileId);
      const data = profile ? parse(profile.availabilityZoneData) : {};
      placement.computeZone = typeof data.compute_zone === 'string' ? data.compute_zone : zone.name;
      if (typeof data.management_network === 'string') placement.managementNetworkId = data.management_network;
    } else if (settings.availabilityZones.includes(body.availability_zone)) {
      placement.computeZone = body.availability_zone;
    } else {
      const known = [...catalog.availabilityZones.map((z) => z.name), ...settings.availabilityZones];
      throw invalidField(
        'availability_zone',
        body.availability_zone,
        `Unknown availability zone; the operator has defined: ${known.join(', ') || 'none'}`,
      );
    }
  }
  return placement;
}
