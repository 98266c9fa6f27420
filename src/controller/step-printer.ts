import type { OperationStatus, StepRecord } from '../contracts';

const SYMBOLS: Record<StepRecord['state'], string> = {
  running: '…',
  done: '✔',
  failed: '✖',
  undone: '↺',
  leaked: '‼',
};

function seconds(step: StepRecord): string {
  if (!step.endedAt) return '';
  const ms = Date.parse(step.endedAt) - Date.parse(step.startedAt);
  return ` (${(ms / 1000).toFixed(1)} s)`;
}

/**
 * Turns successive status answers into one line per event: a step that has been running for a while, and each step
 * or undo as it ends. Plain lines, so it reads the same in a terminal, a pipe and a CI log.
 */
export class StepPrinter {
  private readonly printed = new Map<string, StepRecord['state']>();

  constructor(
    private readonly write: (line: string) => void,
    private readonly indent = '  ',
    /** Announce a running step once it has run this long. */
    private readonly slowMs = 1_000,
  ) {}

  update(status: OperationStatus, now = Date.now()): void {
    status.steps.forEach((step, index) => {
      const key = `${index}`;
      const seen = this.printed.get(key);
      if (step.state === 'running') {
        if (!seen && now - Date.parse(step.startedAt) >= this.slowMs) {
          this.write(`${this.indent}${SYMBOLS.running} ${step.name}`);
          this.printed.set(key, 'running');
        }
        return;
      }
      if (seen === step.state) return;
      const error = step.error && step.state !== 'undone' ? `: ${step.error}` : '';
      this.write(`${this.indent}${SYMBOLS[step.state]} ${step.name}${seconds(step)}${error}`);
      this.printed.set(key, step.state);
    });
  }

  /**
   * Says that the ended operation's last steps could not be read, and why: the steps printed so far are then not the
   * whole list, and the workflow's history is where the rest is.
   */
  unreadable(workflowId: string, error: unknown): void {
    const reason = error instanceof Error ? error.message : String(error);
    this.write(
      `${this.indent}? the last steps of ${workflowId} could not be read (${reason}); its history in the Temporal UI shows them all`,
    );
  }
}
