import { readdirSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { historyFromJSON, type History } from '@temporalio/common/lib/proto-utils';
import type { temporal } from '@temporalio/proto';

/** Where `npm run histories:record` saves the histories, one JSON file each, with INDEX.md describing them. */
export const HISTORIES_DIR = join(__dirname, 'histories');
export const INDEX_FILE = join(HISTORIES_DIR, 'INDEX.md');

type HistoryEvent = temporal.api.history.v1.IHistoryEvent;

/** A recorded history, named after its file. */
export interface SavedHistory {
  /** The file name without `.json`; also the workflow id the replay uses (no workflow reads its own id). */
  name: string;
  /** The file, relative to the project, for messages. */
  file: string;
  history: History;
}

/** Every recorded history, sorted by name. */
export function loadHistories(dir = HISTORIES_DIR): SavedHistory[] {
  return readdirSync(dir)
    .filter((file) => file.endsWith('.json'))
    .map((file) => file.slice(0, -'.json'.length))
    .sort()
    .map((name) => ({
      name,
      file: relative(join(__dirname, '..', '..'), join(dir, `${name}.json`)),
      history: parseHistory(join(dir, `${name}.json`)),
    }));
}

/** One recorded history, by name. */
export function loadHistory(name: string, dir = HISTORIES_DIR): History {
  return parseHistory(join(dir, `${name}.json`));
}

function parseHistory(path: string): History {
  const json: unknown = JSON.parse(readFileSync(path, 'utf8'));
  try {
    return historyFromJSON(json);
  } catch (err) {
    // The SDK converts with protobufjs's JSON extension, which needs the very protobufjs copy @temporalio/proto was
    // built with; two copies in node_modules make every conversion fail with this message.
    if (err instanceof TypeError && err.message === 'type must be a Type') {
      throw new Error(
        `Cannot read ${path}: @temporalio/common and @temporalio/proto use different protobufjs copies ` +
          '(npm ls protobufjs); the root devDependency on protobufjs ^8 keeps one shared copy, so run npm ci again.',
        { cause: err },
      );
    }
    throw new Error(`Cannot read the history ${path}: ${err instanceof Error ? err.message : String(err)}`, {
      cause: err,
    });
  }
}

/** The workflow type a history ran. */
export function workflowTypeOf(history: History): string {
  return history.events?.[0]?.workflowExecutionStartedEventAttributes?.workflowType?.name ?? '(unknown)';
}

/** `ActivityTaskScheduled` for `EVENT_TYPE_ACTIVITY_TASK_SCHEDULED` (numeric in a decoded history). */
function eventTypeName(event: HistoryEvent): string {
  const attributes = Object.keys(event).find(
    (key) => key.endsWith('EventAttributes') && event[key as keyof HistoryEvent],
  );
  if (!attributes) return `event type ${String(event.eventType)}`;
  const name = attributes.slice(0, -'EventAttributes'.length);
  return name.charAt(0).toUpperCase() + name.slice(1);
}

/** An event as a reader finds it in the UI: its id, type, and for an activity its type and summary. */
export function describeEvent(event: HistoryEvent): string {
  const parts = [`event ${String(event.eventId)} ${eventTypeName(event)}`];
  const activity =
    event.activityTaskScheduledEventAttributes?.activityType?.name ?? recordedCalls([event])[0]?.activityType;
  if (activity) parts.push(activity);
  const summary = event.userMetadata?.summary?.data;
  if (summary) parts.push(`"${decodeText(summary)}"`);
  const marker = event.markerRecordedEventAttributes?.markerName;
  if (marker) parts.push(marker);
  return parts.join(' ');
}

/** One step's call as the history records it: an activity task, or a local activity's marker. */
export interface RecordedCall {
  activityType: string;
  local: boolean;
  /** The attempt that answered (a local activity's marker); an activity task's scheduled event has none. */
  attempt?: number;
  failed: boolean;
}

/**
 * The activities a run called, in order: each activity task when it was scheduled, each local activity (driver
 * steps, from the local-steps patch on, and reads) when its marker was recorded.
 */
export function recordedCalls(events: readonly HistoryEvent[]): RecordedCall[] {
  return events.flatMap((event): RecordedCall[] => {
    const scheduled = event.activityTaskScheduledEventAttributes?.activityType?.name;
    if (scheduled) return [{ activityType: scheduled, local: false, failed: false }];
    const marker = event.markerRecordedEventAttributes;
    const data = marker?.markerName === 'core_local_activity' ? marker.details?.data?.payloads?.[0]?.data : undefined;
    if (!marker || !data) return [];
    const recorded = JSON.parse(Buffer.from(data).toString('utf8')) as { activity_type: string; attempt: number };
    return [
      { activityType: recorded.activity_type, local: true, attempt: recorded.attempt, failed: Boolean(marker.failure) },
    ];
  });
}

/** Events that record a command of the workflow: the only places where replayed code can disagree with a history. */
const COMMAND_EVENTS = new Set([
  'activityTaskScheduled',
  'activityTaskCancelRequested',
  'timerStarted',
  'timerCanceled',
  'markerRecorded',
  'upsertWorkflowSearchAttributes',
  'workflowPropertiesModified',
  'startChildWorkflowExecutionInitiated',
  'signalExternalWorkflowExecutionInitiated',
  'requestCancelExternalWorkflowExecutionInitiated',
  'workflowExecutionCompleted',
  'workflowExecutionFailed',
  'workflowExecutionCanceled',
  'workflowExecutionContinuedAsNew',
]);

/** Whether `event` records a command of the workflow (see COMMAND_EVENTS). */
export function isCommandEvent(event: HistoryEvent): boolean {
  return [...COMMAND_EVENTS].some((name) => Boolean(event[`${name}EventAttributes` as keyof HistoryEvent]));
}

/** A payload's text: summaries are JSON strings. */
function decodeText(data: Uint8Array): string {
  const text = Buffer.from(data).toString('utf8');
  try {
    const parsed: unknown = JSON.parse(text);
    return typeof parsed === 'string' ? parsed : text;
  } catch {
    return text;
  }
}

/** The first `count` events of a history, as a history of its own. */
export function prefixOf(history: History, count: number): History {
  return { events: (history.events ?? []).slice(0, count) };
}
