/**
 * A small world of network namespaces for the gateway, member and traffic tests, built and removed by each test
 * file. Everything is named `gwtest-<pid>-<tag>-...` so that a later run can find and remove what a crashed run left
 * behind, without touching anyone else's namespaces. Fabric addresses live only inside these namespaces: the root
 * namespace never sees a veth end or an address (veths are created directly between two namespaces).
 *
 *   <id>-fab: bridge br0 ── v-gw ── <id>-gw:  eth0 203.0.113.1/24, 198.51.100.1/24   (the gateway runs here)
 *                       └─ v-mem ─ <id>-mem: eth0 203.0.113.21/24, .22/24, 198.51.100.21/24 (members run here)
 */
import { execFile, spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, readFileSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { promisify } from 'node:util';
import { buildSync } from 'esbuild';

const run = promisify(execFile);
const PREFIX = 'gwtest';
const ROOT = resolve(__dirname, '..', '..', '..', '..');

export const GATEWAY_IP = '203.0.113.1';
export const MEMBER_IPS = ['203.0.113.21', '203.0.113.22'] as const;
/** A member-namespace address in a range the tests' gateway does not allow, though it could reach it. */
export const UNLISTED_MEMBER_IP = '198.51.100.21';
/** An address on the bridge's subnet that no interface owns: a SYN to it is never answered. */
export const NOBODY_IP = '203.0.113.99';

export interface World {
  readonly id: string;
  readonly fabricNs: string;
  readonly gatewayNs: string;
  readonly memberNs: string;
  /** Temp dir holding the bundled scripts and the gateway socket. */
  readonly dir: string;
  readonly scripts: { readonly gateway: string; readonly member: string };
  readonly socketPath: string;
  readonly processes: Set<Started>;
}

/** A process started in a namespace of the world. */
export interface Started {
  readonly pid: number;
  readonly child: ChildProcess;
  /** Everything it printed so far (stdout and stderr). */
  output(): string;
  /** Resolves the exit code (or the signal's name) once it exited. */
  readonly exited: Promise<number | string>;
  /** Sends `signal` (default SIGTERM) and waits for the exit; SIGKILL after 3 s. */
  stop(signal?: NodeJS.Signals): Promise<number | string>;
}

/** Runs `ip` with arguments (never a shell). */
export async function ip(...args: string[]): Promise<string> {
  return (await run('ip', args)).stdout;
}

/** Builds the namespaces and bundles the gateway and member entry points; `tag` keeps test files apart. */
export async function createWorld(tag: string): Promise<World> {
  const id = `${PREFIX}-${process.pid}-${tag}`;
  const world: World = {
    id,
    fabricNs: `${id}-fab`,
    gatewayNs: `${id}-gw`,
    memberNs: `${id}-mem`,
    dir: mkdtempSync(join(tmpdir(), `${id}-`)),
    scripts: { gateway: '', member: '' },
    socketPath: '',
    processes: new Set(),
  };
  Object.assign(world, {
    scripts: { gateway: join(world.dir, 'gateway.js'), member: join(world.dir, 'member.js') },
    socketPath: join(world.dir, 'gw.sock'),
  });
  for (const [name, entry] of [
    ['gateway', 'src/drivers/local/gateway/main.ts'],
    ['member', 'src/drivers/local/member/main.ts'],
  ] as const) {
    buildSync({
      entryPoints: [join(ROOT, entry)],
      outfile: world.scripts[name],
      bundle: true,
      platform: 'node',
      target: 'node20',
      logLevel: 'error',
    });
  }
  for (const ns of [world.fabricNs, world.gatewayNs, world.memberNs]) {
    await ip('netns', 'add', ns);
    await ip('-n', ns, 'link', 'set', 'lo', 'up');
  }
  await ip('-n', world.fabricNs, 'link', 'add', 'br0', 'type', 'bridge', 'stp_state', '0', 'forward_delay', '0');
  await ip('-n', world.fabricNs, 'link', 'set', 'br0', 'up');
  await attach(world, world.gatewayNs, 'v-gw', [`${GATEWAY_IP}/24`, '198.51.100.1/24']);
  await attach(world, world.memberNs, 'v-mem', [...MEMBER_IPS.map((a) => `${a}/24`), `${UNLISTED_MEMBER_IP}/24`]);
  return world;
}

/** A veth made directly between `ns` (as eth0) and the fabric (as `peer`, on br0): the root namespace never has it. */
async function attach(world: World, ns: string, peer: string, cidrs: string[]): Promise<void> {
  await ip('-n', ns, 'link', 'add', 'eth0', 'type', 'veth', 'peer', 'name', peer, 'netns', world.fabricNs);
  await ip('-n', world.fabricNs, 'link', 'set', peer, 'master', 'br0', 'up');
  for (const cidr of cidrs) await ip('-n', ns, 'addr', 'add', cidr, 'dev', 'eth0', 'nodad');
  await ip('-n', ns, 'link', 'set', 'eth0', 'up');
}

/** Starts `node <script> ...args` in `ns` and waits for its `ready` line. */
export async function startInNamespace(world: World, ns: string, script: string, args: string[]): Promise<Started> {
  const child = spawn('ip', ['netns', 'exec', ns, process.execPath, script, ...args], {
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  child.stdout?.on('data', (chunk: Buffer) => (output += chunk.toString()));
  child.stderr?.on('data', (chunk: Buffer) => (output += chunk.toString()));
  const exited = new Promise<number | string>((done) =>
    child.once('exit', (code, signal) => done(code ?? signal ?? -1)),
  );
  const started: Started = {
    pid: child.pid ?? -1,
    child,
    output: () => output,
    exited,
    stop: async (signal = 'SIGTERM') => {
      if (child.exitCode === null && child.signalCode === null) child.kill(signal);
      const timer = setTimeout(() => child.kill('SIGKILL'), 3000);
      const result = await exited;
      clearTimeout(timer);
      return result;
    },
  };
  world.processes.add(started);
  void exited.then(() => world.processes.delete(started));
  const deadline = Date.now() + 5000;
  while (!/^ready/m.test(output)) {
    if (child.exitCode !== null || Date.now() > deadline) {
      await started.stop('SIGKILL');
      throw new Error(`${script} ${args.join(' ')} did not get ready in ${ns}: ${output.trim() || 'no output'}`);
    }
    await new Promise((r) => setTimeout(r, 10));
  }
  return started;
}

/** Starts the gateway in the gateway namespace, allowing `allow` (default the members' /24 only). */
export function startGateway(world: World, allow = '203.0.113.0/24'): Promise<Started> {
  return startInNamespace(world, world.gatewayNs, world.scripts.gateway, [
    '--socket',
    world.socketPath,
    '--allow',
    allow,
  ]);
}

/** Starts a member server in the member namespace with the given argv (after the script). */
export function startMember(world: World, args: string[]): Promise<Started> {
  return startInNamespace(world, world.memberNs, world.scripts.member, args);
}

/** Runs a one-shot command in a namespace of the world (for probes that must start inside it). */
export async function execIn(ns: string, argv: string[]): Promise<string> {
  return (await run('ip', ['netns', 'exec', ns, ...argv], { timeout: 5000 })).stdout;
}

/** Stops everything the world started, then its namespaces (processes first: a namespace with live ones lives on). */
export async function destroyWorld(world: World | undefined): Promise<void> {
  if (!world) return;
  await Promise.all([...world.processes].map((p) => p.stop()));
  await removeNamespaces([world.memberNs, world.gatewayNs, world.fabricNs]);
  rmSync(world.dir, { recursive: true, force: true });
}

/** Removes namespaces and temp dirs of `gwtest-<pid>-` runs whose pid is dead: what a crashed run left. */
export async function sweepStale(): Promise<void> {
  const isDead = (pid: number): boolean => {
    try {
      process.kill(pid, 0);
      return false;
    } catch (error) {
      return (error as NodeJS.ErrnoException).code === 'ESRCH';
    }
  };
  const stale = (name: string): boolean => {
    const match = new RegExp(`^${PREFIX}-(\\d+)-`).exec(name);
    return match !== null && Number(match[1]) !== process.pid && isDead(Number(match[1]));
  };
  const namespaces = (await ip('netns', 'list')).split('\n').map((line) => line.split(' ')[0] ?? '');
  await removeNamespaces(namespaces.filter(stale));
  for (const entry of readdirSync(tmpdir()).filter(stale))
    rmSync(join(tmpdir(), entry), { recursive: true, force: true });
}

async function removeNamespaces(namespaces: string[]): Promise<void> {
  for (const ns of namespaces) {
    const pids = await ip('netns', 'pids', ns).catch(() => '');
    const alive = pids.split('\n').filter(Boolean).map(Number);
    for (const pid of alive) signal(pid, 'SIGTERM');
    const deadline = Date.now() + 2000;
    while (alive.some(isRunning) && Date.now() < deadline) await new Promise((r) => setTimeout(r, 20));
    for (const pid of alive.filter(isRunning)) signal(pid, 'SIGKILL');
    await ip('netns', 'del', ns).catch(() => undefined);
  }
}

function signal(pid: number, name: NodeJS.Signals): void {
  try {
    process.kill(pid, name);
  } catch {
    // Already gone.
  }
}

/** Alive and not a zombie (a zombie's namespace is already released). */
function isRunning(pid: number): boolean {
  try {
    process.kill(pid, 0);
  } catch {
    return false;
  }
  try {
    return !/\) Z /.test(readFileSync(`/proc/${pid}/stat`, 'utf8'));
  } catch {
    return false;
  }
}
