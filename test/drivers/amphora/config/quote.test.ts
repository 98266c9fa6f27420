import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import fc from 'fast-check';
import { haproxyLogFormatWord, haproxyWord, regexLiteral } from '../../../../src/drivers/amphora/config/quote';
import { ensureDebianPackages } from '../../../harness/debian-packages';
import { HOSTILE_VALUES } from './state-cases';

/**
 * What haproxy's tokenizer makes of a line's words, for the subset `haproxyWord` writes: single-quoted pieces,
 * `\'` and `\xNN` between them, plain characters. Returns undefined for anything else, which the property then
 * reports.
 */
function parseWords(line: string): string[] | undefined {
  const words: string[] = [];
  let word: string | undefined;
  for (let i = 0; i < line.length; i++) {
    const char = line[i] as string;
    if (char === ' ') {
      if (word !== undefined) words.push(word);
      word = undefined;
    } else if (char === "'") {
      const end = line.indexOf("'", i + 1);
      if (end < 0) return undefined;
      word = (word ?? '') + line.slice(i + 1, end);
      i = end;
    } else if (char === '\\' && line[i + 1] === "'") {
      word = (word ?? '') + "'";
      i += 1;
    } else if (char === '\\' && line[i + 1] === 'x') {
      word = (word ?? '') + String.fromCharCode(parseInt(line.slice(i + 2, i + 4), 16));
      i += 3;
    } else if (/[#$\\"\s]/.test(char)) {
      return undefined;
    } else {
      word = (word ?? '') + char;
    }
  }
  if (word !== undefined) words.push(word);
  return words;
}

/** ASCII with every control character, and Unicode text. */
const anyString = fc.oneof(fc.string({ unit: 'binary-ascii' }), fc.string({ unit: 'grapheme' }));

describe('haproxyWord', () => {
  it.each([
    ['leaves an id as it is', '20000000-0000-4000-8000-000000000001', '20000000-0000-4000-8000-000000000001'],
    ['leaves a path and a URL as they are', 'https://x.example/a?b=c&d=%20', 'https://x.example/a?b=c&d=%20'],
    ['quotes the empty string', '', "''"],
    ['quotes blanks', 'two words', "'two words'"],
    ['closes the quotes around a single quote', "it's", "'it'\\''s'"],
    ['escapes a line break between quoted pieces', 'a\nlisten evil', "'a'\\x0a'listen evil'"],
    ['quotes a comment sign', '#x', "'#x'"],
    ['quotes an environment variable', '$HOME', "'$HOME'"],
    ['quotes a backslash, which single quotes keep literal', 'a\\b', "'a\\b'"],
    ['quotes double quotes', '"x"', '\'"x"\''],
  ])('%s', (_, value, expected) => {
    expect(haproxyWord(value)).toBe(expected);
  });

  it('turns any string into one word on one line that reads back as the string', () => {
    fc.assert(
      fc.property(anyString, (value) => {
        const word = haproxyWord(value);
        expect(word).not.toMatch(/[\r\n\0]/);
        expect(parseWords(`acl x path ${word} y`)).toEqual(['acl', 'x', 'path', value, 'y']);
      }),
      { numRuns: 2000 },
    );
  });
});

describe('haproxyLogFormatWord', () => {
  it('doubles every percent sign so a URL cannot run a sample fetch', () => {
    expect(haproxyLogFormatWord('/a%20b%[src]')).toBe('/a%%20b%%[src]');
    expect(haproxyLogFormatWord("%{+Q}o it's")).toBe("'%%{+Q}o it'\\''s'");
  });
});

describe('regexLiteral', () => {
  it('makes a regex that matches exactly the literal text', () => {
    fc.assert(
      fc.property(fc.string(), (value) => {
        expect(new RegExp(`^${regexLiteral(value)}$`, 'u').test(value)).toBe(true);
      }),
    );
    expect(regexLiteral('a.b*(c)')).toBe('a\\.b\\*\\(c\\)');
  });
});

describe('haproxyWord against Debian haproxy', () => {
  let dir: string;
  beforeAll(async () => {
    await ensureDebianPackages(['haproxy']);
    dir = mkdtempSync(join(tmpdir(), 'haproxy-quote-'));
  }, 300_000);
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  // `.notice` prints its argument as haproxy's tokenizer read it: the real parser, not our model of it.
  // NUL is left out: haproxy's C strings end there (the word is cut short; nothing after it is read either).
  const samples = fc.sample(
    anyString.filter((s) => !s.includes('\0')),
    { numRuns: 20, seed: 7 },
  );
  it.each([...HOSTILE_VALUES, ...samples].map((value) => [JSON.stringify(value), value]))(
    'reads %s back exactly',
    (_, value) => {
      const file = join(dir, 'notice.cfg');
      writeFileSync(file, `.notice ${haproxyWord(value)}\nglobal\n    maxconn 10\n`);
      const run = spawnSync('haproxy', ['-c', '-f', file], { encoding: 'utf8' });
      const printed = /parsing \[[^\]]*:1\]: '([\s\S]*)'\.\n/.exec(run.stderr)?.[1];
      expect({ printed, stderr: run.stderr }).toEqual({ printed: value, stderr: expect.any(String) as unknown });
    },
  );
});
