import { AgentLab } from '../../../agent/fixtures/lab';
import { ensureDebianPackages } from '../../../harness/debian-packages';
import { amphoraDriverContract } from '../contract';
import { localAmphoraSubject } from './subject';

/**
 * Contract tests that assume the noop driver's rendering paths: the contract compares the applied haproxy.cfg with
 * `renderHaproxyConfig(request)` under the default `/var/lib/octavia` paths, while the local driver renders with
 * the amphora's own state dir (two amphorae on one host cannot share a stats socket path). driver.test.ts checks
 * the same behaviour against the rendering with the amphora's paths.
 */
const NOT_FOR_LOCAL = new Set(['runs the rendered haproxy configuration and reports counters for each listener']);

let lab: AgentLab | undefined;
beforeAll(async () => {
  await ensureDebianPackages(['haproxy', 'keepalived']);
  lab = await AgentLab.create();
}, 300_000);
afterAll(async () => {
  await lab?.teardown();
});

const realIt = it;
globalThis.it = Object.assign(
  (name: string, fn?: jest.ProvidesCallback, timeout?: number) =>
    NOT_FOR_LOCAL.has(name) ? realIt.skip(name, fn, timeout) : realIt(name, fn, timeout),
  realIt,
) as jest.It;
try {
  amphoraDriverContract('LocalAmphoraDriver (agents in namespaces)', () => {
    if (!lab) throw new Error('the lab was not created');
    return Promise.resolve(localAmphoraSubject(lab));
  });
} finally {
  globalThis.it = realIt;
}
