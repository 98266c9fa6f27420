import { eventually } from '../expect-error';
import { request as httpRequestNode } from 'node:http';
import { connect, Socket } from 'node:net';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import {
  assertFabricSafe,
  DestinationNotAllowedError,
  DestinationRefusedError,
  DestinationTimeoutError,
  DirectFabricDialError,
  gatewayDial,
  GatewayUnavailableError,
  guardDirectFabricDials,
  httpGet,
  isFabricAddress,
  parseCidr,
  parseCidrList,
  startGatewayServer,
  type DirectDialGuard,
  type GatewayServer,
} from '../../../src/drivers/local/gateway';
import {
  createWorld,
  destroyWorld,
  GATEWAY_IP,
  MEMBER_IPS,
  NOBODY_IP,
  startGateway,
  startMember,
  sweepStale,
  UNLISTED_MEMBER_IP,
  type Started,
  type World,
} from './helpers/netns-world';
import { loopbackServer, readAll, tempDir, timed, type LoopbackServer } from './helpers/sockets';

describe('CIDRs and the fabric-address guard', () => {
  it('normalises a CIDR and tests membership', () => {
    const cidr = parseCidr('203.0.113.77/25');
    expect(cidr.text).toBe('203.0.113.0/25');
    expect(parseCidrList('203.0.113.0/24, 198.51.100.0/24').map((c) => c.text)).toEqual([
      '203.0.113.0/24',
      '198.51.100.0/24',
    ]);
    expect(parseCidr('0.0.0.0/0').mask).toBe(0);
  });

  it.each(['example.com/24', '203.0.113.0/33', '203.0.113.0', '203.0.113/24', '1.2.3.4/24/1'])(
    'refuses %s as a CIDR',
    (text) => {
      expect(() => parseCidr(text)).toThrow(/is not an IPv4 CIDR/);
    },
  );

  it('treats the three documentation ranges as fabric addresses, and nothing else', () => {
    expect(['192.0.2.1', '198.51.100.100', '203.0.113.255'].every(isFabricAddress)).toBe(true);
    expect(['127.0.0.1', '10.0.0.1', '192.0.3.1', 'example.com', '::1', '203.0.113'].some(isFabricAddress)).toBe(false);
    expect(() => assertFabricSafe('198.51.100.100', 80)).toThrow(DirectFabricDialError);
    expect(() => assertFabricSafe('198.51.100.100', 80)).toThrow(
      'Refusing to connect to 198.51.100.100:80 from this namespace',
    );
    expect(() => assertFabricSafe('127.0.0.1', 80)).not.toThrow();
  });

  it('stops a direct TCP connect to a fabric address before any packet is sent, and lets Unix sockets pass', async () => {
    // A stub stands in for the real connect, so that even a broken guard could not send a packet off the host.
    const attempts: unknown[][] = [];
    const real = Object.getOwnPropertyDescriptor(Socket.prototype, 'connect') as PropertyDescriptor;
    Socket.prototype.connect = function stub(this: Socket, ...args: unknown[]): Socket {
      attempts.push(args);
      return this;
    };
    const guard = guardDirectFabricDials();
    try {
      const socket = connect(80, '198.51.100.100');
      const error = await new Promise((resolve) => socket.once('error', resolve));
      expect(error).toBeInstanceOf(DirectFabricDialError);
      connect({ host: '203.0.113.5', port: 8080 }).on('error', () => undefined);
      connect({ path: '/tmp/some.sock' }).on('error', () => undefined);
      connect(8080, '127.0.0.1').on('error', () => undefined);
      expect(guard.violations.map((v) => `${v.host}:${v.port}`)).toEqual(['198.51.100.100:80', '203.0.113.5:8080']);
      expect(attempts).toHaveLength(2); // the Unix path and loopback only
    } finally {
      guard.uninstall();
      Object.defineProperty(Socket.prototype, 'connect', real);
    }
  });
});

describe('the gateway protocol, in-process on loopback', () => {
  // These run the gateway server in this process with only 127.0.0.0/8 allowed: loopback, never a fabric address.
  let tmp: ReturnType<typeof tempDir>;
  let gateway: GatewayServer;
  let socketPath: string;
  const servers: LoopbackServer[] = [];

  beforeAll(async () => {
    tmp = tempDir('gwtest-unit-');
    socketPath = join(tmp.dir, 'gw.sock');
    gateway = await startGatewayServer(socketPath, { allow: parseCidrList('127.0.0.0/8'), maxConnectTimeoutMs: 2000 });
  });
  afterAll(async () => {
    await gateway.close();
    await Promise.all(servers.map((s) => s.close()));
    tmp.remove();
  });
  const serve = async (onConnection: (socket: Socket) => void): Promise<LoopbackServer> => {
    const server = await loopbackServer(onConnection);
    servers.push(server);
    return server;
  };

  it('carries a half-close: the client finishes sending and still reads the whole answer', async () => {
    // The server answers only once the client has half-closed, as haproxy's master CLI does.
    const upper = await serve((socket) => {
      let text = '';
      socket.on('data', (chunk: Buffer) => (text += chunk.toString()));
      socket.once('end', () => socket.end(text.toUpperCase()));
    });
    const tunnel = await gatewayDial(socketPath)('127.0.0.1', upper.port);
    tunnel.end('show proc');
    expect(await readAll(tunnel)).toBe('SHOW PROC');
  });

  it('delivers bytes a server sends right behind the gateway answer', async () => {
    const greeter = await serve((socket) => socket.end('hello first\n'));
    const results = await Promise.all(
      Array.from({ length: 20 }, async () => readAll(await gatewayDial(socketPath)('127.0.0.1', greeter.port))),
    );
    expect(new Set(results)).toEqual(new Set(['hello first\n']));
  });

  it('releases both legs of every tunnel once they close', async () => {
    const echo = await serve((socket) => socket.pipe(socket));
    const tunnels = await Promise.all(
      Array.from({ length: 10 }, () => gatewayDial(socketPath)('127.0.0.1', echo.port)),
    );
    expect(gateway.openSockets()).toBe(20);
    tunnels.forEach((t) => t.end());
    await Promise.all(tunnels.map(readAll));
    await until(() => gateway.openSockets() === 0);
  });

  it('sends the request to the dialled tunnel only; with agent:false Node would have dialled the URL itself', async () => {
    // The URL names server A; the tunnel leads to server B. A direct connection would reach A.
    const answer = (name: string) => (socket: Socket) =>
      socket.once('data', () => socket.end(`HTTP/1.1 200 OK\r\nContent-Length: ${name.length}\r\n\r\n${name}`));
    const a = await serve(answer('A'));
    const b = await serve(answer('B'));
    const viaB = gatewayDial(socketPath);
    const dial = (_host: string, _port: number) => viaB('127.0.0.1', b.port);
    const connects = jest.spyOn(Socket.prototype, 'connect');
    try {
      const response = await httpGet(dial, `http://127.0.0.1:${a.port}/`);
      expect(response).toMatchObject({ status: 200, body: 'B' });
      const tcpTargets = connects.mock.calls.map(([first]) => JSON.stringify(first)).filter((s) => !s.includes('path'));
      // The only TCP connect in this process is the in-process gateway's own leg to B, never one to A.
      expect(tcpTargets.some((target) => target.includes(String(a.port)))).toBe(false);
      expect(a.accepted()).toBe(0);
      expect(b.accepted()).toBe(1);

      // The trap (FINDINGS §0): the same createConnection with agent:false is ignored and A is dialled directly.
      const tunnel = await viaB('127.0.0.1', b.port);
      const trapped = await new Promise<number | undefined>((resolve, reject) => {
        const req = httpRequestNode(
          { host: '127.0.0.1', port: a.port, agent: false, createConnection: () => tunnel },
          (res) => resolve(res.statusCode),
        );
        req.once('error', reject).end();
      });
      tunnel.destroy();
      expect(trapped).toBe(200);
      expect(a.accepted()).toBe(1);
    } finally {
      connects.mockRestore();
    }
  });

  it('answers a malformed head with 400 and closes', async () => {
    const raw = connect({ path: socketPath });
    raw.end('GET / HTTP/1.1\r\n\r\n');
    expect(await readAll(raw)).toMatch(/^HTTP\/1\.1 400 Bad Request\r\n.*Gateway-Error: expected "CONNECT/s);
  });

  it('says that the gateway is not running when nothing listens on the socket', async () => {
    const dial = gatewayDial(join(tmp.dir, 'missing.sock'));
    const error = await dial('127.0.0.1', 80).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(GatewayUnavailableError);
    expect(String(error)).toContain(`Cannot reach 127.0.0.1:80 through the fabric gateway ${tmp.dir}/missing.sock`);
    expect(String(error)).toContain('the gateway is not running (connect ENOENT');
  });

  it('refuses to take over a socket another gateway accepts on, and removes its socket when closed', async () => {
    await expect(startGatewayServer(socketPath, { allow: [], maxConnectTimeoutMs: 100 })).rejects.toThrow(
      /already accepts connections/,
    );
    const other = join(tmp.dir, 'other.sock');
    const second = await startGatewayServer(other, { allow: [], maxConnectTimeoutMs: 100 });
    expect(existsSync(other)).toBe(true);
    await second.close();
    expect(existsSync(other)).toBe(false);
  });
});

describe('the gateway in a namespace', () => {
  let world: World | undefined;
  let gateway: Started;
  let guard: DirectDialGuard;
  let connects: jest.SpyInstance;
  const dial = () => gatewayDial((world as World).socketPath);
  const m1 = `http://${MEMBER_IPS[0]}:8080/`;

  beforeAll(async () => {
    await sweepStale();
    // From here on this process may not open a TCP connection to a fabric address, and every connect is recorded.
    guard = guardDirectFabricDials();
    connects = jest.spyOn(Socket.prototype, 'connect');
    world = await createWorld('g');
    gateway = await startGateway(world, '203.0.113.0/24');
    await startMember(world, ['--name', 'm1', '--http', `${MEMBER_IPS[0]}:8080`, '--tcp', `${MEMBER_IPS[0]}:7000`]);
  });
  afterAll(async () => {
    connects?.mockRestore();
    guard?.uninstall();
    await destroyWorld(world);
  });

  it('tunnels HTTP to a member, which sees the gateway namespace as the peer', async () => {
    const response = await httpGet(dial(), m1);
    expect(response).toMatchObject({ status: 200, body: `m1 ${MEMBER_IPS[0]}:8080 from ${GATEWAY_IP}\n` });
  });

  it('delivers what a TCP server says as soon as the connection opens', async () => {
    const socket = await dial()(MEMBER_IPS[0], 7000);
    expect(await readAll(socket)).toBe(`m1 ${MEMBER_IPS[0]}:7000 from ${GATEWAY_IP}\n`);
  });

  it('carries a request sent with a half-close to the end of its answer', async () => {
    const socket = await dial()(MEMBER_IPS[0], 8080);
    socket.end('GET / HTTP/1.0\r\n\r\n');
    const answer = await readAll(socket);
    expect(answer).toMatch(/^HTTP\/1\.1 200 OK/);
    expect(answer).toContain(`m1 ${MEMBER_IPS[0]}:8080 from ${GATEWAY_IP}`);
  });

  it('carries 100 concurrent tunnels', async () => {
    const answers = await Promise.all(Array.from({ length: 100 }, () => httpGet(dial(), m1, { timeoutMs: 5000 })));
    expect(answers.every((a) => a.status === 200 && a.body.startsWith('m1 '))).toBe(true);
  });

  it('reports a refused connection, naming the destination', async () => {
    const error = await dial()(MEMBER_IPS[0], 8081).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(DestinationRefusedError);
    expect(String(error)).toMatch(
      /Cannot reach 203\.0\.113\.21:8081 through the fabric gateway .*: connection refused/,
    );
  });

  it.each([
    [`${UNLISTED_MEMBER_IP} (reachable from the gateway, but outside --allow)`, UNLISTED_MEMBER_IP],
    ['a name', 'example.com'],
    ["the gateway namespace's loopback", '127.0.0.1'],
    ['an IPv6 address', '::1'],
  ])('refuses %s', async (_what, host) => {
    const error = await dial()(host, 8080).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(DestinationNotAllowedError);
    expect(String(error)).toContain(`Cannot reach ${host}:8080 through the fabric gateway`);
    expect(String(error)).toContain('is not an IPv4 address inside the allowed networks (203.0.113.0/24)');
    // The gateway writes its refusal line as it answers: wait for it to arrive.
    await eventually(() =>
      Promise.resolve(gateway.output().includes(`403 NOT_ALLOWED: ${host} is not an IPv4 address`) || undefined),
    );
  });

  it('fails a connect to an address nobody owns within its timeout', async () => {
    const { ms, error } = await timed(() => dial()(NOBODY_IP, 80, { timeoutMs: 300 }));
    expect(error).toBeInstanceOf(DestinationTimeoutError);
    expect(String(error)).toContain(`Cannot reach ${NOBODY_IP}:80 through the fabric gateway`);
    expect(String(error)).toContain('connect timed out after 300 ms');
    expect(ms).toBeGreaterThanOrEqual(290);
    // Well under the default 2 s: the asked-for 300 ms was honoured.
    expect(ms).toBeLessThan(1_500);
  });

  it('carries many requests in a row, a new tunnel each', async () => {
    const statuses: number[] = [];
    for (let i = 0; i < 200; i += 1) statuses.push((await httpGet(dial(), m1)).status);
    expect(statuses.every((status) => status === 200)).toBe(true);
  });

  it('never opened a TCP connection to a fabric address from this process', () => {
    expect(guard.violations).toEqual([]);
    // The spy did see this file's traffic: hundreds of Unix-socket connects to the gateway, and nothing else.
    expect(connects.mock.calls.length).toBeGreaterThan(300);
    const tcp = connects.mock.calls.filter(([first]) => !JSON.stringify(first).includes('"path"'));
    expect(tcp).toEqual([]);
  });

  it('exits on SIGTERM and removes its socket', async () => {
    const socketPath = (world as World).socketPath;
    const idle = await dial()(MEMBER_IPS[0], 8080); // a tunnel left open must not keep it alive
    expect(await gateway.stop('SIGTERM')).toBe(0);
    expect(existsSync(socketPath)).toBe(false);
    idle.destroy();
    await expect(dial()(MEMBER_IPS[0], 8080)).rejects.toBeInstanceOf(GatewayUnavailableError);
  });
});

async function until(condition: () => boolean, timeoutMs = 2000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error('condition not met in time');
    await new Promise((r) => setTimeout(r, 10));
  }
}
