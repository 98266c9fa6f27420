/**
 * `npm run histories:record [name ...]`: runs the scenarios of scenarios.ts on a Temporal dev server (an ephemeral one
 * it starts, or the one TEMPORAL_ADDRESS names) with a worker on the noop drivers, checks that each run ended the way
 * its scenario says, and saves each history as test/replay/histories/<name>.json, with INDEX.md describing them.
 * With names, only those scenarios are recorded again. Other JSON files in the directory (histories of older code,
 * kept on purpose) are left alone and listed in INDEX.md; `-- --index` only rewrites INDEX.md. The files are test
 * data: commit them.
 */
import { readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { WorkflowContinuedAsNewError, WorkflowFailedError, type WorkflowHandle } from '@temporalio/client';
import { ApplicationFailure, CancelledFailure } from '@temporalio/common';
import { historyToJSON } from '@temporalio/common/lib/proto-utils';
import { bundleWorkflows } from '../harness/bundle';
import { startDevServer } from '../harness/dev-server';
import { connectTestTemporal, quietRuntime, type TestTemporal } from '../harness/temporal';
import { startOrchestrator } from '../workflows/orchestrator';
import { HISTORIES_DIR, INDEX_FILE, loadHistory, workflowTypeOf } from './histories';
import { SCENARIOS, ScenarioRun, type Ending, type Scenario } from './scenarios';

const log = (line: string) => process.stderr.write(`${line}\n`);

interface Outcome {
  ending: Ending;
  type?: string;
  message?: string;
}

async function outcomeOf(handle: WorkflowHandle): Promise<Outcome> {
  try {
    await handle.result();
    return { ending: 'completed' };
  } catch (err) {
    if (err instanceof WorkflowContinuedAsNewError) return { ending: 'continued' };
    if (err instanceof WorkflowFailedError && err.cause instanceof CancelledFailure) {
      return { ending: 'cancelled', message: err.cause.message };
    }
    if (err instanceof WorkflowFailedError && err.cause instanceof ApplicationFailure) {
      return { ending: 'failed', type: err.cause.type ?? undefined, message: err.cause.message };
    }
    throw err;
  }
}

/** Why the run does not show what its scenario says, or undefined when it does. */
function mismatch(scenario: Scenario, outcome: Outcome, run: ScenarioRun): string | undefined {
  if (outcome.ending !== scenario.ending) {
    return `it ended ${outcome.ending} (${outcome.type ?? ''} ${outcome.message ?? ''}), expected ${scenario.ending}`;
  }
  const { failure } = scenario;
  if (failure && outcome.type !== failure.type) return `it failed with ${outcome.type}, expected ${failure.type}`;
  if (failure?.step && !outcome.message?.includes(`failed at step "${failure.step}`)) {
    return `its failure does not name the step "${failure.step}": ${outcome.message}`;
  }
  if (scenario.leavesNothing) {
    const after = JSON.stringify(run.orchestrator.drivers.inventory());
    if (after !== JSON.stringify(run.baseline)) return `it left resources behind: ${after}`;
  }
  return undefined;
}

async function record(temporal: TestTemporal, code: string, scenario: Scenario): Promise<number> {
  const orchestrator = await startOrchestrator({
    temporal,
    noop: { buildDelayMs: 50, ...scenario.noop },
    workflowBundle: { code },
  });
  try {
    const run = new ScenarioRun(orchestrator, scenario);
    const handle = await scenario.start(run);
    const outcome = await outcomeOf(handle);
    const history = await handle.fetchHistory();
    const missing = (scenario.events ?? []).filter(
      (name) => !history.events?.some((event) => event[`${name}EventAttributes` as keyof typeof event]),
    );
    const problem =
      mismatch(scenario, outcome, run) ?? (missing.length ? `its history has no ${missing.join(', ')}` : undefined);
    if (problem) throw new Error(`Scenario ${scenario.name} does not show what it should: ${problem}`);
    writeFileSync(join(HISTORIES_DIR, `${scenario.name}.json`), `${historyToJSON(history)}\n`);
    return history.events?.length ?? 0;
  } finally {
    await orchestrator.stop();
  }
}

function eventCount(name: string): number | undefined {
  try {
    const parsed = JSON.parse(readFileSync(join(HISTORIES_DIR, `${name}.json`), 'utf8')) as { events?: unknown[] };
    return parsed.events?.length;
  } catch {
    return undefined;
  }
}

function writeIndex(): void {
  const ends = (s: Scenario) =>
    s.ending === 'failed'
      ? `failed: ${s.failure?.type ?? ''}${s.failure?.step ? ` at "${s.failure.step.trim()}"` : ''}`
      : s.ending;
  const rows = SCENARIOS.map(
    (s) =>
      `| [${s.name}.json](${s.name}.json) | ${s.workflow} | ${ends(s)} | ${eventCount(s.name) ?? '-'} | ${s.shows} |`,
  );
  // Histories of an earlier version of the code, kept on purpose while its runs may still be open: never deleted
  // here, and listed so that the index stays complete.
  const kept = readdirSync(HISTORIES_DIR)
    .filter((file) => file.endsWith('.json') && !SCENARIOS.some((s) => `${s.name}.json` === file))
    .sort()
    .map((file) => {
      const name = file.slice(0, -'.json'.length);
      return `| [${file}](${file}) | ${workflowTypeOf(loadHistory(name))} | - | ${eventCount(name) ?? '-'} | kept from an earlier version of the code |`;
    });
  const text = [
    '# Recorded workflow histories',
    '',
    'Test data, written by `npm run histories:record` (test/replay/record-histories.ts, scenarios in',
    'test/replay/scenarios.ts): each file is the full event history of one run on a Temporal dev server with the noop',
    "drivers and short timings, in the proto JSON form that Temporal tools read (the SDK's historyToJSON).",
    'test/replay/replay.test.ts replays every one against the current workflow code; a change that would break a',
    'workflow already running on a cluster fails it. Guard such a change with `patched()` and keep these files; see',
    'README, "Changing a workflow safely", for when to record again and how to keep the history of older code.',
    '',
    '| history | workflow | ends | events | what it shows |',
    '| --- | --- | --- | --- | --- |',
    ...rows,
    ...kept,
    '',
  ].join('\n');
  writeFileSync(INDEX_FILE, text);
}

async function main(): Promise<void> {
  if (process.argv[2] === '--index') {
    // After keeping a history of older code by hand: list it without recording anything.
    writeIndex();
    log(`Wrote ${INDEX_FILE}`);
    return;
  }
  const wanted = process.argv.slice(2);
  const unknown = wanted.filter((name) => !SCENARIOS.some((s) => s.name === name));
  if (unknown.length) {
    throw new Error(`Unknown scenario(s) ${unknown.join(', ')}; known: ${SCENARIOS.map((s) => s.name).join(', ')}`);
  }
  const chosen = wanted.length ? SCENARIOS.filter((s) => wanted.includes(s.name)) : SCENARIOS;
  const started = Date.now();
  // The runs fail on purpose; the SDK's warning for each failed activity and workflow would bury the summary.
  quietRuntime('ERROR');
  const environment = process.env.TEMPORAL_ADDRESS ? undefined : await startDevServer();
  const temporal = await connectTestTemporal(
    environment ? { address: environment.address, namespace: environment.namespace ?? 'default' } : undefined,
  );
  log(`Temporal server ${temporal.address}${environment ? ' (ephemeral)' : ' (TEMPORAL_ADDRESS)'}`);
  try {
    const code = await bundleWorkflows(require.resolve('../../src/workflows'));
    for (const scenario of chosen) {
      const t0 = Date.now();
      const events = await record(temporal, code, scenario);
      log(`  ${scenario.name.padEnd(30)} ${String(events).padStart(4)} events  ${Date.now() - t0} ms`);
    }
    writeIndex();
    log(`Recorded ${chosen.length} histories in ${HISTORIES_DIR} in ${((Date.now() - started) / 1000).toFixed(1)} s`);
  } finally {
    await temporal.close();
    await environment?.teardown();
  }
}

main().catch((err: unknown) => {
  process.stderr.write(`histories:record failed: ${err instanceof Error ? err.message : String(err)}\n`);
  process.exit(1);
});
