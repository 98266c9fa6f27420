import { OWNED_DESCRIPTION } from '../../../models';
import type { NovaApi } from '../../compute/nova/api';
import type { NovaServer } from '../../compute/nova/schemas';
import type { DriverErrorOptions } from '../../errors';
import { apiTypeOf, mapErrors, statusOf, toNetworkError, type ErrorContext } from '../../openstack/errors';
import {
  AmphoraNotFoundError,
  type NetworkError,
  NetworkNotFoundError,
  PortNotFoundError,
  SubnetNotFoundError,
} from '../errors';
import type { NeutronApi } from './api';
import type { NeutronNetwork, NeutronPort, NeutronSubnet } from './schemas';

/** The error class an operation raises for failures that have no more specific class (PlugVipError, ...). */
export type NetworkErrorClass = new (message: string, options: DriverErrorOptions) => NetworkError;

/**
 * One operation of the Neutron driver in progress: the APIs, what is being attempted, and its error class. Its
 * lookups raise the seed's not-found errors; everything else becomes the operation's error class, with the
 * retryability the status says.
 */
export class NeutronStep {
  constructor(
    readonly neutron: NeutronApi,
    readonly nova: NovaApi,
    readonly action: string,
    private readonly Family: NetworkErrorClass,
  ) {}

  /** Runs API calls, translating their failures; `context` overrides the 404 and 409 outcomes. */
  run<T>(body: () => Promise<T>, context: Partial<ErrorContext> = {}): Promise<T> {
    const other = (message: string, options: DriverErrorOptions) => new this.Family(message, options);
    return mapErrors(toNetworkError, { action: this.action, other, ...context }, body);
  }

  /** The operation's error class, for conditions found by the driver itself. */
  fail(reason: string, retryable: boolean): NetworkError {
    return new this.Family(`${this.action} failed: ${reason}`, { retryable });
  }

  /** The operation's error class with a whole message. */
  error(message: string, options: DriverErrorOptions): NetworkError {
    return new this.Family(message, options);
  }

  network(networkId: string): Promise<NeutronNetwork> {
    return this.run(() => this.neutron.getNetwork(networkId), {
      notFound: (_message, options) => new NetworkNotFoundError(networkId, 'check the network id', options),
    });
  }

  subnet(subnetId: string): Promise<NeutronSubnet> {
    return this.run(() => this.neutron.getSubnet(subnetId), {
      notFound: (_message, options) => new SubnetNotFoundError(subnetId, 'check the subnet id', options),
    });
  }

  async firstSubnet(network: NeutronNetwork): Promise<NeutronSubnet> {
    const subnetId = network.subnets[0];
    if (!subnetId) throw new SubnetNotFoundError('(none)', `network ${network.id} has no subnet`);
    return this.subnet(subnetId);
  }

  port(portId: string, hint = ''): Promise<NeutronPort> {
    return this.run(() => this.neutron.getPort(portId), {
      notFound: (_message, options) => new PortNotFoundError(portId, hint, options),
    });
  }

  /** The port, or undefined when it is gone. */
  portIfAny(portId: string): Promise<NeutronPort | undefined> {
    return this.run(async () => {
      try {
        return await this.neutron.getPort(portId);
      } catch (err) {
        if (statusOf(err) === 404) return undefined;
        throw err;
      }
    });
  }

  /** The port with exactly this name (the oldest, should a race have made two). */
  async portNamed(name: string): Promise<NeutronPort | undefined> {
    const ports = await this.run(() => this.neutron.listPorts({ name }));
    return ports
      .filter((port) => port.name === name)
      .sort((a, b) => (a.created_at ?? '').localeCompare(b.created_at ?? ''))[0];
  }

  /** The compute instance of an amphora; AmphoraNotFoundError when there is none. */
  server(computeId: string | undefined, amphoraId?: string): Promise<NovaServer> {
    const hint = amphoraId ? `amphora ${amphoraId} has no compute instance` : 'no compute instance has this id';
    if (!computeId) return Promise.reject(new AmphoraNotFoundError('(none)', hint));
    return this.run(() => this.nova.getServer(computeId), {
      notFound: (_message, options) => new AmphoraNotFoundError(computeId, hint, options),
    });
  }

  /**
   * Creates a port of ours with one address on `subnetId`, carrying our description (the mark the orphan sweeper
   * looks for). A full subnet or a taken address is not retryable, and the message names the subnet.
   */
  createPort(subnetId: string, fields: Record<string, unknown>, ipAddress?: string): Promise<NeutronPort> {
    const fixedIp = { subnet_id: subnetId, ...(ipAddress ? { ip_address: ipAddress } : {}) };
    const port = { ...fields, description: OWNED_DESCRIPTION, fixed_ips: [fixedIp] };
    return this.run(() => this.neutron.createPort(port), {
      conflict: (message, options) => {
        const type = apiTypeOf(options.cause);
        const what =
          type === 'IpAddressGenerationFailure'
            ? `no free address on subnet ${subnetId}`
            : type === 'IpAddressAlreadyAllocated'
              ? `address ${ipAddress ?? '?'} is already taken on subnet ${subnetId}`
              : `Neutron refused a port on subnet ${subnetId}`;
        return new this.Family(`${what}: ${message}`, { ...options, retryable: false });
      },
    });
  }
}
