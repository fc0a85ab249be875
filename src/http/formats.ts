import type { Ajv, ErrorObject, ValidateFunction } from 'ajv';
import { fullFormats } from 'ajv-formats/dist/formats.js';

/**
 * The input formats every route uses, registered on both validators in server.ts:
 * - `text`: what a person types. No control characters (C0, DEL, C1: a NUL cannot be stored
 *   in PostgreSQL text) and no lone surrogates (not valid UTF-8: PostgreSQL refuses them).
 * - `paragraphs`: text a person writes in a text area: the same, but line breaks and tabs allowed.
 * - `date` and `date-time`: real calendar dates whose year lies in 1900..2199. PostgreSQL has no
 *   year 0, and no appointment, release or birth lies outside this range.
 */
const FIRST_YEAR = 1900;
const LAST_YEAR = 2199;

const CONTROL_OR_LONE_SURROGATE = /[\p{Cc}\p{Cs}]/u;
const CONTROL_BUT_LINES_OR_LONE_SURROGATE = /(?![\t\n\r])[\p{Cc}\p{Cs}]/u;

const date = fullFormats.date as { validate: (s: string) => boolean; compare: (a: string, b: string) => number | undefined };
const dateTime = fullFormats['date-time'] as { validate: (s: string) => boolean; compare: (a: string, b: string) => number | undefined };

const yearInRange = (s: string) => {
  const year = Number(s.slice(0, 4));
  return /^\d{4}-/.test(s) && year >= FIRST_YEAR && year <= LAST_YEAR;
};

export function addInputFormats(ajv: Ajv): void {
  ajv.addFormat('text', { type: 'string', validate: (s: string) => !CONTROL_OR_LONE_SURROGATE.test(s) });
  ajv.addFormat('paragraphs', { type: 'string', validate: (s: string) => !CONTROL_BUT_LINES_OR_LONE_SURROGATE.test(s) });
  ajv.addFormat('date', { type: 'string', validate: (s: string) => date.validate(s) && yearInRange(s), compare: date.compare });
  ajv.addFormat('date-time', { type: 'string', validate: (s: string) => dateTime.validate(s) && yearInRange(s), compare: dateTime.compare });
}

/**
 * Query strings and paths arrive as text and are coerced to numbers; ajv coerces "1e309" to
 * Infinity and then skips minimum and maximum, which it checks only for finite numbers. This
 * wraps such a validator so that a non-finite number fails like any other invalid value.
 */
export function finiteNumbersOnly(validate: ValidateFunction): ValidateFunction {
  const wrapped = ((data: unknown) => {
    if (!validate(data)) {
      wrapped.errors = validate.errors;
      return false;
    }
    const path = nonFinite(data, '');
    wrapped.errors = path === undefined ? null : [finiteError(path)];
    return path === undefined;
  }) as ValidateFunction;
  return wrapped;
}

function nonFinite(data: unknown, path: string): string | undefined {
  if (typeof data === 'number') return Number.isFinite(data) ? undefined : path;
  if (typeof data !== 'object' || data === null) return undefined;
  for (const [key, value] of Object.entries(data)) {
    const found = nonFinite(value, `${path}/${key}`);
    if (found !== undefined) return found;
  }
  return undefined;
}

const finiteError = (instancePath: string): ErrorObject => ({
  instancePath,
  schemaPath: '#/type',
  keyword: 'type',
  params: { type: 'number' },
  message: 'must be a finite number',
});
