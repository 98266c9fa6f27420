import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { AgentDetails, AgentStats } from '../../src/agent/api';
import { AgentClient, AgentRequestError, type AgentTarget } from '../../src/drivers/amphora/local/agent-client';
import { loadOrCreatePki } from '../../src/drivers/amphora/local/pki';
import { AmphoraUnreachableError } from '../../src/drivers';
import { ensureDebianPackages } from '../harness/debian-packages';
import { rejectionOf } from '../drivers/expect-error';
import { httpGet, tlsGet } from './fixtures/http';
import { AgentLab, waitFor, type LabAmphora } from './fixtures/lab';
import { alive, ip } from './fixtures/system';

const VIP = '198.51.100.100';
const OTHER_VIP = '198.51.100.101';

/** A haproxy configuration answering `text` on the VIP itself, and `stats socket` where the driver's would be. */
function config(amphora: LabAmphora, lbId: string, text: string, extra: string[] = []): string {
  return [
    'global',
    '    daemon',
    '    user nobody',
    `    stats socket ${amphora.stateDir}/lb/${lbId}/haproxy.sock mode 0666 level user`,
    'defaults',
    '    mode http',
    '    timeout client 5s',
    '    timeout server 5s',
    '    timeout connect 2s',
    'frontend listener-1',
    `    bind ${VIP}:80`,
    `    http-request return status 200 content-type text/plain string "${text}"`,
    ...extra,
    '',
  ].join('\n');
}

/** The global addresses of `name` in the amphora's namespace. */
async function addressesOf(amphora: LabAmphora, name: string): Promise<string[]> {
  const links = JSON.parse(await ip('-n', amphora.ns, '-j', 'addr', 'show')) as {
    ifname: string;
    operstate: string;
    addr_info: { local: string; prefixlen: number; scope: string }[];
  }[];
  const link = links.find((l) => l.ifname === name);
  return (link?.addr_info ?? []).filter((a) => a.scope !== 'link').map((a) => `${a.local}/${a.prefixlen}`);
}

/** The reasons of the agent's `TLS handshake refused` log lines, oldest first. */
function tlsRefusals(amphora: LabAmphora): string[] {
  const lines = readFileSync(join(amphora.stateDir, 'agent.log'), 'utf8').trim().split('\n');
  return lines
    .map((line) => JSON.parse(line) as { msg: string; err?: string; reason?: string })
    .filter((l) => l.msg === 'TLS handshake refused')
    .map((l) => l.reason ?? l.err ?? '');
}

/** Runs `attempt`, expects it to fail, and returns the reason the agent logged for refusing it. */
async function refusal(
  amphora: LabAmphora,
  attempt: () => Promise<unknown>,
): Promise<{ client: string; agent: string }> {
  const before = tlsRefusals(amphora).length;
  const err = await rejectionOf(attempt());
  await waitFor(() => tlsRefusals(amphora).length > before, 2000, 'the agent to log the refusal');
  return { client: err.message, agent: tlsRefusals(amphora)[before] ?? '' };
}

describe('amphora agent', () => {
  let lab: AgentLab;
  let client: AgentClient;
  let amphora: LabAmphora;
  let target: AgentTarget;
  const call = (method: string, path: string, body?: unknown) => client.request(target, method, `/1.0${path}`, body);
  const json = async <T>(method: string, path: string, body?: unknown) =>
    JSON.parse((await call(method, path, body)).body) as T;

  beforeAll(async () => {
    await ensureDebianPackages(['haproxy', 'keepalived', 'curl']);
    lab = await AgentLab.create();
    client = new AgentClient({ dial: lab.dial, pki: lab.pki, port: 9443, timeoutMs: 20_000, connectTimeoutMs: 1000 });
    amphora = await lab.bootAmphora();
    target = { amphoraId: amphora.id, address: amphora.mgmtIp };
  });
  afterAll(async () => {
    await lab?.teardown();
  });

  describe('mutual TLS', () => {
    it('answers the controller and names itself after its amphora', async () => {
      expect(await json('GET', '/info')).toEqual({
        hostname: `amphora-${amphora.id}`,
        haproxy_version: expect.stringMatching(/^\d+\.\d+/) as unknown,
        api_version: '1.0',
      });
    });

    it('refuses a client without a certificate', async () => {
      const refused = await refusal(amphora, () =>
        tlsGet(lab.dial, amphora.mgmtIp, 9443, { ca: lab.pki.caCertPem, checkServerIdentity: () => undefined }),
      );
      expect(refused.client).toMatch(/alert certificate required/);
      expect(refused.agent).toMatch(/peer did not return a certificate/);
    });

    it('refuses a client certificate from another CA', async () => {
      const dir = mkdtempSync(join(tmpdir(), `agtest-${process.pid}-other-`));
      try {
        const other = await loadOrCreatePki(dir);
        const refused = await refusal(amphora, () =>
          tlsGet(lab.dial, amphora.mgmtIp, 9443, {
            ca: lab.pki.caCertPem,
            cert: other.clientCertPem,
            key: other.clientKeyPem,
            checkServerIdentity: () => undefined,
          }),
        );
        expect(refused.client).toMatch(/closed the connection without answering/);
        expect(refused.agent).toMatch(/UNABLE_TO_VERIFY_LEAF_SIGNATURE/);
      } finally {
        rmSync(dir, { recursive: true, force: true });
      }
    });

    it("refuses another amphora's certificate as a client certificate", async () => {
      const stolen = await lab.pki.issueAmphoraCertificate(amphora.id);
      const refused = await refusal(amphora, () =>
        tlsGet(lab.dial, amphora.mgmtIp, 9443, {
          ca: lab.pki.caCertPem,
          cert: stolen.certPem,
          key: stolen.keyPem,
          checkServerIdentity: () => undefined,
        }),
      );
      expect(refused.client).toMatch(/closed the connection without answering/);
      expect(refused.agent).toMatch(/INVALID_PURPOSE/);
    });

    it('is refused by the controller when its certificate names another amphora', async () => {
      const impostor = await lab.bootAmphora({ certName: 'some-other-amphora' });
      const err = await rejectionOf(
        client.request({ amphoraId: impostor.id, address: impostor.mgmtIp }, 'GET', '/1.0/info'),
      );
      expect(err).toBeInstanceOf(AmphoraUnreachableError);
      expect(err.message).toContain(`amphora-${impostor.id}`);
      expect(err.message).toMatch(/TLS handshake .* failed .*some-other-amphora/);
    });
  });

  describe('haproxy', () => {
    const lbId = 'lb-one';

    beforeAll(async () => {
      await call('POST', `/plug/vip/${VIP}`, {
        subnet_cidr: '198.51.100.0/24',
        vrrp_ip: '198.51.100.11',
        add_vip: true,
      });
    });

    it('checks, installs and starts a configuration that then serves on the VIP', async () => {
      await call('PUT', `/loadbalancer/${amphora.id}/${lbId}/haproxy`, config(amphora, lbId, 'v1'));
      expect((await call('GET', `/loadbalancer/${lbId}/haproxy`)).body).toBe(config(amphora, lbId, 'v1'));
      await call('PUT', `/loadbalancer/${lbId}/start`);
      expect(await httpGet(lab.dial, VIP, 80)).toEqual({ status: 200, body: 'v1' });
      expect(await lab.curl(`http://${VIP}/`)).toBe('v1');
      expect((await json<AgentDetails>('GET', '/details')).load_balancers).toEqual([lbId]);
    });

    it('refuses a configuration haproxy -c rejects with its message and keeps the old one serving', async () => {
      const broken = config(amphora, lbId, 'v2', ['    default_backend no-such-backend']);
      const err = await rejectionOf(call('PUT', `/loadbalancer/${amphora.id}/${lbId}/haproxy`, broken));
      expect(err).toBeInstanceOf(AgentRequestError);
      expect(err).toMatchObject({ status: 400, retryable: false });
      expect(err.details).toMatch(/\[ALERT\].*unable to find required default_backend: 'no-such-backend'/);
      expect(err.details).not.toMatch(/NOTICE|agtest/);
      expect((await call('GET', `/loadbalancer/${lbId}/haproxy`)).body).toBe(config(amphora, lbId, 'v1'));
      expect((await httpGet(lab.dial, VIP, 80)).body).toBe('v1');
    });

    it('reloads onto a new configuration without failing a request', async () => {
      let failures = 0;
      let requests = 0;
      let loading = true;
      const load = (async () => {
        while (loading) {
          requests += 1;
          await httpGet(lab.dial, VIP, 80).catch(() => (failures += 1));
        }
      })();
      for (const version of ['v2', 'v3', 'v4', 'v5', 'v6']) {
        await call('PUT', `/loadbalancer/${amphora.id}/${lbId}/haproxy`, config(amphora, lbId, version));
        await call('PUT', `/loadbalancer/${lbId}/reload`);
        expect((await httpGet(lab.dial, VIP, 80)).body).toBe(version);
      }
      loading = false;
      await load;
      expect(failures).toBe(0);
      expect(requests).toBeGreaterThan(5);
    });

    it('reports counters per listener from the stats socket', async () => {
      await httpGet(lab.dial, VIP, 80);
      const { listeners } = await json<AgentStats>('GET', `/loadbalancer/${lbId}/stats`);
      expect(listeners).toEqual([expect.objectContaining({ listener_id: 'listener-1' })]);
      expect(listeners[0]?.total_connections).toBeGreaterThan(0);
      expect(listeners[0]?.bytes_out).toBeGreaterThan(0);
    });

    it('stops, starts again on reload, and forgets the load balancer on delete', async () => {
      await call('PUT', `/loadbalancer/${lbId}/stop`);
      await call('PUT', `/loadbalancer/${lbId}/stop`);
      expect((await json<AgentDetails>('GET', '/details')).load_balancers).toEqual([]);
      expect(await lab.curl(`http://${VIP}/`)).toMatch(/curl failed/);
      expect(await json<AgentStats>('GET', `/loadbalancer/${lbId}/stats`)).toEqual({ listeners: [] });
      await call('PUT', `/loadbalancer/${lbId}/reload`);
      expect((await httpGet(lab.dial, VIP, 80)).body).toBe('v6');
      await call('DELETE', `/loadbalancer/${lbId}`);
      await call('DELETE', `/loadbalancer/${lbId}`);
      expect(await rejectionOf(call('GET', `/loadbalancer/${lbId}/haproxy`))).toMatchObject({ status: 404 });
      expect(await rejectionOf(call('PUT', `/loadbalancer/${lbId}/reload`))).toMatchObject({ status: 404 });
      expect(existsSync(join(amphora.stateDir, 'lb', lbId))).toBe(false);
    });

    it('refuses ids that are not plain names', async () => {
      const err = await rejectionOf(call('PUT', `/loadbalancer/${amphora.id}/..%2Fx/haproxy`, 'global\n'));
      expect(err).toMatchObject({ status: 400 });
      expect(await rejectionOf(call('PUT', `/loadbalancer/other-amphora/${lbId}/haproxy`, 'global\n'))).toMatchObject({
        status: 409,
      });
    });
  });

  describe('interfaces', () => {
    it('configures the VIP base port, and the VIP itself only when asked to, idempotently', async () => {
      // Its own VIP: two owners of one address on the bridge would answer for each other's haproxy.
      const standby = await lab.bootAmphora();
      const on = { amphoraId: standby.id, address: standby.mgmtIp };
      const body = { subnet_cidr: '198.51.100.0/24', vrrp_ip: '198.51.100.12', add_vip: false, network_id: 'vip-net' };
      await client.request(on, 'POST', `/1.0/plug/vip/${OTHER_VIP}`, body);
      await client.request(on, 'POST', `/1.0/plug/vip/${OTHER_VIP}`, body);
      expect(await addressesOf(standby, 'eth1')).toEqual(['198.51.100.12/24']);
      await client.request(on, 'POST', `/1.0/plug/vip/${OTHER_VIP}`, { ...body, add_vip: true });
      expect(await addressesOf(standby, 'eth1')).toEqual(['198.51.100.12/24', `${OTHER_VIP}/32`]);
      const details = JSON.parse((await client.request(on, 'GET', '/1.0/details')).body) as AgentDetails;
      expect(details.vip_network_id).toBe('vip-net');
      expect(details.interfaces).toContainEqual(expect.objectContaining({ name: 'eth1', network_id: 'vip-net' }));
      await lab.destroyAmphora(standby);
    });

    it('listens on its management address only', async () => {
      const err = await rejectionOf(lab.dial('198.51.100.11', 9443, { timeoutMs: 1000 }));
      expect(err.message).toMatch(/ECONNREFUSED/);
    });

    it('names a plugged member port eth2, addresses it, and haproxy reaches the member through it', async () => {
      await lab.memberNetwork('bn1');
      await lab.startMember('m1', '203.0.113.21', 25, 'bn1');
      const mac = await lab.plugPort(amphora, 'bn1');
      const body = {
        mac_address: mac,
        fixed_ips: [{ ip_address: '203.0.113.11', subnet_cidr: '203.0.113.0/25' }],
        network_id: 'member-net-a',
      };
      expect(await json('POST', '/plug/network', body)).toEqual({ interface: 'eth2' });
      expect(await json('POST', '/plug/network', body)).toEqual({ interface: 'eth2' });
      expect(await addressesOf(amphora, 'eth2')).toEqual(['203.0.113.11/25']);
      expect((await json<AgentDetails>('GET', '/details')).networks).toEqual(['member-net-a']);
      const lbId = 'lb-member';
      const text = config(amphora, lbId, 'unused').replace(
        / {4}http-request return .*\n/,
        '    default_backend pool\nbackend pool\n    server m1 203.0.113.21:8080\n',
      );
      await call('PUT', `/loadbalancer/${amphora.id}/${lbId}/haproxy`, text);
      await call('PUT', `/loadbalancer/${lbId}/reload`);
      expect((await httpGet(lab.dial, VIP, 80)).body).toBe('m1\n');
      await call('DELETE', `/loadbalancer/${lbId}`);
    });

    it('unplugs a member port by network id, and takes an unknown one as done', async () => {
      await call('POST', '/unplug/network', { network_id: 'member-net-a' });
      await call('POST', '/unplug/network', { network_id: 'member-net-a' });
      await call('POST', '/unplug/network', { mac_address: '02:00:00:00:00:99' });
      expect(await addressesOf(amphora, 'eth2')).toEqual([]);
      expect((await json<AgentDetails>('GET', '/details')).networks).toEqual([]);
    });

    it('says which MAC address it could not find', async () => {
      const err = await rejectionOf(call('POST', '/plug/network', { mac_address: '02:00:00:00:00:99', fixed_ips: [] }));
      expect(err).toMatchObject({ status: 404 });
      expect(err.message).toMatch(/02:00:00:00:00:99/);
    });
  });

  describe('keepalived', () => {
    const conf = (extra = '') =>
      [
        'vrrp_instance lbone {',
        '    state MASTER',
        '    interface eth1',
        '    virtual_router_id 51',
        '    priority 100',
        '    advert_int 1',
        '    virtual_ipaddress {',
        '        198.51.100.150',
        '    }',
        extra,
        '}',
        '',
      ].join('\n');

    it('checks, installs, starts (taking the VIP) and stops keepalived with its own pid files', async () => {
      expect((await json<AgentDetails>('GET', '/details')).keepalived).toBe('absent');
      expect(await rejectionOf(call('PUT', '/vrrp/start'))).toMatchObject({ status: 404 });
      const err = await rejectionOf(call('PUT', '/vrrp/upload', conf('    no_such_keyword_here {')));
      expect(err).toMatchObject({ status: 400 });
      await call('PUT', '/vrrp/upload', conf());
      expect((await call('GET', '/vrrp/config')).body).toBe(conf());
      expect((await json<AgentDetails>('GET', '/details')).keepalived).toBe('stopped');
      await call('PUT', '/vrrp/start');
      await call('PUT', '/vrrp/start');
      expect((await json<AgentDetails>('GET', '/details')).keepalived).toBe('running');
      await waitFor(async () => (await addressesOf(amphora, 'eth1')).includes('198.51.100.150/32'), 8000, 'the VIP');
      await call('PUT', '/vrrp/reload');
      await call('PUT', '/vrrp/stop');
      expect((await json<AgentDetails>('GET', '/details')).keepalived).toBe('stopped');
      expect(await addressesOf(amphora, 'eth1')).not.toContain('198.51.100.150/32');
      // Started again right after a stop: the old process is gone, so no "daemon is already running".
      await call('PUT', '/vrrp/start');
      expect((await json<AgentDetails>('GET', '/details')).keepalived).toBe('running');
      await call('DELETE', '/vrrp');
      expect((await json<AgentDetails>('GET', '/details')).keepalived).toBe('absent');
      expect(readFileSync(join(amphora.stateDir, 'keepalived', 'keepalived.log'), 'utf8')).not.toMatch(
        /already running/,
      );
    });
  });

  describe('lifecycle', () => {
    it('exits on SIGTERM, leaving haproxy serving, and is then unreachable within a second', async () => {
      const lbId = 'lb-survivor';
      await call('PUT', `/loadbalancer/${amphora.id}/${lbId}/haproxy`, config(amphora, lbId, 'still here'));
      await call('PUT', `/loadbalancer/${lbId}/start`);
      execFileSync('kill', ['-TERM', String(amphora.agentPid)]);
      await waitFor(() => !alive(amphora.agentPid), 5000, 'the agent to exit');
      expect(existsSync(join(amphora.stateDir, 'agent.ready'))).toBe(false);
      expect(readFileSync(join(amphora.stateDir, 'agent.log'), 'utf8')).toMatch(/"msg":"agent stopping/);
      expect((await httpGet(lab.dial, VIP, 80)).body).toBe('still here');
      const started = Date.now();
      const err = await rejectionOf(call('GET', '/info'));
      // Refused at once: not the driver's 30 s wait for an answer.
      expect(Date.now() - started).toBeLessThan(5_000);
      expect(err).toBeInstanceOf(AmphoraUnreachableError);
      expect(err).toMatchObject({ retryable: true, amphoraId: amphora.id });
      expect(err.message).toContain(`amphora-${amphora.id}`);
      expect(err.message).toContain(`${amphora.mgmtIp}:9443`);
      expect(err.message).toMatch(/ECONNREFUSED/);
    });

    it('logs JSON lines without keys or configuration bodies', () => {
      const log = readFileSync(join(amphora.stateDir, 'agent.log'), 'utf8');
      const lines = log
        .trim()
        .split('\n')
        .map((line) => JSON.parse(line) as Record<string, unknown>);
      expect(lines.some((line) => line.msg === 'request')).toBe(true);
      expect(log).not.toMatch(/PRIVATE KEY|BEGIN CERTIFICATE|http-request return/);
    });
  });
});
