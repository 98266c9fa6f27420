import type {
  AllocateVipRequest,
  Amphora,
  Interface,
  ListenerPort,
  Network,
  Port,
  SecurityGroup,
  Subnet,
  Vip,
} from '../../models';

/** Where to put a new VIP (the schema in models/requests.ts is the definition; drivers validate with it). */
export type { AllocateVipRequest };

/** The VIP and the amphorae it is routed to. */
export interface VipPlugRequest {
  loadBalancerId: string;
  vip: Vip;
  amphorae: Amphora[];
}

/**
 * What to release. `vip` is absent when the allocation's response was lost: the driver then finds what it made by
 * the deterministic name `octavia-lb-<loadBalancerId>`.
 */
export interface DeallocateVipRequest {
  loadBalancerId: string;
  vip?: Vip;
}

/** The amphorae to unplug: their ids suffice, since their base ports are named after them. */
export interface VipUnplugRequest {
  loadBalancerId: string;
  vip?: Vip;
  amphorae: Pick<Amphora, 'id'>[];
}

export interface NetworkPlugRequest {
  /** The amphora's id in the compute service. */
  computeId: string;
  networkId: string;
  /** Address to ask for on plug; on unplug, the one interface to remove (all on the network when absent). */
  ipAddress?: string;
}

export interface CreatePortRequest {
  /** Deterministic name (`octavia-lb-vrrp-<amphoraId>`), so that a retried create finds the port. */
  name: string;
  networkId: string;
  subnetId?: string;
  ipAddress?: string;
  securityGroupIds?: string[];
  adminStateUp?: boolean;
  deviceOwner?: string;
  qosPolicyId?: string;
  projectId?: string;
}

/** What `updateVip` may act on: the listener ports the VIP's security group must open (VRRP is plugVip's). */
export interface UpdateVipRequest {
  loadBalancerId: string;
  vip: Vip;
  /** TCP/UDP ports the load balancer listens on; the VIP security group allows exactly these. */
  listenerPorts?: ListenerPort[];
}

/**
 * The network driver interface (Octavia's `AbstractNetworkDriver`): creates the networking that connects clients to a
 * load balancer's VIP (frontend) and the amphorae to member networks (backend), whatever the network underneath.
 *
 * Contract for every implementation:
 * - Stateless and safe to run in parallel: everything needed is in the arguments or in the network service.
 * - A caller rolls back when a non-nullipotent method raises, so each create has an undo, and each undo is
 *   idempotent: what is already gone is success.
 * - Creates are idempotent by deterministic name (`octavia-lb-<lbId>` for the VIP port,
 *   `octavia-lb-vrrp-<amphoraId>` for an amphora's base port, `lb-<lbId>` for the VIP security group).
 * - Only what this service created is deleted: a VIP port supplied by the user survives `deallocateVip`.
 * - Errors are `NetworkError` and its subclasses, with `retryable` telling transient faults from permanent ones.
 */
export abstract class AbstractNetworkDriver {
  /**
   * Reserves a virtual IP for a load balancer's frontend, and makes its security group `lb-<loadBalancerId>` (with no
   * ingress rules yet). The group is made here, once, so that the amphorae plugged side by side afterwards only find
   * it: a find-or-create in each of two parallel plugs would make two groups where names are not unique (Neutron).
   *
   * @returns the VIP, with `octaviaOwned` false when the user supplied the port.
   * @throws PortNotFoundError when a supplied `portId` does not exist.
   * @throws SubnetNotFoundError / NetworkNotFoundError when the subnet or network does not exist.
   * @throws AllocateVipError when no address can be reserved (the subnet is full, the address is taken).
   * @throws ValidationError when no subnet, network or port is named.
   *
   * Idempotent by name (`octavia-lb-<loadBalancerId>`, `lb-<loadBalancerId>`). Undone by
   * {@link AbstractNetworkDriver.deallocateVip}.
   */
  abstract allocateVip(request: AllocateVipRequest): Promise<Vip>;

  /**
   * Releases what reserved the VIP: the VIP port if this service created it, and every VIP security group of its name
   * that this service made. Base ports of our amphorae (`octavia-lb-vrrp-<uuid>`) that still carry the VIP are deleted
   * with it, as Octavia does, so that a delete makes progress whatever the record says.
   *
   * @throws VipInUseError when a port that is not one of ours still answers for the VIP address.
   * @throws DeallocateVipError when the network service fails to release it.
   *
   * Idempotent: a VIP that is already released is success.
   */
  abstract deallocateVip(request: DeallocateVipRequest): Promise<void>;

  /**
   * Routes the VIP to amphorae: each gets a base port on the VIP network, attached to its instance, that carries the
   * VIP as an allowed address, behind the VIP security group. For a MASTER or BACKUP amphora (ACTIVE_STANDBY) the
   * group also lets VRRP (IP protocol 112) pass between the amphorae, as Octavia does. The group is the one
   * `allocateVip` made; for a VIP allocated without one, it is made here, and parallel plugs settle on one group.
   *
   * @returns the amphorae with `vrrpIp`, `vrrpPortId`, `haIp` and `haPortId` filled in.
   * @throws PortNotFoundError when the VIP port does not exist.
   * @throws AmphoraNotFoundError when an amphora has no compute instance.
   * @throws PlugVipError when the network service fails.
   *
   * Idempotent. Undone by {@link AbstractNetworkDriver.unplugVip}.
   */
  abstract plugVip(request: VipPlugRequest): Promise<Amphora[]>;

  /**
   * Removes the VIP's routing from amphorae: detaches and deletes their base ports.
   *
   * @throws UnplugVipError when the network service fails.
   *
   * Idempotent: amphorae that no longer have the VIP plugged are success (the seed's PluggedVIPNotFound is not
   * raised for them, so that a rollback can always run to the end).
   */
  abstract unplugVip(request: VipUnplugRequest): Promise<void>;

  /**
   * Connects an amphora to a network, through a new port.
   *
   * @returns the new interface, or the existing one on that network (and address).
   * @throws AmphoraNotFoundError when the compute instance does not exist.
   * @throws NetworkNotFoundError when the network does not exist.
   * @throws PlugNetworkError when the network service fails.
   *
   * Idempotent. Undone by {@link AbstractNetworkDriver.unplugNetwork}.
   */
  abstract plugNetwork(request: NetworkPlugRequest): Promise<Interface>;

  /**
   * Disconnects an amphora from a network: the interface with `ipAddress`, or every interface on the network.
   *
   * @throws NetworkNotFoundError when the network does not exist.
   * @throws UnplugNetworkError when the network service fails.
   *
   * Idempotent: an interface, or an instance, that is already gone is success.
   */
  abstract unplugNetwork(request: NetworkPlugRequest): Promise<void>;

  /**
   * Lists the interfaces of a compute instance.
   *
   * Nullipotent; an instance that does not exist has none.
   */
  abstract getPluggedNetworks(computeId: string): Promise<Interface[]>;

  /**
   * Brings the VIP's configuration in line with the load balancer: its security group's listener rules open exactly
   * the listener ports. The VRRP rule that `plugVip` adds is left alone.
   *
   * @throws VipConfigurationNotFoundError when the VIP's security group or port is gone (allocate the VIP again).
   *
   * Idempotent: the same request leaves the same state.
   */
  abstract updateVip(request: UpdateVipRequest): Promise<void>;

  /** @throws NetworkNotFoundError. Nullipotent. */
  abstract getNetwork(networkId: string): Promise<Network>;

  /** @throws SubnetNotFoundError. Nullipotent. */
  abstract getSubnet(subnetId: string): Promise<Subnet>;

  /** @throws PortNotFoundError. Nullipotent. */
  abstract getPort(portId: string): Promise<Port>;

  /**
   * Prepares an amphora for failover: checks that the network service answers before a replacement is built. An
   * amphora whose base port is already gone is prepared all the same: a broken amphora is what failovers are for.
   *
   * @throws NetworkError when the network service cannot be reached.
   *
   * Nullipotent.
   */
  abstract failoverPreparation(amphora: Amphora): Promise<void>;

  /**
   * Creates a port, for example an amphora's base port.
   *
   * @throws NetworkNotFoundError / SubnetNotFoundError when the network or subnet does not exist.
   * @throws NetworkError when no address can be assigned.
   *
   * Idempotent by name. Undone by {@link AbstractNetworkDriver.deletePort}.
   */
  abstract createPort(request: CreatePortRequest): Promise<Port>;

  /**
   * Deletes a port.
   *
   * Idempotent: a port that is already gone is success.
   */
  abstract deletePort(portId: string): Promise<void>;

  /** Finds a port by its exact name. Nullipotent. */
  abstract findPort(name: string): Promise<Port | undefined>;

  /** Lists the ports whose names start with `namePrefix`; used to find what this service owns. Nullipotent. */
  abstract listPorts(namePrefix: string): Promise<Port[]>;

  /**
   * Lists the security groups whose names start with `namePrefix` (the VIP security groups are `lb-<lbId>`); used to
   * find what this service owns.
   *
   * Nullipotent.
   */
  abstract listSecurityGroups(namePrefix: string): Promise<SecurityGroup[]>;

  /**
   * Deletes a security group. `deallocateVip` removes a load balancer's VIP security group; this is for one that
   * outlived its load balancer (the orphan sweeper).
   *
   * @throws NetworkError, retryable, while a port still uses the group.
   *
   * Idempotent: a group that is already gone is success.
   */
  abstract deleteSecurityGroup(securityGroupId: string): Promise<void>;
}
