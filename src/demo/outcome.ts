import { WorkflowFailedError } from '@temporalio/client';

/** How an operation ended, in one line for people: the result, or the failure's own message. */
export function describeOutcome(ended: { ok: true; result: unknown } | { ok: false; error: unknown }): {
  short: string;
  line: string;
} {
  if (ended.ok) {
    const status = (ended.result as { provisioningStatus?: string } | undefined)?.provisioningStatus ?? 'done';
    return { short: status, line: `→ ${status}` };
  }
  const { error } = ended;
  const failure = error instanceof WorkflowFailedError ? error.cause : error;
  const type = (failure as { type?: string } | undefined)?.type ?? (failure instanceof Error ? failure.name : 'Error');
  const message = failure instanceof Error ? failure.message : String(failure);
  return { short: 'FAILED', line: `→ failed (${type}): ${message}` };
}
