/**
 * Quoting for haproxy's configuration language, so that a user's value always parses back as exactly one word with
 * exactly its characters, whatever it holds.
 *
 * haproxy (2.x) splits a line into words at unquoted blanks, ends it at an unquoted `#`, expands `$VAR` outside
 * single quotes, and unescapes `\x` sequences outside single quotes; inside single quotes every character is literal
 * except the closing quote. Quoted and unquoted pieces next to each other join into one word, as in a shell.
 */

/** Characters that mean nothing to haproxy's tokenizer; a word made only of them is written as it is. */
const PLAIN = /^[A-Za-z0-9_.:/@+,=()%~^*!?&|[\]<>-]+$/;

/**
 * One haproxy configuration word that haproxy reads back as `value`, byte for byte.
 *
 * Plain values are returned unchanged (ids, paths, simple patterns keep the file readable). Anything else is put in
 * single quotes; a single quote is written as `\'` between quoted pieces, and control characters (line breaks
 * included) as `\xNN` escapes between quoted pieces, so no value can end the line, start a comment, expand an
 * environment variable or split into two words.
 *
 * @param value - any string, from a user or not
 * @returns the word to put in the configuration
 */
export function haproxyWord(value: string): string {
  if (PLAIN.test(value)) return value;
  let out = '';
  let open = false;
  for (const char of value) {
    const code = char.codePointAt(0) ?? 0;
    if (char === "'" || code < 0x20 || code === 0x7f) {
      if (open) out += "'";
      open = false;
      out += char === "'" ? "\\'" : `\\x${code.toString(16).padStart(2, '0')}`;
    } else {
      if (!open) out += "'";
      open = true;
      out += char;
    }
  }
  return open ? `${out}'` : out || "''";
}

/**
 * One haproxy word for a literal in a log-format argument (`http-request redirect location`, `set-header` values,
 * `http-check send hdr`), where haproxy reads `%[...]`, `%{...}` and `%x` as expressions: every `%` is doubled so a
 * URL such as `/a%20b` stays a URL and cannot run a sample fetch.
 *
 * @param value - the literal text
 * @returns the word to put in the configuration
 */
export function haproxyLogFormatWord(value: string): string {
  return haproxyWord(value.replaceAll('%', '%%'));
}

/**
 * A PCRE pattern matching `value` literally (for building regexes around a user's text).
 *
 * @param value - the literal text
 * @returns the pattern, with every regex metacharacter escaped
 */
export function regexLiteral(value: string): string {
  return value.replace(/[\\^$.|?*+()[\]{}/]/g, '\\$&');
}
