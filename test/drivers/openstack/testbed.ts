import {
  createOpenStackDrivers,
  parseOpenStackSettings,
  type Logger,
  type OpenStackDrivers,
  type OpenStackSettings,
} from '../../../src/drivers';
import type { OpenStackDriverOptions } from '../../../src/drivers';
import type { ComputeContractSubject } from '../compute/contract';
import type { NetworkContractSubject } from '../network/contract';
import { FakeOpenStack, type FakeCloudOptions } from './fake/cloud';
import { CREDENTIALS } from './fake/keystone';
import { SEED } from './fake/seed';

type Env = Record<string, string | undefined>;

export interface LogEntry {
  level: 'debug' | 'info' | 'warn' | 'error';
  fields: Record<string, unknown>;
  message: string;
}

/** A logger that keeps every entry, to assert on what was (and was not) logged. */
export function captureLogger(): { logger: Logger; entries: LogEntry[]; text: () => string } {
  const entries: LogEntry[] = [];
  const at =
    (level: LogEntry['level']) =>
    (fields: Record<string, unknown>, message: string): void => {
      entries.push({ level, fields, message });
    };
  const logger: Logger = { debug: at('debug'), info: at('info'), warn: at('warn'), error: at('error') };
  return { logger, entries, text: () => entries.map((entry) => JSON.stringify(entry)).join('\n') };
}

/** The environment a worker would have to use the fake cloud. */
export function fakeCloudEnv(cloud: FakeOpenStack, overrides: Record<string, string | undefined> = {}) {
  return {
    OS_AUTH_URL: cloud.authUrl,
    OS_USERNAME: CREDENTIALS.username,
    OS_PASSWORD: CREDENTIALS.password,
    OS_PROJECT_NAME: CREDENTIALS.projectName,
    OS_REGION_NAME: 'RegionOne',
    AMPHORA_MGMT_NETWORK_ID: SEED.managementNetworkId,
    AMPHORA_AMP_IMAGE_ID: 'amphora-image',
    AMPHORA_AMP_FLAVOR_ID: 'amphora-flavor',
    AMPHORA_OS_TIMEOUT_MS: '2000',
    AMPHORA_OS_RETRIES: '2',
    ...overrides,
  };
}

export interface Testbed {
  cloud: FakeOpenStack;
  settings: OpenStackSettings;
  drivers: OpenStackDrivers;
  log: ReturnType<typeof captureLogger>;
  close(): Promise<void>;
}

/** A fake cloud and the Nova and Neutron drivers on it, with fast backoff and a capturing logger. */
export async function startTestbed(
  options: {
    cloud?: FakeCloudOptions;
    /** Variables to add or override; a function when they depend on the cloud's address. */
    env?: Env | ((cloud: FakeOpenStack) => Env);
    drivers?: OpenStackDriverOptions;
  } = {},
): Promise<Testbed> {
  const cloud = await FakeOpenStack.start(options.cloud);
  const log = captureLogger();
  const env = typeof options.env === 'function' ? options.env(cloud) : options.env;
  const settings = parseOpenStackSettings(fakeCloudEnv(cloud, env));
  const drivers = createOpenStackDrivers(settings, {
    logger: log.logger,
    backoff: { initialDelayMs: 5, maxDelayMs: 20 },
    detachWait: { timeoutMs: 2_000, pollMs: 10 },
    ...options.drivers,
  });
  return {
    cloud,
    settings,
    drivers,
    log,
    close: async () => {
      drivers.close();
      await cloud.close();
      if (cloud.crashes.length > 0) throw new Error(`the fake cloud crashed: ${cloud.crashes.map(String).join('; ')}`);
    },
  };
}

export async function novaComputeSubject(): Promise<ComputeContractSubject> {
  const bed = await startTestbed();
  return {
    driver: bed.drivers.compute,
    managementNetworkId: SEED.managementNetworkId,
    otherNetworkId: SEED.memberNetworkId,
    cleanup: () => bed.close(),
  };
}

export async function neutronNetworkSubject(): Promise<NetworkContractSubject> {
  const bed = await startTestbed();
  return {
    network: bed.drivers.network,
    compute: bed.drivers.compute,
    managementNetworkId: SEED.managementNetworkId,
    vipNetworkId: SEED.vipNetworkId,
    vipSubnetId: SEED.vipSubnetId,
    memberNetworkId: SEED.memberNetworkId,
    fullSubnetId: SEED.fullSubnetId,
    makeUserPort() {
      const port = bed.cloud.userPort(SEED.vipNetworkId);
      return Promise.resolve({ id: port.id, ipAddress: port.fixed_ips[0]?.ip_address ?? '' });
    },
    cleanup: () => bed.close(),
  };
}
