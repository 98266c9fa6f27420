import { randomBytes } from 'node:crypto';
import { Client } from '@temporalio/client';
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import { dataConverterFor, EncryptionCodec, parseCodecKeys } from '../../src/codec';
import { startCodecServer } from '../../src/controller/codec-server';
import { createLoadBalancer } from '../../src/workflows';
import { freePort, startDevServer } from '../harness/dev-server';
import { connectTestTemporal, quietRuntime, type TestTemporal } from '../harness/temporal';
import { createRequest, startOrchestrator, type Orchestrator } from '../workflows/orchestrator';
import { ensureChromium, launchChromium } from './chromium';

/**
 * With encrypted payloads, an operator still reads them in the Temporal UI: its dev server decodes through the
 * `amphora codec-server` endpoint. The marker in user data is in the page, and in no raw payload.
 */
const MARKER = 'ui-decoded-marker-5d21';
const keys = parseCodecKeys(`k1:${randomBytes(32).toString('base64')}`, 'AMPHORA_CODEC_KEYS');

let environment: TestWorkflowEnvironment | undefined;
let temporal: TestTemporal | undefined;
let orchestrator: Orchestrator | undefined;
let codecServer: { url: string; close(): Promise<void> } | undefined;
let uiPort = 0;

beforeAll(async () => {
  ensureChromium();
  quietRuntime('ERROR');
  uiPort = await freePort();
  codecServer = await startCodecServer(new EncryptionCodec(keys), {
    host: '127.0.0.1',
    port: 0,
    uiOrigins: [`http://127.0.0.1:${uiPort}`, `http://localhost:${uiPort}`],
  });
  environment = await startDevServer({ uiPort, uiCodecEndpoint: codecServer.url });
  temporal = await connectTestTemporal({ address: environment.address, namespace: environment.namespace });
  orchestrator = await startOrchestrator({ temporal, dataConverter: dataConverterFor(keys) });
}, 900_000);

afterAll(async () => {
  await orchestrator?.stop();
  await temporal?.close();
  await environment?.teardown();
  await codecServer?.close();
});

it('shows an encrypted workflow input decoded through the codec server', async () => {
  if (!orchestrator || !temporal) throw new Error('the orchestrator did not start');
  const client = new Client({
    connection: temporal.client.connection,
    namespace: temporal.namespace,
    dataConverter: dataConverterFor(keys),
  });
  const request = createRequest();
  request.amphora = { ...request.amphora, userData: `#cloud-config\n# ${MARKER}\n` };
  const handle = await client.workflow.start(createLoadBalancer, {
    taskQueue: orchestrator.taskQueue,
    workflowId: `ui-codec-${request.loadBalancerId}`,
    args: [request],
  });
  await handle.result();

  const chromium = await launchChromium({ width: 1440, height: 1200 });
  try {
    const page = await chromium.context.newPage();
    const url = `http://127.0.0.1:${uiPort}/namespaces/default/workflows/${handle.workflowId}/${handle.firstExecutionRunId}/history`;
    await page.goto(url);
    await page.getByTestId('workflow-id-heading').filter({ hasText: handle.workflowId }).waitFor();
    await page.getByText(MARKER, { exact: false }).first().waitFor({ timeout: 30_000 });
    expect(chromium.blocked).toEqual([]);
  } finally {
    await chromium.close();
  }
});
