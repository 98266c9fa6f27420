import { z } from 'zod';

/** Octavia's provisioning states. Objects in `PENDING_*` are immutable until their operation ends. */
export const ProvisioningStatusSchema = z.enum([
  'PENDING_CREATE',
  'PENDING_UPDATE',
  'PENDING_DELETE',
  'ACTIVE',
  'ERROR',
  'DELETED',
]);
export type ProvisioningStatus = z.infer<typeof ProvisioningStatusSchema>;

/** Octavia's operating states: what the data plane reports, apart from what the control plane is doing. */
export const OperatingStatusSchema = z.enum(['ONLINE', 'OFFLINE', 'DEGRADED', 'ERROR', 'DRAINING', 'NO_MONITOR']);
export type OperatingStatus = z.infer<typeof OperatingStatusSchema>;

/** How many amphorae carry a load balancer: one, or an active/standby pair sharing the VIP. */
export const TopologySchema = z.enum(['SINGLE', 'ACTIVE_STANDBY'], {
  error: 'expected SINGLE or ACTIVE_STANDBY',
});
export type Topology = z.infer<typeof TopologySchema>;

/** An amphora's place in its topology: STANDALONE in SINGLE, MASTER or BACKUP in ACTIVE_STANDBY. */
export const AmphoraRoleSchema = z.enum(['STANDALONE', 'MASTER', 'BACKUP']);
export type AmphoraRole = z.infer<typeof AmphoraRoleSchema>;

/** An amphora's lifecycle, as Octavia records it. */
export const AmphoraStatusSchema = z.enum([
  'PENDING_CREATE',
  'BOOTING',
  'ALLOCATED',
  'READY',
  'PENDING_DELETE',
  'DELETED',
  'ERROR',
  // Silent while too many others were (a partition looks like a mass death): the health manager's breaker left it
  // for an operator to fail over (`amphora failover`), or to come back by itself.
  'FAILOVER_STOPPED',
]);
export type AmphoraStatus = z.infer<typeof AmphoraStatusSchema>;

/** What an amphora is made of. The seed's version 0.5 builds only VMs; a driver that cannot build a type says so. */
export const AmphoraTypeSchema = z.enum(['VM', 'CONTAINER', 'BAREMETAL', 'HW_LOAD_BALANCER'], {
  error: 'expected one of: VM, CONTAINER, BAREMETAL, HW_LOAD_BALANCER',
});
export type AmphoraType = z.infer<typeof AmphoraTypeSchema>;

/** The answer of `AmphoraComputeDriver.status`: whether the instance is up. */
export const ComputeStatusSchema = z.enum(['UP', 'DOWN']);
export type ComputeStatus = z.infer<typeof ComputeStatusSchema>;

/** A compute instance's own state, as the compute service reports it. */
export const InstanceStateSchema = z.enum(['BUILDING', 'ACTIVE', 'ERROR', 'SHUTOFF', 'DELETED']);
export type InstanceState = z.infer<typeof InstanceStateSchema>;
