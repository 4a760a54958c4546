/**
 * One set of result types on both lanes. Left alone, `pg` returns int8 (bigserial ids, count(*)) as strings
 * and `date` as a Date at local midnight, while PGlite returns int8 as numbers and `date` as a Date at UTC
 * midnight. We install the same parsers on each connection (the Pool's `types` option and PGlite's `parsers`),
 * never pg's global `setTypeParser`, so no other pg user in the process is affected:
 *   - int8 → number when it is a safe integer, else bigint (PGlite's own rule; ids never get there);
 *   - date → the 'YYYY-MM-DD' string as stored, since a calendar day has no time zone.
 * Already equal on both: int2/int4/float → number, bool, json/jsonb → parsed, timestamptz → Date,
 * numeric → string (exact). Still different, so avoid in results: interval, bytea (Buffer vs Uint8Array).
 */
import pg, { type CustomTypesConfig } from 'pg';

const INT8 = 20;
const INT8_ARRAY = 1016;
const DATE = 1082;
const DATE_ARRAY = 1182;
const TEXT_ARRAY = 1009;

export function parseInt8(text: string): number | bigint {
  const n = Number(text);
  return Number.isSafeInteger(n) ? n : BigInt(text);
}

const keepText = (text: string) => text;
// pg-types types its argument as an enum of base types only; array oids are valid too.
const builtinParser = pg.types.getTypeParser as (oid: number, format?: 'text' | 'binary') => unknown;
const parseTextArray = builtinParser(TEXT_ARRAY) as (text: string) => (string | null)[];
const parseArrayWith = (parse: (text: string) => unknown) => (text: string) =>
  parseTextArray(text).map((item) => (item === null ? null : parse(item)));

/** For `new pg.Pool({ types })`. Binary-format results are never requested, so only text parsers change. */
export const pgTypes: CustomTypesConfig = {
  getTypeParser: ((oid: number, format?: 'text' | 'binary') => {
    if (format !== 'binary') {
      if (oid === INT8) return parseInt8;
      if (oid === INT8_ARRAY) return parseArrayWith(parseInt8);
      if (oid === DATE) return keepText;
      if (oid === DATE_ARRAY) return parseTextArray;
    }
    return builtinParser(oid, format);
  }) as CustomTypesConfig['getTypeParser'],
};

/** For `PGlite.create({ parsers })`; PGlite parses arrays with the element's parser. */
export const pgliteParsers = {
  [INT8]: parseInt8,
  [DATE]: keepText,
};
