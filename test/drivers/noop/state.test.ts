import { execFileSync } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createNoopDrivers, MemoryNoopStore, SqliteNoopStore } from '../../../src/drivers';
import { amphoraName } from '../../../src/models';

describe('noop state', () => {
  const dir = mkdtempSync(join(tmpdir(), 'noop-state-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it.each([
    ['memory', () => new MemoryNoopStore()],
    ['SQLite', () => new SqliteNoopStore(join(dir, `${randomUUID()}.db`))],
  ])('rolls a failed %s transaction back entirely', (_label, makeStore) => {
    const store = makeStore();
    store.transact((tx) => tx.put('securityGroups', 'kept', { id: 'kept', name: 'kept', rules: [] }));
    expect(() =>
      store.transact((tx) => {
        tx.put('securityGroups', 'new', { id: 'new', name: 'new', rules: [] });
        tx.delete('securityGroups', 'kept');
        tx.next('journal');
        throw new Error('boom');
      }),
    ).toThrow('boom');
    expect(store.transact((tx) => tx.list('securityGroups').map((group) => group.id))).toEqual(['kept']);
    expect(store.transact((tx) => tx.next('journal'))).toBe(1);
    store.close();
  });

  it('shares one cloud between processes through a SQLite file', async () => {
    const file = join(dir, 'shared.db');
    const here = createNoopDrivers({ state: { sqliteFile: file } });
    const name = amphoraName(randomUUID());
    const computeId = await here.compute.build({ name, networkIds: ['lb-mgmt-net'] });

    // Another process sees the instance, and its build of the same name is a no-op.
    const script = `
      const { createNoopDrivers } = require('./src/drivers');
      const other = createNoopDrivers({ state: { sqliteFile: ${JSON.stringify(file)} } });
      other.compute.build({ name: ${JSON.stringify(name)}, networkIds: ['lb-mgmt-net'] })
        .then((id) => { process.stdout.write(id); other.close(); });
    `;
    const fromOther = execFileSync(process.execPath, ['--require', 'tsx/cjs', '-e', script], {
      cwd: join(__dirname, '..', '..', '..'),
      encoding: 'utf8',
    });
    expect(fromOther).toBe(computeId);
    expect(here.inventory().filter((item) => item.kind === 'server')).toHaveLength(1);
    expect(here.journal().filter((entry) => entry.kind === 'server' && entry.effect === 'created')).toHaveLength(1);
    here.close();
  });

  it('hands out addresses in order, skips the gateway, and reuses released ones after wrapping', async () => {
    const drivers = createNoopDrivers({
      networks: [
        {
          network: { id: 'small', name: 'small' },
          subnets: [{ id: 'small-subnet', name: 'small', cidr: '192.0.2.0/29', ipVersion: 4, gatewayIp: '192.0.2.1' }],
        },
      ],
    });
    const ports = [];
    for (let n = 0; n < 5; n += 1) ports.push(await drivers.network.createPort({ name: `p${n}`, networkId: 'small' }));
    expect(ports.map((port) => port.fixedIps[0]?.ipAddress)).toEqual([
      '192.0.2.2',
      '192.0.2.3',
      '192.0.2.4',
      '192.0.2.5',
      '192.0.2.6',
    ]);
    await expect(drivers.network.createPort({ name: 'p5', networkId: 'small' })).rejects.toThrow(
      /no free address in 192\.0\.2\.0\/29 \(all 5 usable addresses are taken\)/,
    );
    await drivers.network.deletePort(ports[1]?.id ?? '');
    expect((await drivers.network.createPort({ name: 'p6', networkId: 'small' })).fixedIps[0]?.ipAddress).toBe(
      '192.0.2.3',
    );
    drivers.close();
  });
});
