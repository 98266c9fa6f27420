import { ALL_SEARCH_ATTRIBUTES } from '../../src/contracts';
import { greetingActivities } from './fixtures/greeting-activities';
import { greetingWorkflow } from './fixtures/greeting-workflow';
import { connectTestTemporal, uniqueTaskQueue, withWorker, type TestTemporal } from './temporal';
import { scriptSearchAttributes } from './temporal-cli';

describe('test harness', () => {
  let temporal: TestTemporal;
  beforeAll(async () => {
    temporal = await connectTestTemporal();
  });
  afterAll(async () => {
    await temporal.close();
  });

  it('runs a workflow and its activity end to end on the real dev server', async () => {
    const taskQueue = uniqueTaskQueue('harness');
    const result = await withWorker(
      temporal,
      { taskQueue, workflowsPath: require.resolve('./fixtures/greeting-workflow'), activities: greetingActivities() },
      () => temporal.client.workflow.execute(greetingWorkflow, { taskQueue, workflowId: taskQueue, args: ['amphora'] }),
    );
    expect(result).toBe('Hello, amphora, attempt 1 (from workflow)');

    const history = await temporal.client.workflow.getHandle(taskQueue).fetchHistory();
    const types = (history.events ?? []).map((event) => event.eventType);
    expect(types).toContain(10); // ACTIVITY_TASK_SCHEDULED: the activity really went through the server
  });

  it('has the custom search attributes registered on the server', async () => {
    const response = await temporal.client.connection.operatorService.listSearchAttributes({
      namespace: temporal.namespace,
    });
    for (const key of ALL_SEARCH_ATTRIBUTES) {
      expect(Object.keys(response.customAttributes ?? {})).toContain(key.name);
    }
  });

  it('registers the same search attributes in temporal-dev.sh as in the code', () => {
    const typeNames: Record<string, string> = { KEYWORD: 'Keyword', KEYWORD_LIST: 'KeywordList' };
    const fromCode = ALL_SEARCH_ATTRIBUTES.map((key) => `${key.name}=${typeNames[key.type] ?? key.type}`);
    expect(scriptSearchAttributes().sort()).toEqual(fromCode.sort());
  });
});
