import { randomBytes } from 'node:crypto';
import { connectTestTemporal, uniqueTaskQueue, type TestTemporal } from '../harness/temporal';
import { startOtlpReceiver, type OtlpReceiver, type ReceivedSpan } from '../harness/otlp-receiver';
import { secretMarker, startWorkerAndApi, type CapturedProcess } from '../secrets/log-capture';

/**
 * OpenTelemetry tracing as an operator turns it on (OTEL_EXPORTER_OTLP_ENDPOINT on `amphora server` and `amphora
 * worker`): one trace follows a create from the caller's `traceparent` through the REST API, the workflow's start and
 * run, each activity, down to the driver calls, and nothing secret is exported.
 */
let temporal: TestTemporal;
let receiver: OtlpReceiver;
const processes: CapturedProcess[] = [];
beforeAll(async () => {
  temporal = await connectTestTemporal();
  receiver = await startOtlpReceiver();
});
afterAll(async () => {
  await Promise.all(processes.map((process) => process.stop()));
  await receiver?.close();
  await temporal?.close();
});

/** The chain of span names from `span` up to the root of its trace, innermost first. */
function ancestry(span: ReceivedSpan, spans: ReceivedSpan[]): ReceivedSpan[] {
  const byId = new Map(spans.map((each) => [each.spanId, each]));
  const chain = [span];
  for (let parent = span.parentSpanId; parent && byId.has(parent); parent = byId.get(parent)?.parentSpanId) {
    chain.push(byId.get(parent) as ReceivedSpan);
  }
  return chain;
}

/** A `traceparent` of a new trace, as a caller that traces itself sends it. */
function callerTrace(): { traceId: string; spanId: string; traceparent: string } {
  const traceId = randomBytes(16).toString('hex');
  const spanId = randomBytes(8).toString('hex');
  return { traceId, spanId, traceparent: `00-${traceId}-${spanId}-01` };
}

/** The names from the driver span `name` up to its trace's root, with each span's service, innermost first. */
function chainOf(spans: ReceivedSpan[], name: string): ReceivedSpan[] {
  const driverCall = spans.find((span) => span.name === name);
  if (!driverCall) throw new Error(`no ${name} span among: ${spans.map((span) => span.name).join(', ')}`);
  return ancestry(driverCall, spans);
}

it('follows a create and a delete from their API requests through the entity and each workflow to each driver call', async () => {
  const marker = secretMarker();
  const token = `token-${marker}`;
  const env = {
    ...process.env,
    TEMPORAL_ADDRESS: temporal.address,
    TEMPORAL_NAMESPACE: temporal.namespace,
    AMPHORA_TASK_QUEUE: uniqueTaskQueue('tracing'),
    AMPHORA_NOOP_BUILD_DELAY_MS: '0',
    AMPHORA_API_LISTEN: '127.0.0.1:0',
    AMPHORA_API_TOKENS: token,
    AMPHORA_HEARTBEAT_KEY: '',
    OTEL_EXPORTER_OTLP_ENDPOINT: receiver.endpoint,
    // Batches leave every 100 ms instead of 5 s, so the test need not wait for exit.
    OTEL_BSP_SCHEDULE_DELAY: '100',
  };
  const { worker, api, url } = await startWorkerAndApi(env);
  processes.push(worker, api);
  const request = (method: string, path: string, caller: { traceparent: string }, body?: unknown) =>
    fetch(`${url}/v2/lbaas/loadbalancers${path}`, {
      method,
      headers: { 'X-Auth-Token': token, 'Content-Type': 'application/json', traceparent: caller.traceparent },
      ...(body ? { body: JSON.stringify(body) } : {}),
    });
  const spansOf = (traceId: string) => receiver.spans().filter((span) => span.traceId === traceId);
  const waitForSpan = async (traceId: string, name: string) => {
    const deadline = Date.now() + 60_000;
    while (!spansOf(traceId).some((span) => span.name === name)) {
      if (Date.now() > deadline) throw new Error(`no ${name} span in trace ${traceId} within 60 s`);
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
  };

  // Both callers trace themselves: the API continues each one's trace.
  const creator = callerTrace();
  const created = await request('POST', '', creator, { loadbalancer: { vip_subnet_id: 'vip-subnet', name: 'traced' } });
  expect(created.status).toBe(201);
  const id = ((await created.json()) as { loadbalancer: { id: string } }).loadbalancer.id;
  await waitForSpan(creator.traceId, 'RunWorkflow:createLoadBalancer');
  const deleter = callerTrace();
  expect((await request('DELETE', `/${id}`, deleter)).status).toBe(204);
  await waitForSpan(deleter.traceId, 'RunWorkflow:deleteLoadBalancer');
  // The entity's own run ends with the delete: its span, the link between the create's request and its child, follows.
  await waitForSpan(creator.traceId, 'RunWorkflow:loadBalancerEntity');

  const create = chainOf(spansOf(creator.traceId), 'compute.build');
  expect(create.map((span) => `${span.service} ${span.name}`)).toEqual([
    'amphora-worker compute.build',
    'amphora-worker RunActivity:buildAmphora',
    'amphora-worker StartActivity:buildAmphora',
    'amphora-worker RunWorkflow:createLoadBalancer',
    'amphora-worker StartChildWorkflow:createLoadBalancer',
    'amphora-worker RunWorkflow:loadBalancerEntity',
    'amphora-api StartWorkflow:loadBalancerEntity',
    'amphora-api POST /v2/lbaas/loadbalancers',
  ]);
  expect(create.at(-1)?.parentSpanId).toBe(creator.spanId);
  expect(create.at(-1)?.attributes['http.response.status_code']).toBe(201);

  // The delete joins its own request's trace, not the create's that started the entity.
  const deletion = spansOf(deleter.traceId);
  const del = chainOf(deletion, 'compute.delete');
  expect(del.map((span) => `${span.service} ${span.name}`)).toEqual([
    'amphora-worker compute.delete',
    'amphora-worker RunActivity:deleteAmphora',
    'amphora-worker StartActivity:deleteAmphora',
    'amphora-worker RunWorkflow:deleteLoadBalancer',
    'amphora-worker StartChildWorkflow:deleteLoadBalancer',
    'amphora-worker HandleUpdate:deleteLoadBalancer',
    'amphora-api StartWorkflowUpdate:deleteLoadBalancer',
    'amphora-api DELETE /v2/lbaas/loadbalancers/:id',
  ]);
  expect(del.at(-1)?.parentSpanId).toBe(deleter.spanId);
  expect(spansOf(creator.traceId).some((span) => span.name.includes('deleteLoadBalancer'))).toBe(false);

  // Every driver family a create calls shows up, each span naming its driver.
  const driverSpans = spansOf(creator.traceId).filter((span) => /^(compute|network|amphora)\./.test(span.name));
  expect(new Set(driverSpans.map((span) => span.name.split('.')[0]))).toEqual(
    new Set(['compute', 'network', 'amphora']),
  );
  expect(driverSpans.every((span) => typeof span.attributes['amphora.driver'] === 'string')).toBe(true);

  // The token never leaves in a span.
  expect(receiver.bodies().some((body) => body.includes(marker))).toBe(false);
});
