import { randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { amphoraName } from '../../../src/models';
import { namespaceExists } from '../../../src/drivers/local/system/netns';
import { isAlive } from '../../../src/drivers/local/system/processes';
import { eventually } from '../expect-error';
import { localTestDrivers } from './subject';

/**
 * What the local compute driver does in the kernel, beyond the compute contract: the config drive and user data
 * where the agent reads them, the agent's own configuration and certificate, a dead agent reported as a fault, and
 * a delete that leaves nothing.
 */
describe('LocalComputeDriver on the host', () => {
  it('boots an amphora with its config drive, user data and agent certificate, reports its death, and deletes it all', async () => {
    const drivers = await localTestDrivers();
    try {
      const amphoraId = randomUUID();
      const computeId = await drivers.compute.build({
        name: amphoraName(amphoraId),
        imageId: 'amphora-image',
        flavor: 'amphora-flavor',
        networkIds: ['lb-mgmt-net'],
        configDriveFiles: {
          '/etc/motd': 'hello',
          '/etc/blob.bin': { base64: Buffer.from([0, 1, 2]).toString('base64') },
        },
        userData: '#cloud-config\n',
      });
      const { amphora } = await drivers.compute.getAmphora({ id: computeId });
      expect(amphora.state).toBe('ACTIVE');
      const drive = join(drivers.host.dirOf(computeId), 'config-drive');
      expect(readFileSync(join(drive, 'etc/motd'), 'utf8')).toBe('hello');
      expect([...readFileSync(join(drive, 'etc/blob.bin'))]).toEqual([0, 1, 2]);
      expect(readFileSync(join(drive, 'openstack/latest/user_data'), 'utf8')).toBe('#cloud-config\n');
      const agentConfig = JSON.parse(readFileSync(join(drive, 'etc/octavia/amphora-agent.json'), 'utf8')) as {
        amphoraId: string;
        bindHost: string;
      };
      expect(agentConfig).toMatchObject({ amphoraId, bindHost: amphora.lbNetworkIp });
      expect(readFileSync(join(drive, 'etc/octavia/certs/server.pem'), 'utf8')).toMatch(
        /BEGIN CERTIFICATE.*BEGIN PRIVATE KEY/s,
      );
      expect(
        (
          await drivers.amphora.getInfo({
            id: amphoraId,
            computeId,
            lbNetworkIp: amphora.lbNetworkIp,
            status: 'ALLOCATED',
          })
        ).hostname,
      ).toBe(amphoraName(amphoraId));

      const agentPid = Number(readFileSync(join(drivers.host.dirOf(computeId), 'agent.pid'), 'utf8'));
      process.kill(agentPid, 'SIGKILL');
      const dead = await eventually(async () => {
        const found = await drivers.compute.getAmphora({ id: computeId });
        return found.amphora.state === 'ERROR' ? found : undefined;
      });
      expect(dead.fault?.message).toMatch(
        new RegExp(`amphora ${amphoraName(amphoraId)} is down: its agent \\(pid ${agentPid}\\) exited`),
      );
      expect(await drivers.compute.status(computeId)).toBe('DOWN');

      await drivers.compute.delete(computeId);
      await drivers.compute.delete(computeId);
      expect(namespaceExists(drivers.host.namespaceOf(computeId))).toBe(false);
      expect(isAlive(agentPid)).toBe(false);
      expect(await drivers.fabric.inventory()).toEqual({ namespaces: [], bridgePorts: [], processes: [] });
    } finally {
      await drivers.cleanup();
    }
  });
});
