import { execFile } from 'node:child_process';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { startOrchestrator, type Orchestrator } from '../workflows/orchestrator';

const run = promisify(execFile);
const PROJECT_DIR = join(__dirname, '..', '..');

describe('the amphora CLI, run as a user runs it, against the real dev server and a worker with noop drivers', () => {
  let orchestrator: Orchestrator;
  beforeAll(async () => {
    orchestrator = await startOrchestrator({ noop: { buildDelayMs: 300 } });
  });
  afterAll(async () => {
    await orchestrator.stop();
  });

  /** Runs `amphora <args>`; resolves with its exit code and output even when it fails. */
  async function amphora(args: string[], env: Record<string, string> = {}) {
    try {
      const { stdout, stderr } = await run(
        process.execPath,
        ['--require', 'tsx/cjs', join(PROJECT_DIR, 'src', 'cli.ts'), ...args],
        {
          cwd: PROJECT_DIR,
          env: {
            ...process.env,
            TEMPORAL_ADDRESS: orchestrator.temporal.address,
            TEMPORAL_NAMESPACE: orchestrator.temporal.namespace,
            AMPHORA_TASK_QUEUE: orchestrator.taskQueue,
            AMPHORA_BUILD_POLL_INTERVAL_MS: '100',
            AMPHORA_LOG_LEVEL: 'warn',
            ...env,
          },
        },
      );
      return { code: 0, stdout, stderr };
    } catch (err) {
      const failed = err as { code: number; stdout: string; stderr: string };
      return { code: failed.code, stdout: failed.stdout, stderr: failed.stderr };
    }
  }

  it('creates, watches, lists, shows, fails over and deletes a load balancer', async () => {
    // The namespace is shared (a cluster's outlives a run): a name of its own finds this run's load balancer only.
    const name = `cli-test-${orchestrator.taskQueue}`;
    const created = await amphora([
      'lb',
      'create',
      '--name',
      name,
      '--vip-subnet-id',
      'vip-subnet',
      '--topology',
      'ACTIVE_STANDBY',
      '--wait',
    ]);
    expect(created.code).toBe(0);
    // The live display: each step of the create workflow as it ends, then the record.
    expect(created.stdout).toMatch(/✔ allocate VIP/);
    expect(created.stdout).toMatch(/✔ plug VIP into MASTER amphora/);
    expect(created.stdout).toMatch(/provisioning_status\s+ACTIVE/);

    const listed = await amphora(['lb', 'list', '--name', name, '--json']);
    const [lb] = JSON.parse(listed.stdout) as { id: string; amphorae: { id: string }[] }[];
    expect(lb?.amphorae).toHaveLength(2);
    const id = lb?.id ?? '';

    const shown = JSON.parse((await amphora(['lb', 'show', id, '--json'])).stdout) as {
      record: { provisioningStatus: string };
    };
    expect(shown.record.provisioningStatus).toBe('ACTIVE');
    const amphorae = JSON.parse((await amphora(['amphora', 'list', '--loadbalancer', id, '--json'])).stdout) as {
      id: string;
    }[];
    expect(amphorae).toHaveLength(2);
    const one = amphorae[0]?.id ?? '';
    expect((await amphora(['amphora', 'show', one])).stdout).toContain(one);

    const amphoraFailover = await amphora(['amphora', 'failover', one, '--wait', '--json']);
    expect(amphoraFailover.code).toBe(0);
    const afterOne = JSON.parse(amphoraFailover.stdout) as { amphorae: { id: string }[]; provisioningStatus: string };
    expect(afterOne.provisioningStatus).toBe('ACTIVE');
    expect(afterOne.amphorae.map((amphora) => amphora.id)).not.toContain(one);

    const failover = await amphora(['lb', 'failover', id, '--wait']);
    expect(failover.code).toBe(0);
    expect(failover.stdout).toMatch(/✔ delete old amphora/);

    const deleted = await amphora(['lb', 'delete', id, '--cascade', '--wait']);
    expect(deleted.code).toBe(0);
    expect(deleted.stdout).toContain(`Load balancer ${id} is DELETED.`);
    expect(orchestrator.drivers.inventory()).toEqual(orchestrator.baseline);
  });

  it('turns every failure into one line on stderr and a non-zero exit', async () => {
    const unknown = await amphora(['lb', 'show', '00000000-0000-4000-8000-000000000000']);
    expect(unknown.code).toBe(1);
    expect(unknown.stderr.trim()).toBe(
      'amphora: Load Balancer 00000000-0000-4000-8000-000000000000 could not be found.',
    );

    const badInput = await amphora(['lb', 'create', '--name', 'x']);
    expect(badInput.code).toBe(1);
    expect(badInput.stderr.trim()).toBe('amphora: Invalid vip: name the VIP subnetId, networkId or portId');

    const badConfig = await amphora(['lb', 'list'], { AMPHORA_DEFAULT_TOPOLOGY: 'RING' });
    expect(badConfig.code).toBe(2);
    expect(badConfig.stderr.trim().split('\n')).toHaveLength(1);
    expect(badConfig.stderr).toContain('AMPHORA_DEFAULT_TOPOLOGY="RING": expected SINGLE or ACTIVE_STANDBY');

    const noServer = await amphora(['lb', 'list'], { TEMPORAL_ADDRESS: '127.0.0.1:1' });
    expect(noServer.code).toBe(1);
    expect(noServer.stderr).toMatch(
      /^amphora: Cannot reach the Temporal server at 127\.0\.0\.1:1 \(TEMPORAL_ADDRESS\)/,
    );
  });

  it('shows the health manager, and says how to start one when none runs', async () => {
    const none = await amphora(['amphora', 'health']);
    expect(none.code).toBe(0);
    expect(none.stdout.trim()).toBe(
      `No health manager runs (health-manager-${orchestrator.taskQueue}): start a worker with AMPHORA_HEARTBEAT_KEY set.`,
    );
    const settings = { heartbeatTimeoutMs: 60_000, checkIntervalMs: 1_000, failoverThreshold: 5 };
    const handle = await orchestrator.temporal.client.workflow.start('healthManager', {
      taskQueue: orchestrator.taskQueue,
      workflowId: `health-manager-${orchestrator.taskQueue}`,
      args: [{ settings }],
    });
    try {
      const shown = await amphora(['amphora', 'health']);
      expect(shown.code).toBe(0);
      expect(shown.stdout).toContain(`Health manager health-manager-${orchestrator.taskQueue}`);
      expect(shown.stdout).toMatch(/breaker: +CLOSED, 0 silent amphorae, threshold 5, opened 0 times/);
      expect(shown.stdout).toMatch(/settings: +heartbeat timeout 60000 ms, looks every 1000 ms/);
      expect(shown.stdout).toContain('FAILOVER_STOPPED: none');
    } finally {
      await handle.terminate('the test ends');
    }
  });

  it('asks for an amphora or --stopped, not neither nor both', async () => {
    const neither = await amphora(['amphora', 'failover']);
    expect(neither.code).toBe(1);
    expect(neither.stderr.trim()).toBe(
      'amphora: Invalid id: Name the amphora to fail over, or use --stopped for every FAILOVER_STOPPED one.',
    );
    const both = await amphora(['amphora', 'failover', '00000000-0000-4000-8000-000000000000', '--stopped']);
    expect(both.code).toBe(1);
    expect(both.stderr.trim()).toBe('amphora: Invalid id: Give an amphora id or --stopped, not both.');
  });
});
