/** Reading haproxy's configuration and check output as text. */

/** The path of the configuration's `stats socket`, when it has one on a file. */
export function statsSocketOf(text: string): string | undefined {
  return /^\s*stats socket\s+(\/\S+)/m.exec(text)?.[1];
}

/**
 * haproxy's check output as the controller should see it: its alerts and warnings, without the version notices,
 * naming the file `haproxy.cfg` rather than the agent's temporary copy.
 */
export function trimCheckOutput(output: string, checkedPath: string): string {
  const lines = output
    .split('\n')
    .map((line) => line.replaceAll(checkedPath, 'haproxy.cfg').trimEnd())
    .filter((line) => line.trim() !== '' && !line.startsWith('[NOTICE]'));
  return lines.join('\n') || 'haproxy -c refused the configuration without saying why';
}
