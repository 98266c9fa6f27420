import { randomBytes } from 'node:crypto';
import { Client } from '@temporalio/client';
import { temporal as proto } from '@temporalio/proto';
import { dataConverterFor, parseCodecKeys } from '../../src/codec';
import { createLoadBalancer } from '../../src/workflows';
import { connectTestTemporal, type TestTemporal } from '../harness/temporal';
import { createRequest, startOrchestrator } from '../workflows/orchestrator';

const MARKER = 'secret-user-data-4b9e';

/** The raw bytes of a workflow's history, as the server stores it and `temporal workflow show` prints it. */
async function rawHistory(client: Client, namespace: string, workflowId: string): Promise<string> {
  const { history } = await client.workflowService.getWorkflowExecutionHistory({
    namespace,
    execution: { workflowId },
  });
  return Buffer.from(proto.api.history.v1.History.encode(history ?? {}).finish()).toString('latin1');
}

describe('workflow history with the payload codec', () => {
  let temporal: TestTemporal;
  beforeAll(async () => {
    temporal = await connectTestTemporal();
  });
  afterAll(async () => {
    await temporal.close();
  });

  it('holds user data in clear without the codec, and nowhere with it', async () => {
    const dataConverter = dataConverterFor(parseCodecKeys(`k1:${randomBytes(32).toString('base64')}`, 'keys'));
    for (const encrypted of [false, true]) {
      const orchestrator = await startOrchestrator({ temporal, dataConverter: encrypted ? dataConverter : undefined });
      try {
        const client = new Client({
          connection: temporal.client.connection,
          namespace: temporal.namespace,
          dataConverter: encrypted ? dataConverter : undefined,
        });
        const request = createRequest();
        request.amphora = { ...request.amphora, userData: `#cloud-config\n# ${MARKER}\n` };
        const workflowId = `codec-${String(encrypted)}-${request.loadBalancerId}`;
        const lb = await client.workflow.execute(createLoadBalancer, {
          taskQueue: orchestrator.taskQueue,
          workflowId,
          args: [request],
        });
        // The workflow ran through the codec both ways: the worker decoded its input and encoded its result.
        expect(lb.provisioningStatus).toBe('ACTIVE');
        const raw = await rawHistory(client, temporal.namespace, workflowId);
        if (encrypted) expect(raw).not.toContain(MARKER);
        else expect(raw).toContain(MARKER); // the check bites: in clear, the marker is there
      } finally {
        await orchestrator.stop();
      }
    }
  });
});
