import type { ComputeBuildRequest, ComputeFault, ComputeInstance, ComputeStatus, ServerGroup } from '../../models';
import type { Interface } from '../../models';

/** Find an instance by its compute id or by the deterministic name its builder gave it. */
export type InstanceLookup = { id: string } | { name: string };

/** What `getAmphora` returns: the instance, and the compute service's fault when the instance failed. */
export interface InstanceWithFault {
  amphora: ComputeInstance;
  fault?: ComputeFault;
}

/** A request to create a server group for the amphorae of one load balancer. */
export interface CreateServerGroupRequest {
  /** Deterministic name, `octavia-lb-<loadBalancerId>`, so that a retried create finds the group. */
  name: string;
  policy: ServerGroup['policy'];
}

/** Attach a network (a new port is made on it) or an existing port to an instance. */
export type AttachRequest =
  { computeId: string; networkId: string; ipAddress?: string } | { computeId: string; portId: string };

/**
 * The compute driver interface (Octavia's `AmphoraComputeDriver`): creates, deletes and watches the instances that
 * carry load balancers, whatever they are (VMs, containers, bare metal, appliances), and hides how.
 *
 * Contract for every implementation:
 * - Methods return promptly: long work (a boot) happens asynchronously and is observed through `getAmphora`.
 * - Creates are idempotent by name: a retried `build` or `createServerGroup` with the same name returns the existing
 *   resource instead of making a second one.
 * - Undo methods are idempotent: deleting or detaching what is already gone succeeds.
 * - Errors are the family in `./errors` (`ComputeError` and subclasses, `NotImplementedError`, `ValidationError`),
 *   with `retryable` telling transient faults from permanent ones. Drivers know nothing of Temporal.
 */
export abstract class AmphoraComputeDriver {
  /**
   * Starts building a new amphora. Returns as soon as the compute service accepted the request; the instance is
   * `BUILDING` until `getAmphora` reports it `ACTIVE` (or `ERROR`, with a fault).
   *
   * @param request - the seed's build parameters; `name` is the deterministic `amphora-<amphoraId>`.
   * @returns the compute id of the new instance, or of the existing instance that already has this name.
   * @throws ValidationError when a field breaks the seed's limits (at most 5 config-drive files of 10 KiB each,
   *   a known amphora type, non-empty ids) or Nova's (one key pair; user data of at most 65,535 bytes once
   *   base64-encoded), before anything is created.
   * @throws NotImplementedError when this driver cannot build `amphoraType`.
   * @throws ComputeBuildError when the compute service rejects the build.
   *
   * Idempotent by name. Undone by {@link AmphoraComputeDriver.delete}.
   */
  abstract build(request: ComputeBuildRequest): Promise<string>;

  /**
   * Deletes an instance.
   *
   * @param computeId - the compute id returned by `build`.
   * @throws ComputeDeleteError when the compute service fails to delete it (it may still exist).
   *
   * Idempotent: an instance that is already gone is success.
   */
  abstract delete(computeId: string): Promise<void>;

  /**
   * Says whether an instance is up.
   *
   * @returns `UP` when the instance is active, `DOWN` otherwise (building, shut off, failed).
   * @throws InstanceNotFoundError when no instance has this id.
   * @throws ComputeStatusError when the compute service cannot be read.
   *
   * Nullipotent.
   */
  abstract status(computeId: string): Promise<ComputeStatus>;

  /**
   * Finds an instance by compute id or by name.
   *
   * @returns the instance, with the compute service's fault when it failed to build.
   * @throws InstanceNotFoundError when none matches.
   *
   * Nullipotent.
   */
  abstract getAmphora(lookup: InstanceLookup): Promise<InstanceWithFault>;

  /**
   * Creates a server group, used with the `anti-affinity` policy so that the MASTER and BACKUP amphorae of an
   * ACTIVE_STANDBY load balancer land on different hosts, or `soft-anti-affinity` so that they do when a host is
   * free (Octavia's `anti_affinity_policy`).
   *
   * @returns the group, new or found by name.
   * @throws ValidationError for an empty name.
   *
   * Idempotent by name. Undone by {@link AmphoraComputeDriver.deleteServerGroup}.
   */
  abstract createServerGroup(request: CreateServerGroupRequest): Promise<ServerGroup>;

  /**
   * Finds a server group by name, or returns undefined.
   *
   * Nullipotent.
   */
  abstract findServerGroup(name: string): Promise<ServerGroup | undefined>;

  /**
   * Lists the server groups whose names start with `namePrefix`; used to find what this service owns.
   *
   * Nullipotent.
   */
  abstract listServerGroups(namePrefix: string): Promise<ServerGroup[]>;

  /**
   * Deletes a server group.
   *
   * @throws ComputeDeleteError when the compute service fails to delete it.
   *
   * Idempotent: a group that is already gone is success.
   */
  abstract deleteServerGroup(serverGroupId: string): Promise<void>;

  /**
   * Attaches a network (through a new port) or an existing port to an instance.
   *
   * @returns the resulting interface.
   * @throws InstanceNotFoundError when the instance does not exist.
   * @throws ComputeError when the compute service refuses the attachment.
   *
   * Idempotent: attaching a port that is already attached to this instance returns its interface.
   * Undone by {@link AmphoraComputeDriver.detachPort}.
   */
  abstract attachNetworkOrPort(request: AttachRequest): Promise<Interface>;

  /**
   * Detaches a port from an instance. The port itself is not deleted.
   *
   * Idempotent: a port that is not attached, or an instance that is gone, is success.
   */
  abstract detachPort(request: { computeId: string; portId: string }): Promise<void>;

  /**
   * Lists the instances whose names start with `namePrefix`; used to find what this service owns.
   *
   * Nullipotent.
   */
  abstract listInstances(namePrefix: string): Promise<ComputeInstance[]>;
}
