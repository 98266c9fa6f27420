import { loadConfig } from '../../src/config';
import { startApiServer, type ApiServer } from '../../src/controller/api/server';
import { LoadBalancerController } from '../../src/controller/load-balancers';
import { createLogger } from '../../src/logger';
import { eventually } from '../drivers/expect-error';
import { connectTestTemporal, uniqueTaskQueue, type TestTemporal } from '../harness/temporal';
import { startOrchestrator, type Orchestrator } from '../workflows/orchestrator';
import { apiClient } from './api-client';
import { untilStatus } from './until-status';

/**
 * The API while no worker runs (a deploy, a crash): reads answer at once from what each entity last published and say
 * when that may be behind; writes that need a worker are refused within seconds with 503 and Retry-After, and nothing
 * is a 500. A create is durable: it is accepted and runs when a worker comes back.
 */
describe('the API without a worker', () => {
  let temporal: TestTemporal;
  let server: ApiServer;
  let worker: Orchestrator | undefined;
  const taskQueue = uniqueTaskQueue('no-worker');
  const call = () => apiClient(server, 'operator');

  beforeAll(async () => {
    temporal = await connectTestTemporal();
    worker = await startOrchestrator({ temporal, taskQueue });
    const config = loadConfig({
      TEMPORAL_ADDRESS: temporal.address,
      TEMPORAL_NAMESPACE: temporal.namespace,
      AMPHORA_TASK_QUEUE: taskQueue,
      AMPHORA_API_TOKENS: 'operator',
      AMPHORA_API_WORKER_WAIT_MS: '2000',
    });
    server = await startApiServer(config, temporal.client, createLogger('silent'), { port: 0 });
  });
  afterAll(async () => {
    await server?.close();
    await worker?.stop();
    await temporal?.close();
  });

  const create = (name: string) =>
    call()('POST', '/v2/lbaas/loadbalancers', { body: { loadbalancer: { name, vip_subnet_id: 'vip-subnet' } } });
  const timed = async <T>(body: () => Promise<T>): Promise<{ result: T; ms: number }> => {
    const started = performance.now();
    const result = await body();
    return { result, ms: performance.now() - started };
  };

  it('reads from the last published record, refuses writes with 503, and takes creates durably', async () => {
    const controller = new LoadBalancerController(temporal.client, taskQueue, { workerWaitMs: 2_000 });
    const made = await create('before-the-crash');
    expect(made.status).toBe(201);
    const id = (made.body.loadbalancer as { id: string }).id;
    await untilStatus(controller, id, 'ACTIVE');

    await worker?.stop();
    worker = undefined;

    const read = await timed(() => call()('GET', `/v2/lbaas/loadbalancers/${id}`));
    expect(read.result.status).toBe(200);
    expect(read.result.body.loadbalancer).toMatchObject({ id, provisioning_status: 'ACTIVE' });
    // Nothing happened since it was published: the record is current, not stale.
    expect(read.result.headers.get('warning')).toBeNull();
    expect(read.ms).toBeLessThan(1_000);
    const tree = await call()('GET', `/v2/lbaas/loadbalancers/${id}/status`);
    expect(tree.status).toBe(200);
    // The CLI's show: the published record, and word that the operations could not be asked about.
    const shown = await timed(() => controller.show(id));
    expect(shown.result).toMatchObject({ answered: false, record: { id, provisioningStatus: 'ACTIVE' } });
    expect(shown.ms).toBeLessThan(5_000);

    for (const [method, path, body] of [
      ['PUT', `/v2/lbaas/loadbalancers/${id}`, { loadbalancer: { name: 'renamed' } }],
      ['DELETE', `/v2/lbaas/loadbalancers/${id}`, undefined],
      ['PUT', `/v2/lbaas/loadbalancers/${id}/failover`, undefined],
    ] as const) {
      const write = await timed(() => call()(method, path, body ? { body } : {}));
      expect({ method, path, status: write.result.status }).toEqual({ method, path, status: 503 });
      expect(write.result.headers.get('retry-after')).toMatch(/^\d+$/);
      expect(write.result.body.faultstring).toMatch(/no worker/i);
      expect(write.ms).toBeLessThan(5_000);
    }

    // A create needs no answer from a worker: it is accepted and waits, its record saying so once it is behind.
    const waiting = await create('while-down');
    expect(waiting.status).toBe(201);
    const waitingId = (waiting.body.loadbalancer as { id: string }).id;
    const stale = await eventually(async () => {
      const seen = await call()('GET', `/v2/lbaas/loadbalancers/${waitingId}`);
      return seen.headers.get('warning') ? seen : undefined;
    }, 10_000);
    expect(stale.status).toBe(200);
    expect(stale.body.loadbalancer).toMatchObject({ provisioning_status: 'PENDING_CREATE' });
    expect(stale.headers.get('warning')).toMatch(/^110 - "Response is Stale/);
    const listed = await call()('GET', '/v2/lbaas/loadbalancers?name=while-down');
    expect(listed.body.loadbalancers).toHaveLength(1);

    worker = await startOrchestrator({ temporal, taskQueue });
    await untilStatus(controller, waitingId, 'ACTIVE');
    const renamed = await call()('PUT', `/v2/lbaas/loadbalancers/${waitingId}`, {
      body: { loadbalancer: { name: 'after-the-crash' } },
    });
    expect(renamed.status).toBe(200);
    expect(await controller.show(waitingId)).toMatchObject({ answered: true, last: { kind: 'create' } });
    const fresh = await call()('GET', `/v2/lbaas/loadbalancers/${waitingId}`);
    expect(fresh.headers.get('warning')).toBeNull();
    expect(fresh.body.loadbalancer).toMatchObject({ name: 'after-the-crash' });
  }, 120_000);
});
