import { NovaApi } from '../compute/nova-api';
import { NovaComputeDriver } from '../compute/nova';
import { ComputeError } from '../compute/errors';
import { NeutronApi } from '../network/neutron-api';
import { NeutronNetworkDriver, type NeutronNetworkOptions } from '../network/neutron';
import { statusOf } from './errors';
import { OpenStackSession, type SessionOptions } from './session';
import type { OpenStackSettings } from './settings';

export { OpenStackSession, type SessionOptions } from './session';
export { parseOpenStackSettings, type OpenStackSettings } from './settings';
export { silentLogger, type Logger } from './logger';
export { toComputeError, toNetworkError, type ErrorContext } from './errors';
export { Secret } from './secret';

export interface OpenStackDriverOptions extends SessionOptions {
  detachWait?: NeutronNetworkOptions['detachWait'];
}

/** The Nova and Neutron drivers over one Keystone session. */
export interface OpenStackDrivers {
  compute: NovaComputeDriver;
  network: NeutronNetworkDriver;
  session: OpenStackSession;
  /** Closes the session's keep-alive connections. */
  close(): void;
}

/** Builds the Nova and Neutron drivers, sharing one session (one token, one breaker per service). */
export function createOpenStackDrivers(
  settings: OpenStackSettings,
  options: OpenStackDriverOptions = {},
): OpenStackDrivers {
  const session = new OpenStackSession(settings, options);
  const nova = new NovaApi(session.service('compute'));
  const neutron = new NeutronApi(session.service('network'));
  const managementNetworkId = settings.managementNetworkId;
  const managementNetworkName = managementNetworkId
    ? async () => {
        try {
          return (await neutron.getNetwork(managementNetworkId)).name;
        } catch (err) {
          if (statusOf(err) !== 404) throw err;
          throw new ComputeError(
            `AMPHORA_MGMT_NETWORK_ID="${managementNetworkId}": Neutron has no such network; set it to the id of the amphora management network`,
            { retryable: false, cause: err },
          );
        }
      }
    : undefined;
  const compute = new NovaComputeDriver(nova, { defaults: settings.amphora, managementNetworkName });
  const network = new NeutronNetworkDriver(neutron, nova, { detachWait: options.detachWait });
  return { compute, network, session, close: () => session.close() };
}
