import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { cleanupStaleFabrics, FabricNames, LocalFabric } from '../../../src/drivers/local';
import { ipBatch, ipJson } from '../../../src/drivers/local/system/exec';
import { createNamespace, namespaceExists } from '../../../src/drivers/local/system/netns';
import { isAlive } from '../../../src/drivers/local/system/processes';
import { spawnInNamespace } from '../../../src/drivers/local/system/spawn';

/**
 * The fabric's life on the host: a killed run's fabric (every process that made or joined it dead) is removed at the
 * next start with its namespaces and processes, a live one is left alone (even when its maker is gone), and a root
 * too long for haproxy's socket paths is refused.
 */
// Short, beside the default root: haproxy's socket paths must fit below it.
const root = mkdtempSync('/run/afab-');
const scripts = mkdtempSync(join(tmpdir(), 'amphora-fabric-test-'));
const gatewayScript = join(scripts, 'gateway.js');
// A stand-in gateway: the fabric only needs it to make its socket file and stay up.
writeFileSync(
  gatewayScript,
  "const net = require('net'); const i = process.argv.indexOf('--socket'); net.createServer().listen(process.argv[i + 1]);\nprocess.on('SIGTERM', () => process.exit(0));\n",
);
const fabricOf = (id: string) =>
  new LocalFabric({
    names: new FabricNames(id, root),
    networks: [{ id: 'mgmt', subnets: [{ cidr: '192.0.2.0/24', gatewayIp: '192.0.2.1' }] }],
    managementNetworkId: 'mgmt',
    gatewayScript,
  });

afterAll(async () => {
  for (const id of [`s${process.pid}`, `l${process.pid}`, `u${process.pid}`, `m${process.pid}`])
    await fabricOf(id).down();
  rmSync(root, { recursive: true, force: true });
  rmSync(scripts, { recursive: true, force: true });
});

describe('local fabric', () => {
  it('removes a fabric whose owner died, with its namespaces and processes, and leaves a live one alone', async () => {
    const stale = fabricOf(`s${process.pid}`);
    const live = fabricOf(`l${process.pid}`);
    await stale.up();
    await live.up();
    const guest = stale.names.guestNamespace('m1');
    await createNamespace(guest);
    const sleeper = spawnInNamespace(guest, ['sleep', '600'], join(stale.names.dir, 'guests', 'm1', 'guest.log'));
    // The run that made and used it was killed: its owner file and its one user name a process that has exited.
    const dead = spawnSync('true').pid;
    writeFileSync(join(stale.names.dir, 'owner'), String(dead));
    rmSync(join(stale.names.dir, 'users'), { recursive: true, force: true });
    mkdirSync(join(stale.names.dir, 'users'));
    writeFileSync(join(stale.names.dir, 'users', String(dead)), '');

    const removed = await cleanupStaleFabrics(root);

    expect(removed.fabrics).toEqual([`s${process.pid}`]);
    expect(removed.namespaces.sort()).toEqual([stale.names.fabricNamespace, guest].sort());
    expect(namespaceExists(guest)).toBe(false);
    expect(namespaceExists(stale.names.fabricNamespace)).toBe(false);
    expect(isAlive(sleeper)).toBe(false);
    expect(existsSync(stale.names.dir)).toBe(false);
    expect(live.isLive()).toBe(true);
    expect(namespaceExists(live.names.fabricNamespace)).toBe(true);
  });

  it('keeps a fabric whose maker died while another process still uses it', async () => {
    const shared = fabricOf(`u${process.pid}`);
    await shared.up();
    const guest = shared.names.guestNamespace('kept');
    await createNamespace(guest);
    // The process that made it has exited since; this one joined it while it lived, as a worker joins the fabric an
    // API server made, and still uses it.
    writeFileSync(join(shared.names.dir, 'owner'), String(spawnSync('true').pid));

    const removed = await cleanupStaleFabrics(root);
    await fabricOf(`u${process.pid}`).up();

    expect(removed.fabrics).not.toContain(`u${process.pid}`);
    expect(namespaceExists(guest)).toBe(true);
    await shared.down();
  });

  it("keeps a bridge's MAC address while ports come and go, so that neighbours' ARP caches stay right", async () => {
    // A Linux bridge without an address of its own takes its lowest port's; when that port goes (a dead amphora's),
    // the management gateway's MAC changed under every other amphora, whose heartbeats then went to the old one until
    // their ARP entries were probed again (seconds: the health manager saw a healthy BACKUP fall silent).
    const fabric = fabricOf(`m${process.pid}`);
    await fabric.up();
    const namespace = fabric.names.fabricNamespace;
    const bridge = fabric.names.bridge('mgmt');
    const macOf = async () =>
      (await ipJson<{ address: string }>(['link', 'show', 'dev', bridge], namespace))[0]?.address;
    const before = await macOf();
    // The lowest unicast, locally administered address there is: lower than any the bridge could have chosen.
    await ipBatch(
      ['link add vlow type veth peer name vlowpeer', `link set vlow address 02:00:00:00:00:01 master ${bridge} up`],
      namespace,
    );
    const withPort = await macOf();
    await ipBatch(['link del vlow'], namespace);
    const after = await macOf();
    await fabric.down();

    expect(before).toMatch(/^[0-9a-f]{2}(:[0-9a-f]{2}){5}$/);
    expect([withPort, after]).toEqual([before, before]);
  });

  it('refuses a root too long for haproxy socket paths, naming the variable that fixes it', async () => {
    const deep = new LocalFabric({
      names: new FabricNames('x', `/run/${'d'.repeat(60)}`),
      networks: [],
      managementNetworkId: 'mgmt',
      gatewayScript,
    });
    await expect(deep.up()).rejects.toThrow(/too long by \d+ characters.*AMPHORA_LOCAL_ROOT/);
  });
});
