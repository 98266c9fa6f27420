import type { ComputeFault, InstanceState, ListenerPort, Network, Port, ServerGroup, Subnet } from '../../models';

/** A compute instance in the noop cloud. */
export interface ServerRecord {
  computeId: string;
  name: string;
  state: InstanceState;
  /** When a BUILDING instance becomes ACTIVE (or ERROR, when `fault` is set), in clock milliseconds. */
  readyAt: number;
  /** Set when the build is to fail; revealed once `readyAt` passes. */
  fault?: ComputeFault;
  imageId?: string;
  flavor?: string;
  availabilityZone?: string;
  serverGroupId?: string;
  managementNetworkId?: string;
  /** Set at build: `ownedMetadata(name)`, the mark of ours (absent on records made before there was one). */
  metadata?: Record<string, string>;
  createdAt: number;
}

/** A port in the noop cloud. `autoDelete` ports were made by the compute service and go with their instance. */
export interface PortRecord extends Port {
  autoDelete: boolean;
  createdAt: number;
}

/** A security group: the listener ports it opens, and whether VRRP (IP protocol 112) may pass between its ports. */
export interface SecurityGroupRecord {
  id: string;
  name: string;
  /** Set at create: `OWNED_DESCRIPTION` on the groups our drivers make. */
  description?: string;
  rules: ListenerPort[];
  vrrp?: boolean;
}

/** One effect on the noop cloud, kept so tests can prove that nothing was created or deleted twice. */
export interface JournalEntry {
  seq: number;
  at: number;
  kind: ResourceKind;
  id: string;
  name: string;
  effect: 'created' | 'deleted';
}

/**
 * What the agent inside one amphora runs, as the noop amphora driver keeps it: keyed by the amphora's compute id.
 * Not a cloud resource (not journaled, not in the inventory): it lives and dies with its instance.
 */
export interface AmphoraAgentRecord {
  computeId: string;
  amphoraId: string;
  loadBalancerId?: string;
  /** The applied haproxy.cfg; absent when none was applied or the last tree had no listener. */
  haproxy?: string;
  /** The listeners the applied haproxy.cfg serves, for stats. */
  listenerIds: string[];
  haproxyRunning: boolean;
  /** The applied keepalived.conf (ACTIVE_STANDBY). */
  keepalived?: string;
  keepalivedRunning: boolean;
  /** The VIP network, once `postVipPlug` configured its interface. */
  vipNetworkId?: string;
  /** Member networks `postNetworkPlug` configured, in plug order. */
  networks: string[];
  finalized: boolean;
}

export type ResourceKind = 'server' | 'serverGroup' | 'port' | 'securityGroup';

/** The collections of the noop state store and the record each holds. */
export interface NoopCollections {
  servers: ServerRecord;
  serverGroups: ServerGroup;
  networks: Network;
  subnets: Subnet;
  ports: PortRecord;
  securityGroups: SecurityGroupRecord;
  journal: JournalEntry;
  counters: { value: number };
  /** Name index: `<kind>:<name>` -> id, so lookups by deterministic name do not scan. */
  names: { id: string };
  /** Address index: `<subnetId>|<address>` -> the port holding it. */
  addresses: { portId: string };
  /** Port index: `device:<computeId>` and `pair:<allowed address>` -> the ports, so lookups do not scan. */
  portIndex: { ids: string[] };
  /** What each amphora's agent runs (noop amphora driver), by compute id. */
  amphoraAgents: AmphoraAgentRecord;
}
export type CollectionName = keyof NoopCollections;
