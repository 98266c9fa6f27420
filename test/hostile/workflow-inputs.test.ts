import { randomUUID } from 'node:crypto';
import type { WorkflowHandle } from '@temporalio/client';
import { temporal as proto } from '@temporalio/proto';
import fc from 'fast-check';
import {
  AmphoraStatusSchema,
  AmphoraTypeSchema,
  ProvisioningStatusSchema,
  TopologySchema,
  type LoadBalancer,
} from '../../src/models';
import { createLoadBalancer } from '../../src/workflows';
import { createRequest, failureOf, FAST_TIMING, startOrchestrator, type Orchestrator } from '../workflows/orchestrator';
import {
  hostileJson,
  invalidId,
  invalidInt,
  invalidIp,
  invalidText,
  malformedRequestBody,
  namesThePlace,
  notAString,
  notOneOf,
  type FieldRule,
} from './request-bodies';

/**
 * Hostile workflow inputs, on the real dev server: a valid request broken in one random place, or random JSON. Each
 * must fail once, with a ValidationError naming the broken field, before any activity is scheduled and without a
 * failed workflow task (a crash there would be retried forever), creating nothing. Run counts are modest: every run
 * is a real workflow.
 */

const EventType = proto.api.enums.v1.EventType;
const RUNS = Number(process.env.HOSTILE_RUNS ?? 20);

let orchestrator: Orchestrator;
beforeAll(async () => {
  orchestrator = await startOrchestrator();
});
afterAll(async () => {
  await orchestrator.stop();
});

/** Starts `workflow` with `input` and checks that it was refused as a bad request, naming `path` when given. */
async function expectRefused(workflow: string, input: unknown, path?: string): Promise<void> {
  const journalBefore = orchestrator.drivers.journal().length;
  const handle: WorkflowHandle = await orchestrator.temporal.client.workflow.start(workflow, {
    taskQueue: orchestrator.taskQueue,
    workflowId: `hostile-${workflow}-${randomUUID()}`,
    args: [input],
  });
  const failure = await failureOf(handle);
  expect(failure.type).toBe('ValidationError');
  expect(failure.message).toContain('Nothing was created');
  const [details] = (failure.details ?? []) as { field?: string }[];
  expect(details?.field).toEqual(expect.any(String));
  if (path !== undefined && !namesThePlace(details?.field ?? '', path)) {
    throw new Error(
      `the refusal names "${details?.field}", but the request was broken at "${path}": ${failure.message}`,
    );
  }
  const events = ((await handle.fetchHistory()).events ?? []).map((event) => event.eventType);
  expect(events).not.toContain(EventType.EVENT_TYPE_ACTIVITY_TASK_SCHEDULED);
  expect(events).not.toContain(EventType.EVENT_TYPE_WORKFLOW_TASK_FAILED);
  expect(events).not.toContain(EventType.EVENT_TYPE_WORKFLOW_TASK_TIMED_OUT);
  expect(events.filter((type) => type === EventType.EVENT_TYPE_WORKFLOW_EXECUTION_FAILED)).toHaveLength(1);
  expect(orchestrator.drivers.journal()).toHaveLength(journalBefore);
}

const ids = (path: string, required = true): FieldRule => ({ path, required, invalid: invalidId() });

/** Where a create request can be broken, and how. */
export const CREATE_RULES: readonly FieldRule[] = [
  ids('loadBalancerId'),
  ids('projectId'),
  { path: 'name', invalid: invalidText(255) },
  { path: 'description', invalid: invalidText(255) },
  { path: 'topology', required: true, invalid: notOneOf(TopologySchema.options) },
  {
    path: 'vip',
    required: true,
    invalid: fc.oneof(
      notAString().filter((v) => typeof v !== 'object'),
      fc.constant({}),
    ),
  },
  { path: 'vip.subnetId', required: true, invalid: invalidId() },
  { path: 'vip.ipAddress', invalid: invalidIp() },
  { path: 'amphora', required: true, invalid: fc.constantFrom(null, 7, 'amphora', []) },
  ids('amphora.imageId'),
  ids('amphora.flavor'),
  ids('amphora.managementNetworkId'),
  { path: 'amphora.amphoraType', invalid: notOneOf(AmphoraTypeSchema.options) },
  {
    path: 'amphora.keys',
    invalid: fc.oneof(
      // Nova installs one key pair per server: a second is refused, not dropped.
      fc.array(fc.constant('key'), { minLength: 2, maxLength: 20 }),
      fc.tuple(invalidId()),
      fc.constantFrom('key', 3),
    ),
  },
  {
    path: 'amphora.configDriveFiles',
    invalid: fc.oneof(
      fc.dictionary(fc.stringMatching(/^\/etc\/[a-z]{1,8}$/), fc.constant('x'), { minKeys: 6, maxKeys: 8 }),
      fc.constant({ '/etc/big': 'x'.repeat(10 * 1024 + 1) }),
      fc.constant({ 'relative/path': 'x' }),
      fc.record({ '/etc/motd': fc.oneof(fc.integer(), fc.constant({ base64: '***' }), fc.constant(null)) }),
    ),
  },
  {
    path: 'amphora.userData',
    // Nova's limit is on the base64 text: 49,150 raw bytes encode to 65,536.
    invalid: fc.oneof(fc.constant('u'.repeat(49_150)), fc.constant('é'.repeat(24_575)), notAString()),
  },
  {
    path: 'listenerPorts',
    invalid: fc.oneof(
      fc.constant('80'),
      fc.record({ protocol: fc.constant('TCP'), port: invalidInt(1, 65_535) }).map((port) => [port]),
      fc.record({ protocol: notOneOf(['TCP', 'UDP']), port: fc.constant(80) }).map((port) => [port]),
    ),
  },
  { path: 'tags', invalid: fc.oneof(fc.constant('web'), fc.constant(['t'.repeat(256)])) },
  { path: 'timing.maxAttempts', invalid: invalidInt(1, 100) },
  { path: 'timing.activityTimeoutMs', invalid: invalidInt(1, Number.MAX_SAFE_INTEGER) },
];

/** A load balancer record as the workflows that change one take it. */
const lbRecord = (): LoadBalancer & { amphoraTemplate: ReturnType<typeof createRequest>['amphora'] } => ({
  id: randomUUID(),
  projectId: 'project-test',
  name: 'web',
  description: '',
  provisioningStatus: 'ACTIVE',
  operatingStatus: 'ONLINE',
  topology: 'SINGLE',
  vip: {
    ipAddress: '198.51.100.10',
    subnetId: 'vip-subnet',
    networkId: 'vip-net',
    portId: randomUUID(),
    octaviaOwned: true,
  },
  amphorae: [{ id: 'amphora-1', computeId: randomUUID(), status: 'ALLOCATED', role: 'STANDALONE' }],
  tags: [],
  createdAt: new Date().toISOString(),
  amphoraTemplate: createRequest().amphora,
});

const LB_RULES: readonly FieldRule[] = [
  ids('loadBalancer.id'),
  ids('loadBalancer.projectId'),
  { path: 'loadBalancer.provisioningStatus', required: true, invalid: notOneOf(ProvisioningStatusSchema.options) },
  { path: 'loadBalancer.topology', required: true, invalid: notOneOf(TopologySchema.options) },
  { path: 'loadBalancer.createdAt', required: true, invalid: fc.oneof(fc.constant('yesterday'), notAString()) },
  { path: 'loadBalancer.vip.ipAddress', required: true, invalid: invalidIp() },
  { path: 'loadBalancer.amphorae', invalid: fc.constantFrom('amphora-1', 1, { id: 'a' }) },
  { path: 'loadBalancer.amphorae.0.status', required: true, invalid: notOneOf(AmphoraStatusSchema.options) },
];

const FAILOVER_RULES: readonly FieldRule[] = [
  ...LB_RULES,
  ids('amphoraId'),
  { path: 'loadBalancer.amphoraTemplate', required: true, invalid: fc.constantFrom(null, 'template', []) },
  ids('loadBalancer.amphoraTemplate.imageId'),
];

const PLUG_RULES: readonly FieldRule[] = [...LB_RULES, ids('networkId'), { path: 'ipAddress', invalid: invalidIp() }];

describe('hostile workflow input is refused cleanly, naming the field, creating nothing', () => {
  it('createLoadBalancer, a valid request broken in one place', async () => {
    const valid = () => createRequest() as unknown as Record<string, unknown>;
    await fc.assert(
      fc.asyncProperty(malformedRequestBody(valid, CREATE_RULES, ['', 'vip', 'amphora', 'timing']), (malformed) =>
        expectRefused('createLoadBalancer', malformed.body, malformed.path),
      ),
      {
        numRuns: RUNS * 2,
        // Found by this test once: an id over the server's 2 KiB search-attribute limit got the workflow terminated.
        examples: [
          [{ body: { ...valid(), loadBalancerId: 'a'.repeat(3_000) }, path: 'loadBalancerId', how: 'replaced' }],
          [{ body: { ...valid(), name: 'n'.repeat(3_000) }, path: 'name', how: 'replaced' }],
        ],
      },
    );
  });

  it('createLoadBalancer, random JSON', async () => {
    await fc.assert(
      fc.asyncProperty(hostileJson(), (body) => expectRefused('createLoadBalancer', body)),
      { numRuns: RUNS },
    );
  });

  it('failoverAmphora, a valid request broken in one place', async () => {
    const valid = () => ({ loadBalancer: lbRecord(), amphoraId: 'amphora-1', timing: FAST_TIMING });
    await fc.assert(
      fc.asyncProperty(malformedRequestBody(valid, FAILOVER_RULES, ['', 'loadBalancer.amphoraTemplate']), (malformed) =>
        expectRefused('failoverAmphora', malformed.body, malformed.path),
      ),
      { numRuns: RUNS },
    );
  });

  it('plugMemberNetwork, a valid request broken in one place', async () => {
    const valid = () => {
      const { amphoraTemplate: _template, ...loadBalancer } = lbRecord();
      return { loadBalancer, networkId: 'member-net-a', timing: FAST_TIMING };
    };
    await fc.assert(
      fc.asyncProperty(malformedRequestBody(valid, PLUG_RULES, ['']), (malformed) =>
        expectRefused('plugMemberNetwork', malformed.body, malformed.path),
      ),
      { numRuns: RUNS },
    );
  });

  it('leaves the worker running: a valid create still succeeds afterwards', async () => {
    const lb = await orchestrator.temporal.client.workflow.execute(createLoadBalancer, {
      taskQueue: orchestrator.taskQueue,
      workflowId: `hostile-after-${randomUUID()}`,
      args: [createRequest()],
    });
    expect(lb.provisioningStatus).toBe('ACTIVE');
  });
});
