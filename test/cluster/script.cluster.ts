import { execFile } from 'node:child_process';
import { join } from 'node:path';
import { promisify } from 'node:util';

/**
 * `./temporal-cluster.sh` itself, on the cluster `npm run test:cluster` brought up (its environment names the state
 * folder and ports). It runs after the suites, in the chaos run's jest: it kills and breaks services on purpose.
 */
const SCRIPT = join(__dirname, '..', '..', 'temporal-cluster.sh');

async function script(args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  try {
    const { stdout, stderr } = await promisify(execFile)(SCRIPT, args, { timeout: 600_000 });
    return { code: 0, stdout, stderr };
  } catch (err) {
    const failed = err as { code: number; stdout: string; stderr: string };
    return { code: failed.code, stdout: failed.stdout, stderr: failed.stderr };
  }
}

/** The pid of each service as `status` reports it. */
async function pids(): Promise<Record<string, string>> {
  const { stderr } = await script(['status']);
  const running: Record<string, string> = {};
  for (const [, service = '', pid = ''] of stderr.matchAll(/(\w+): running \(pid (\d+)\)/g)) running[service] = pid;
  return running;
}

describe('./temporal-cluster.sh', () => {
  it('comes up twice in a row: the second up finds every service running and restarts none', async () => {
    expect((await script(['up'])).code).toBe(0);
    const before = await pids();
    expect(Object.keys(before).sort()).toEqual(['frontend', 'history', 'matching', 'worker']);
    const again = await script(['up']);
    expect(again.code).toBe(0);
    expect(again.stderr).toContain('up: frontend 127.0.0.1:');
    expect(await pids()).toEqual(before);
    expect((await script(['status'])).stderr).toContain('postgresql: running');
  });

  it('names a database schema older than the server and the command that upgrades it; up upgrades it', async () => {
    expect((await script(['kill', 'history'])).code).toBe(0);
    // The schema as version 1.17 left it: without the tables 1.18 added, and saying so.
    const downgraded = await script([
      'psql',
      '-c',
      "DROP TABLE tasks_v2; DROP TABLE task_queues_v2; UPDATE schema_version SET curr_version = '1.17' WHERE db_name = 'temporal'",
    ]);
    expect(downgraded.code).toBe(0);

    const refused = await script(['start', 'history']);
    expect(refused.code).not.toBe(0);
    expect(refused.stderr).toContain(
      'history refused the database: version mismatch for keyspace/database: "temporal". Expected version: 1.18 cannot be greater than Actual version: 1.17.',
    );
    expect(refused.stderr).toContain('Upgrade the schema with ./temporal-cluster.sh up');

    const fixed = await script(['up']);
    expect(fixed.code).toBe(0);
    expect(Object.keys(await pids()).sort()).toEqual(['frontend', 'history', 'matching', 'worker']);
    const version = await script([
      'psql',
      '-XAtc',
      "SELECT curr_version FROM schema_version WHERE db_name = 'temporal'",
    ]);
    expect(version.stdout.trim()).toBe('1.18');
  });

  it('serves the Temporal Web UI against the cluster', async () => {
    const ui = await script(['ui']);
    expect(ui.code).toBe(0);
    const url = /Web UI: (http:\/\/\S+)/.exec(ui.stderr)?.[1] ?? '';
    expect(url).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/namespaces\/default\/workflows$/);
    const page = await fetch(url);
    expect(page.status).toBe(200);
    expect(await page.text()).toContain('<html');
    // The UI's own API reaches the cluster's frontend: it lists the namespace the script made.
    const namespaces = await fetch(new URL('/api/v1/namespaces', url));
    expect(namespaces.status).toBe(200);
    expect(await namespaces.text()).toContain('"default"');
  });
});
