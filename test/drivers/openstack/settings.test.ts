import { inspect } from 'node:util';
import { ConfigError, loadConfig } from '../../../src/config';
import {
  createDrivers,
  NeutronNetworkDriver,
  NoopComputeDriver,
  NoopNetworkDriver,
  NovaComputeDriver,
  parseOpenStackSettings,
} from '../../../src/drivers';

const PASSWORD = 'correct horse battery staple';
const VALID = {
  OS_AUTH_URL: 'https://keystone.example.com:5000/v3/',
  OS_USERNAME: 'octavia',
  OS_PASSWORD: PASSWORD,
  OS_PROJECT_NAME: 'service',
};

function rejection(run: () => unknown): ConfigError {
  try {
    run();
  } catch (err) {
    if (err instanceof ConfigError) return err;
    throw err;
  }
  throw new Error('expected a ConfigError');
}

describe('parseOpenStackSettings', () => {
  it('reads a minimal environment and fills in the documented defaults', () => {
    const settings = parseOpenStackSettings(VALID);
    expect(settings).toMatchObject({
      authUrl: 'https://keystone.example.com:5000',
      username: 'octavia',
      userDomainName: 'Default',
      project: { name: 'service', domainName: 'Default' },
      interface: 'public',
      endpoints: {},
      timeoutMs: 30_000,
      retries: 3,
      breaker: { threshold: 5, halfOpenMs: 30_000 },
    });
    expect(settings.regionName).toBeUndefined();
    expect(settings.password.reveal()).toBe(PASSWORD);
  });

  it('reads every variable, prefers the project id, and accepts the old publicURL spelling', () => {
    const settings = parseOpenStackSettings({
      ...VALID,
      OS_PROJECT_ID: 'p-123',
      OS_USER_DOMAIN_NAME: 'users',
      OS_REGION_NAME: 'RegionTwo',
      OS_INTERFACE: 'internalURL',
      AMPHORA_NOVA_ENDPOINT: 'http://nova.internal:8774/v2.1',
      AMPHORA_NEUTRON_ENDPOINT: 'http://neutron.internal:9696',
      AMPHORA_MGMT_NETWORK_ID: 'mgmt',
      AMPHORA_OS_TIMEOUT_MS: '5000',
      AMPHORA_OS_RETRIES: '0',
      AMPHORA_BREAKER_THRESHOLD: '2',
      AMPHORA_BREAKER_HALF_OPEN_MS: '100',
    });
    expect(settings).toMatchObject({
      project: { id: 'p-123' },
      userDomainName: 'users',
      regionName: 'RegionTwo',
      interface: 'internal',
      endpoints: { compute: 'http://nova.internal:8774/v2.1', network: 'http://neutron.internal:9696' },
      managementNetworkId: 'mgmt',
      timeoutMs: 5000,
      retries: 0,
      breaker: { threshold: 2, halfOpenMs: 100 },
    });
  });

  it('names every bad variable and what it expects', () => {
    const err = rejection(() =>
      parseOpenStackSettings({
        OS_AUTH_URL: 'keystone:5000',
        OS_PASSWORD: PASSWORD,
        OS_INTERFACE: 'private',
        AMPHORA_OS_RETRIES: '-1',
        AMPHORA_BREAKER_THRESHOLD: 'many',
      }),
    );
    expect([...err.variables].sort()).toEqual([
      'AMPHORA_BREAKER_THRESHOLD',
      'AMPHORA_OS_RETRIES',
      'OS_AUTH_URL',
      'OS_INTERFACE',
      'OS_PROJECT_NAME',
      'OS_USERNAME',
    ]);
    expect(err.message).toContain('OS_AUTH_URL="keystone:5000": expected an http(s) URL');
    expect(err.message).toContain('OS_USERNAME (unset): expected the name of the service user');
    expect(err.message).toContain('OS_INTERFACE="private": expected one of: public, internal, admin');
    expect(err.message).toContain('AMPHORA_OS_RETRIES="-1": expected a whole number of retries >= 0');
    expect(err.message).toContain('set OS_PROJECT_NAME or OS_PROJECT_ID');
  });

  it('fails on a missing OS_AUTH_URL naming the variable, and a Keystone v2.0 URL saying why', () => {
    const { OS_AUTH_URL: _url, ...withoutUrl } = VALID;
    const missing = rejection(() => parseOpenStackSettings(withoutUrl));
    expect(missing.variables).toEqual(['OS_AUTH_URL']);
    expect(missing.message).toMatch(/OS_AUTH_URL \(unset\): expected an http\(s\) URL/);
    const v2 = rejection(() => parseOpenStackSettings({ ...VALID, OS_AUTH_URL: 'http://keystone:5000/v2.0' }));
    expect(v2.message).toContain('Keystone v2.0 is not supported');
  });

  it('never shows the password, in an error or in the settings when printed', () => {
    const err = rejection(() => parseOpenStackSettings({ ...VALID, OS_AUTH_URL: 'nope' }));
    expect(err.message).not.toContain(PASSWORD);
    const settings = parseOpenStackSettings(VALID);
    for (const printed of [JSON.stringify(settings), inspect(settings, { depth: 5 }), String(settings.password)]) {
      expect(printed).not.toContain(PASSWORD);
    }
    expect(JSON.stringify(settings)).toContain('"password":"[redacted]"');
  });
});

describe('loadConfig with the OpenStack drivers', () => {
  it('leaves OpenStack settings out, and unchecked, while both drivers are noop', () => {
    const config = loadConfig({ OS_AUTH_URL: 'not a url' });
    expect(config.drivers.openstack).toBeUndefined();
  });

  it('fails a nova worker without OS_AUTH_URL, naming the variable', () => {
    const err = rejection(() => loadConfig({ ...VALID, OS_AUTH_URL: '', AMPHORA_COMPUTE_DRIVER: 'nova' }));
    expect(err.variables).toEqual(['OS_AUTH_URL']);
    expect(err.message).toContain('OS_AUTH_URL');
  });

  it('puts the parsed settings in drivers.openstack for nova and neutron', () => {
    const config = loadConfig({ ...VALID, AMPHORA_COMPUTE_DRIVER: 'nova', AMPHORA_NETWORK_DRIVER: 'neutron' });
    expect(config.drivers).toMatchObject({ compute: 'nova', network: 'neutron', openstack: { username: 'octavia' } });
  });
});

describe('createDrivers', () => {
  const base = loadConfig({ ...VALID, AMPHORA_COMPUTE_DRIVER: 'nova', AMPHORA_NETWORK_DRIVER: 'neutron' }).drivers;

  it('selects Nova and Neutron, noop otherwise', async () => {
    const openstack = await createDrivers(base);
    expect(openstack.compute).toBeInstanceOf(NovaComputeDriver);
    expect(openstack.network).toBeInstanceOf(NeutronNetworkDriver);
    openstack.close();
    const noop = await createDrivers({ ...base, compute: 'noop', network: 'noop' });
    expect(noop.compute).toBeInstanceOf(NoopComputeDriver);
    noop.close();
    const computeOnly = await createDrivers({ ...base, network: 'noop' });
    expect(computeOnly.compute).toBeInstanceOf(NovaComputeDriver);
    expect(computeOnly.network).toBeInstanceOf(NoopNetworkDriver);
    computeOnly.close();
  });

  it('refuses Neutron without Nova, naming both variables', async () => {
    const err = await createDrivers({ ...base, compute: 'noop' }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ConfigError);
    expect((err as ConfigError).variables).toEqual(['AMPHORA_NETWORK_DRIVER', 'AMPHORA_COMPUTE_DRIVER']);
  });

  it('refuses a local driver without the other two, naming the three variables', async () => {
    const err = await createDrivers({ ...base, compute: 'local', network: 'noop', amphora: 'local' }).catch(
      (e: unknown) => e,
    );
    expect(err).toBeInstanceOf(ConfigError);
    expect((err as ConfigError).variables).toEqual([
      'AMPHORA_COMPUTE_DRIVER',
      'AMPHORA_NETWORK_DRIVER',
      'AMPHORA_AMPHORA_DRIVER',
    ]);
    expect((err as ConfigError).message).toMatch(/AMPHORA_NETWORK_DRIVER=local/);
  });
});
