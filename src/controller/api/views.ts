import { treeOf } from '../../contracts';
import type { Amphora } from '../../models';
import type { PublicLoadBalancer } from '../load-balancers';

/** Octavia's timestamps: second precision, no zone suffix. */
const octaviaTime = (iso: string | undefined) => (iso ? iso.replace(/\.\d+Z?$|Z$/, '') : null);

/** A load balancer in Octavia v2's field names. */
export function loadBalancerView(lb: PublicLoadBalancer) {
  return {
    id: lb.id,
    name: lb.name,
    description: lb.description,
    provisioning_status: lb.provisioningStatus,
    operating_status: lb.operatingStatus,
    admin_state_up: lb.adminStateUp,
    project_id: lb.projectId,
    tenant_id: lb.projectId,
    created_at: octaviaTime(lb.createdAt),
    updated_at: octaviaTime(lb.updatedAt),
    vip_address: lb.vip?.ipAddress ?? null,
    vip_port_id: lb.vip?.portId ?? null,
    vip_subnet_id: lb.vip?.subnetId ?? null,
    vip_network_id: lb.vip?.networkId ?? null,
    vip_qos_policy_id: lb.vip?.qosPolicyId ?? null,
    additional_vips: [],
    vip_vnic_type: 'normal',
    listeners: treeOf(lb).listeners.map(({ id }) => ({ id })),
    pools: treeOf(lb).pools.map(({ id }) => ({ id })),
    provider: 'amphora',
    flavor_id: lb.flavorId ?? null,
    availability_zone: lb.availabilityZone ?? null,
    tags: lb.tags,
  };
}

/** An amphora in Octavia v2's field names. */
export function amphoraView(amphora: Amphora, lb: Pick<PublicLoadBalancer, 'id' | 'createdAt' | 'updatedAt'>) {
  return {
    id: amphora.id,
    loadbalancer_id: lb.id,
    compute_id: amphora.computeId ?? null,
    lb_network_ip: amphora.lbNetworkIp ?? null,
    vrrp_ip: amphora.vrrpIp ?? null,
    ha_ip: amphora.haIp ?? null,
    vrrp_port_id: amphora.vrrpPortId ?? null,
    ha_port_id: amphora.haPortId ?? null,
    cert_expiration: null,
    cert_busy: false,
    role: amphora.role ?? null,
    status: amphora.status,
    vrrp_interface: null,
    vrrp_id: null,
    vrrp_priority: amphora.role === 'MASTER' ? 100 : amphora.role === 'BACKUP' ? 90 : null,
    cached_zone: amphora.cachedZone ?? null,
    created_at: octaviaTime(lb.createdAt),
    updated_at: octaviaTime(lb.updatedAt),
    image_id: amphora.imageId ?? null,
    compute_flavor: amphora.computeFlavor ?? null,
  };
}

/** Keeps only the requested fields (Octavia's `fields` query parameter). */
export function pick<T extends Record<string, unknown>>(view: T, fields: string[]): Partial<T> {
  if (fields.length === 0) return view;
  return Object.fromEntries(Object.entries(view).filter(([key]) => fields.includes(key))) as Partial<T>;
}
