/**
 * Splits the text after `/ops` into words and flags, the way a shell would but
 * without ever running one: "double" and 'single' quotes (and the curly quotes
 * Slack clients substitute) group words, `--flag=value` and `--flag` are flags.
 * Never throws on any input: an unclosed quote or control characters come back
 * as a problem to report, not as an exception.
 */
export type Token = { kind: 'word'; value: string } | { kind: 'flag'; name: string; value?: string };

export interface ParsedText {
  tokens: Token[];
  /** A problem the user must fix, e.g. an unclosed quote. */
  problem?: string;
}

const OPENING_QUOTES: Record<string, string> = { '"': '"', "'": "'", '“': '”', '‘': '’', '„': '“' };
const CLOSING_ALTERNATIVES: Record<string, string[]> = { '”': ['”', '“', '"'], '’': ['’', '‘', "'"], '“': ['“', '”'] };
const FLAG = /^--([a-z][a-z0-9-]*)(?:=([\s\S]*))?$/i;
// Slack turns -- into an em dash in some clients ("—dry-run"); accept it.
const DASHED_FLAG = /^[—–]([a-z][a-z0-9-]*)(?:=([\s\S]*))?$/i;

export function parseCommandText(input: string): ParsedText {
  const text = input.replace(/\u00a0/g, ' ');
  const raw: Array<{ value: string; quoted: boolean }> = [];
  let current = '';
  let inToken = false;
  let quoted = false;
  let closing: string[] | undefined;
  let problem: string | undefined;

  for (const ch of text) {
    if (closing) {
      if (closing.includes(ch)) closing = undefined;
      else current += ch;
      continue;
    }
    if (/\s/.test(ch)) {
      if (inToken) raw.push({ value: current, quoted });
      current = '';
      inToken = false;
      quoted = false;
      continue;
    }
    const close = OPENING_QUOTES[ch];
    if (close !== undefined) {
      closing = CLOSING_ALTERNATIVES[close] ?? [close];
      // Only a token that starts with a quote is literal text: --reason="a b" stays a flag.
      if (!inToken) quoted = true;
      inToken = true;
      continue;
    }
    current += ch;
    inToken = true;
  }
  if (closing) problem = 'A quote is not closed. Close it, e.g. --reason "checkout is down".';
  if (inToken) raw.push({ value: current, quoted });

  const tokens = raw.map(({ value, quoted: wasQuoted }): Token => {
    const flag = wasQuoted ? null : (FLAG.exec(value) ?? DASHED_FLAG.exec(value));
    if (!flag?.[1]) return { kind: 'word', value };
    return flag[2] === undefined
      ? { kind: 'flag', name: flag[1].toLowerCase() }
      : { kind: 'flag', name: flag[1].toLowerCase(), value: flag[2] };
  });
  return problem ? { tokens, problem } : { tokens };
}
