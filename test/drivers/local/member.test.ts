import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { DestinationRefusedError, gatewayDial, httpGet, httpRequest } from '../../../src/drivers/local/gateway';
import { formatEndpoint, identity, parseEndpoint } from '../../../src/drivers/local/member';
import {
  createWorld,
  destroyWorld,
  execIn,
  GATEWAY_IP,
  MEMBER_IPS,
  startGateway,
  startMember,
  sweepStale,
  type Started,
  type World,
} from './helpers/netns-world';
import { readAll } from './helpers/sockets';

describe('member arguments', () => {
  it('parses an IPv4 endpoint and names the option when it is not one', () => {
    expect(formatEndpoint(parseEndpoint('http', '203.0.113.21:8080'))).toBe('203.0.113.21:8080');
    for (const bad of ['203.0.113.21', 'example.com:80', '203.0.113.21:0', '203.0.113.21:70000', '[::1]:80']) {
      expect(() => parseEndpoint('tcp', bad)).toThrow(
        `--tcp must be <ipv4>:<port> such as 203.0.113.21:8080, got "${bad}"`,
      );
    }
  });

  it('says who it is, where, and who asked', () => {
    expect(identity('m1', { host: '203.0.113.21', port: 80 }, '203.0.113.11')).toBe(
      'm1 203.0.113.21:80 from 203.0.113.11\n',
    );
  });
});

describe('the member server in a namespace', () => {
  let world: World | undefined;
  let member: Started;
  const ip = MEMBER_IPS[0];
  const url = (path: string) => `http://${ip}:8080${path}`;
  const dial = () => gatewayDial((world as World).socketPath);
  const health = async () => (await httpGet(dial(), url('/health'))).status;

  beforeAll(async () => {
    await sweepStale();
    world = await createWorld('m');
    await startGateway(world, '203.0.113.0/24');
    const readyFile = join(world.dir, 'm1.ready');
    member = await startMember(world, [
      '--name',
      'm1',
      '--http',
      `${ip}:8080`,
      '--tcp',
      `${ip}:7000`,
      '--udp',
      `${ip}:9000`,
      '--ready-file',
      readyFile,
    ]);
    expect(readFileSync(readyFile, 'utf8').trim()).toBe(String(member.pid));
  });
  afterAll(() => destroyWorld(world));

  it('announces what it listens on once it is ready', () => {
    expect(member.output()).toBe(`ready: m1 listening on http ${ip}:8080, tcp ${ip}:7000, udp ${ip}:9000\n`);
  });

  it('answers HTTP with its name, address and the peer that connected', async () => {
    const response = await httpGet(dial(), url('/any/path?x=1'));
    expect(response.status).toBe(200);
    expect(response.body).toBe(`m1 ${ip}:8080 from ${GATEWAY_IP}\n`);
    expect(response.headers['x-member']).toBe('m1');
  });

  it('writes its identity line on a TCP connection and closes it', async () => {
    expect(await readAll(await dial()(ip, 7000))).toBe(`m1 ${ip}:7000 from ${GATEWAY_IP}\n`);
  });

  it('answers a UDP datagram with its identity line', async () => {
    // UDP cannot go through the gateway (TCP only), so a one-shot client runs in the gateway's namespace.
    const client =
      `const s=require('dgram').createSocket('udp4');s.on('message',m=>{process.stdout.write(m);s.close()});` +
      `s.send('who',9000,'${ip}');setTimeout(()=>process.exit(2),2000).unref()`;
    expect(await execIn((world as World).gatewayNs, [process.execPath, '-e', client])).toBe(
      `m1 ${ip}:9000 from ${GATEWAY_IP}\n`,
    );
  });

  it('listens only on the address it was given', async () => {
    // MEMBER_IPS[1] is an address of the same namespace.
    await expect(dial()(MEMBER_IPS[1], 8080)).rejects.toBeInstanceOf(DestinationRefusedError);
    await expect(dial()(MEMBER_IPS[1], 7000)).rejects.toBeInstanceOf(DestinationRefusedError);
  });

  it('goes unhealthy and back on control requests, and only /health says so', async () => {
    expect(await health()).toBe(200);
    const down = await httpRequest(dial(), url('/control/unhealthy'), { method: 'POST' });
    expect(down).toMatchObject({ status: 200, body: 'm1 unhealthy\n' });
    expect(await httpGet(dial(), url('/health'))).toMatchObject({ status: 503, body: 'm1 unhealthy\n' });
    expect((await httpGet(dial(), url('/'))).status).toBe(200);
    await httpRequest(dial(), url('/control/healthy'), { method: 'POST', body: 'ignored' });
    expect(await health()).toBe(200);
  });

  it('goes unhealthy on SIGUSR1 and healthy again on SIGUSR2', async () => {
    process.kill(member.pid, 'SIGUSR1');
    await until(async () => (await health()) === 503);
    process.kill(member.pid, 'SIGUSR2');
    await until(async () => (await health()) === 200);
  });

  it('exits 0 on SIGTERM, closing its ports and removing its ready file', async () => {
    expect(await member.stop('SIGTERM')).toBe(0);
    expect(existsSync(join((world as World).dir, 'm1.ready'))).toBe(false);
    await expect(dial()(ip, 8080)).rejects.toBeInstanceOf(DestinationRefusedError);
  });

  it('refuses to start on an address its namespace does not have, saying which', () => {
    const result = runMember(['--name', 'm9', '--http', '203.0.113.99:8080']);
    expect(result.status).toBe(1);
    expect(result.stderr).toMatch(/^member: cannot listen for http on 203\.0\.113\.99:8080: listen EADDRNOTAVAIL/);
  });

  it('refuses bad arguments with its usage', () => {
    const result = runMember(['--name', 'm9']);
    expect(result.status).toBe(1);
    expect(result.stderr).toContain('--name (one word) and --http are required');
    expect(result.stderr).toContain('usage: member.js --name <name> --http <ip>:<port>');
  });

  function runMember(args: string[]): { status: number | null; stderr: string } {
    const w = world as World;
    const result = spawnSync('ip', ['netns', 'exec', w.memberNs, process.execPath, w.scripts.member, ...args], {
      encoding: 'utf8',
      timeout: 5000,
    });
    return { status: result.status, stderr: result.stderr };
  }
});

async function until(condition: () => Promise<boolean>, timeoutMs = 2000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await condition())) {
    if (Date.now() > deadline) throw new Error('condition not met in time');
    await new Promise((r) => setTimeout(r, 10));
  }
}
