import { readFileSync } from 'node:fs';
import type { WorkflowBundleOption } from '@temporalio/worker';
import * as workflows from '../../src/workflows';
import { quietRuntime } from '../harness/temporal';
import { INDEX_FILE, loadHistories, workflowTypeOf } from './histories';
import { explainReplayFailure, replayAll, type ReplayOutcome } from './replayer';

/**
 * Every recorded history (test/replay/histories/, made by `npm run histories:record`) replays against the current
 * workflow code, with the same bundle the workers of the other tests run. A change that would make a workflow
 * already running on a cluster fail when a new worker takes it over fails here, naming the file and the event.
 */

/** The bundle of src/workflows that the jest global setup made. */
function currentWorkflows(): WorkflowBundleOption {
  const codePath = process.env.AMPHORA_TEST_WORKFLOW_BUNDLE;
  if (!codePath) throw new Error('AMPHORA_TEST_WORKFLOW_BUNDLE is unset: run the tests through jest (global setup)');
  return { codePath };
}

describe('replaying the recorded histories against the current workflow code', () => {
  const histories = loadHistories();
  let outcomes: ReplayOutcome[] = [];

  beforeAll(async () => {
    quietRuntime();
    outcomes = await replayAll(currentWorkflows(), histories);
  });

  it('has at least 10 recorded histories, each listed in INDEX.md', () => {
    expect(histories.length).toBeGreaterThanOrEqual(10);
    const listed = [...readFileSync(INDEX_FILE, 'utf8').matchAll(/\[([\w.-]+)\.json\]\(/g)].map((match) => match[1]);
    expect(listed.sort()).toEqual(histories.map((saved) => saved.name));
  });

  it('has a history of every workflow the worker registers', () => {
    const recorded = new Set(histories.map((saved) => workflowTypeOf(saved.history)));
    expect([...recorded].sort()).toEqual(Object.keys(workflows).sort());
  });

  it('replayed every history: one result per file, in order', () => {
    expect(outcomes.map((outcome) => outcome.saved.name)).toEqual(histories.map((saved) => saved.name));
  });

  it.each(histories.map((saved) => [saved.file, saved.name] as const))(
    '%s replays without nondeterminism',
    async (_file, name) => {
      const outcome = outcomes.find((candidate) => candidate.saved.name === name);
      if (!outcome) throw new Error(`${name} was not replayed`);
      if (outcome.error) throw new Error(await explainReplayFailure(currentWorkflows(), outcome));
      expect(outcome.error).toBeUndefined();
    },
  );
});
