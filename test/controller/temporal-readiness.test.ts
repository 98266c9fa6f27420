import { randomUUID } from 'node:crypto';
import Long from 'long';
import { temporal as proto } from '@temporalio/proto';
import { loadConfig } from '../../src/config';
import { ALL_SEARCH_ATTRIBUTES } from '../../src/contracts';
import { connectClient } from '../../src/controller/client';
import { createNoopDrivers } from '../../src/drivers';
import { createLogger } from '../../src/logger';
import { checkTemporalReady } from '../../src/temporal-readiness';
import { startWorker } from '../../src/worker';
import { connectTestTemporal, uniqueTaskQueue, type TestTemporal } from '../harness/temporal';

/** A namespace with none of our search attributes, as an operator's new namespace would be. */
async function bareNamespace(temporal: TestTemporal): Promise<string> {
  const namespace = `bare-${randomUUID().slice(0, 8)}`;
  await temporal.client.workflowService.registerNamespace({
    namespace,
    workflowExecutionRetentionPeriod: { seconds: Long.fromNumber(86_400) },
  });
  return namespace;
}

/** Retries `check` while the server has not yet seen a namespace it just registered (NOT_FOUND for a moment). */
async function settled(check: () => Promise<void>): Promise<unknown> {
  const deadline = Date.now() + 30_000;
  for (;;) {
    try {
      await check();
      return undefined;
    } catch (err) {
      if (!/does not exist/.test(String(err)) || Date.now() > deadline) return err;
      await new Promise((resolve) => setTimeout(resolve, 250));
    }
  }
}

describe('the Temporal server is checked at worker and controller start', () => {
  let temporal: TestTemporal;
  beforeAll(async () => {
    temporal = await connectTestTemporal();
  });
  afterAll(async () => {
    await temporal?.close();
  });

  it('names a namespace that does not exist, and the command that creates it', async () => {
    const namespace = `missing-${randomUUID().slice(0, 8)}`;
    const check = checkTemporalReady(temporal.client.connection, temporal.address, namespace);
    await expect(check).rejects.toThrow(`Namespace '${namespace}' (TEMPORAL_NAMESPACE) does not exist`);
    await expect(check).rejects.toThrow(
      `temporal operator namespace create --address ${temporal.address} --namespace ${namespace}`,
    );
    const config = loadConfig({ ...process.env, TEMPORAL_ADDRESS: temporal.address, TEMPORAL_NAMESPACE: namespace });
    await expect(connectClient(config)).rejects.toThrow(`Namespace '${namespace}' (TEMPORAL_NAMESPACE) does not exist`);
  });

  it('names each missing search attribute with the command that registers it, until none is missing', async () => {
    const namespace = await bareNamespace(temporal);
    const bare = await settled(() => checkTemporalReady(temporal.client.connection, temporal.address, namespace));
    const names = ALL_SEARCH_ATTRIBUTES.map((attribute) => attribute.name);
    expect(String(bare)).toContain(`lacks the search attributes ${names.join(', ')}`);
    expect(String(bare)).toContain(
      `temporal operator search-attribute create --address ${temporal.address} --namespace ${namespace} --name AmphoraIds --type KeywordList`,
    );

    // A worker does not start on it, and says why.
    const drivers = createNoopDrivers();
    const config = loadConfig({
      ...process.env,
      TEMPORAL_ADDRESS: temporal.address,
      TEMPORAL_NAMESPACE: namespace,
      AMPHORA_TASK_QUEUE: uniqueTaskQueue('readiness'),
    });
    await expect(startWorker(config, createLogger('silent'), { drivers })).rejects.toThrow(
      `Namespace '${namespace}' on the Temporal server at ${temporal.address} lacks the search attributes`,
    );

    const keyword = proto.api.enums.v1.IndexedValueType.INDEXED_VALUE_TYPE_KEYWORD;
    const keywordList = proto.api.enums.v1.IndexedValueType.INDEXED_VALUE_TYPE_KEYWORD_LIST;
    await temporal.client.connection.operatorService.addSearchAttributes({
      namespace,
      searchAttributes: Object.fromEntries(
        ALL_SEARCH_ATTRIBUTES.filter((attribute) => attribute.name !== 'ObjectIds').map((attribute) => [
          attribute.name,
          attribute.type === 'KEYWORD_LIST' ? keywordList : keyword,
        ]),
      ),
    });
    const one = await settled(() => checkTemporalReady(temporal.client.connection, temporal.address, namespace));
    expect(String(one)).toContain('lacks the search attributes ObjectIds, which the workflows set');

    await temporal.client.connection.operatorService.addSearchAttributes({
      namespace,
      searchAttributes: { ObjectIds: keywordList },
    });
    expect(await settled(() => checkTemporalReady(temporal.client.connection, temporal.address, namespace))).toBe(
      undefined,
    );
  });
});
