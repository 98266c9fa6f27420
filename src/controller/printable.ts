/**
 * Text safe to print on an operator's terminal: control characters (an escape sequence in a tenant's name could
 * retitle or clear the screen) shown as `\u001b`, `\n`, ... instead of being obeyed.
 */
export function printable(text: string): string {
  // eslint-disable-next-line no-control-regex
  return text.replace(/[\u0000-\u001f\u007f-\u009f]/g, (char) =>
    char === '\n' ? '\\n' : `\\u${char.charCodeAt(0).toString(16).padStart(4, '0')}`,
  );
}

/** {@link printable}, line by line: the line breaks of a multi-line text stay, every other control is shown. */
export const printableLines = (text: string): string => text.split('\n').map(printable).join('\n');
