import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { parseCommandText } from '../../src/runs/parse-command-text.js';

const words = (text: string) => parseCommandText(text).tokens;

describe('parseCommandText', () => {
  it('splits positional words', () => {
    expect(words('status api-gateway prod')).toEqual([
      { kind: 'word', value: 'status' },
      { kind: 'word', value: 'api-gateway' },
      { kind: 'word', value: 'prod' },
    ]);
  });

  it('takes --flag value, --flag=value and bare switches', () => {
    expect(words('logs api prod --tail 50 --since=10m --previous')).toEqual([
      { kind: 'word', value: 'logs' },
      { kind: 'word', value: 'api' },
      { kind: 'word', value: 'prod' },
      { kind: 'flag', name: 'tail' },
      { kind: 'word', value: '50' },
      { kind: 'flag', name: 'since', value: '10m' },
      { kind: 'flag', name: 'previous' },
    ]);
  });

  it('keeps quoted strings together, with straight or curly quotes', () => {
    expect(words('rollback api prod --reason "checkout is down"')[4]).toEqual({
      kind: 'word',
      value: 'checkout is down',
    });
    expect(words('note “slack turned these curly”')[1]).toEqual({ kind: 'word', value: 'slack turned these curly' });
    expect(words("note 'single quoted'")[1]).toEqual({ kind: 'word', value: 'single quoted' });
    expect(words('x --reason="a b"')[1]).toEqual({ kind: 'flag', name: 'reason', value: 'a b' });
  });

  it('treats a quoted "--flag" as text, not a flag', () => {
    expect(words('note "--not-a-flag"')[1]).toEqual({ kind: 'word', value: '--not-a-flag' });
  });

  it('accepts the em dash Slack substitutes for --', () => {
    expect(words('rollback api prod —dry-run')[3]).toEqual({ kind: 'flag', name: 'dry-run' });
  });

  it('reports an unclosed quote instead of guessing', () => {
    expect(parseCommandText('x --reason "oops').problem).toMatch(/quote is not closed/);
  });

  it('never throws, whatever the input', () => {
    fc.assert(
      fc.property(fc.string({ unit: 'binary', maxLength: 300 }), (text) => {
        const parsed = parseCommandText(text);
        expect(Array.isArray(parsed.tokens)).toBe(true);
      }),
      { numRuns: 2_000 },
    );
  });

  it('round-trips plain words joined by any whitespace', () => {
    const word = fc.stringMatching(/^[a-z0-9][a-z0-9._:-]{0,15}$/);
    fc.assert(
      fc.property(fc.array(word, { maxLength: 8 }), fc.constantFrom(' ', '  ', '\t', '\u00a0'), (list, gap) => {
        const parsed = parseCommandText(list.join(gap));
        expect(parsed.tokens).toEqual(list.map((value) => ({ kind: 'word', value })));
      }),
    );
  });

  it('round-trips quoted values containing spaces and quotes of the other kind', () => {
    const value = fc.stringMatching(/^[a-zA-Z0-9 '!?,.-]{1,40}$/);
    fc.assert(
      fc.property(value, (text) => {
        expect(parseCommandText(`note "${text}"`).tokens[1]).toEqual({ kind: 'word', value: text });
      }),
    );
  });
});
