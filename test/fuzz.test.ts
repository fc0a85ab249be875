import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import fc from 'fast-check';
import { setUpWorld } from './support/fixtures.js';
import { admin, startTestNode, type TestNode } from './support/node.js';

/**
 * Property: whatever a client sends to any route of the OpenAPI document, the answer is never a
 * 5xx, except 503 with Retry-After (shed load). Requests are generated from each route's own
 * schemas, with every value now and then replaced by something hostile (NUL, lone surrogates,
 * 1e309, year 0000, huge numbers, wrong types), and sent with and without the admin token.
 * Bounded in runs and in time; a failure prints the shrunk request that caused it.
 */

const RUNS = Number(process.env.FUZZ_RUNS ?? 10_000);
const TIME_LIMIT_MS = Number(process.env.FUZZ_MS ?? 60_000);

type Schema = Record<string, any>;
interface Operation {
  method: 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';
  path: string;
  parameters: { in: string; name: string; required?: boolean; schema: Schema }[];
  body: Schema | undefined;
}

let node: TestNode;
let operations: Operation[];
before(async () => {
  // No event-loop shedding here: this test is about input, and a busy machine must not fail it.
  node = await startTestNode();
  await setUpWorld(node.app);
  const doc = (await node.app.inject({ url: '/api/docs/json' })).json();
  operations = Object.entries<Record<string, any>>(doc.paths).flatMap(([path, ops]) =>
    Object.entries<Record<string, any>>(ops)
      .filter(([method]) => ['get', 'post', 'put', 'patch', 'delete'].includes(method))
      .map(([method, op]) => ({
        method: method.toUpperCase() as Operation['method'],
        path,
        parameters: op.parameters ?? [],
        body: op.requestBody?.content?.['application/json']?.schema,
      })),
  );
});
after(() => node.stop());

/** Values that broke routes before, and their relatives. */
const hostile: fc.Arbitrary<unknown> = fc.oneof(
  fc.constantFrom(
    '\u0000',
    'a\u0000b',
    '\ud800',
    'x\udfff',
    '\u001b[2J',
    '\u0085',
    '\u202e',
    '1e309',
    '-1e309',
    'NaN',
    'Infinity',
    '0000-01-01',
    '0000-01-01T00:00:00Z',
    '9999-12-31',
    '+275760-09-13T00:00:00Z',
    '2021-02-30',
    '99999999999999999999',
    '-1',
    '0',
    '1.5',
    '',
    ' ',
    '%00',
    '../..',
    "'; DROP TABLE bookings; --",
    '<script>',
    'ABCD2345',
    'ANSTURM:ABCD2345',
    'x'.repeat(5000),
  ),
  fc.constantFrom(null, true, -1, 0, 2 ** 31, 2 ** 63, -(2 ** 63), 1e308, 0.5, [], {}, [1, 2]),
  fc.string({ unit: 'binary', maxLength: 40 }),
);

function arbitraryFor(schema: Schema | undefined, depth = 0): fc.Arbitrary<unknown> {
  return fc.oneof({ weight: 4, arbitrary: validFor(schema, depth) }, { weight: 1, arbitrary: hostile });
}

/** Values that fit the schema (mostly): the way deep into a route, where the database is reached. */
function validFor(schema: Schema | undefined, depth: number): fc.Arbitrary<unknown> {
  if (!schema || depth > 6) return fc.jsonValue({ maxDepth: 2 });
  if (schema.const !== undefined) return fc.constant(schema.const);
  if (schema.enum) return fc.constantFrom(...schema.enum);
  const alternatives = schema.anyOf ?? schema.oneOf;
  if (alternatives) return fc.oneof(...alternatives.map((s: Schema) => arbitraryFor(s, depth + 1)));
  switch (Array.isArray(schema.type) ? schema.type[0] : schema.type) {
    case 'object': {
      const properties = Object.fromEntries(Object.entries<Schema>(schema.properties ?? {}).map(([k, s]) => [k, arbitraryFor(s, depth + 1)]));
      return fc.record(properties, { requiredKeys: (schema.required ?? []).filter((k: string) => k in properties) });
    }
    case 'array':
      return fc.array(arbitraryFor(schema.items, depth + 1), { maxLength: Math.min(schema.maxItems ?? 4, 4) });
    case 'integer':
      return fc.integer({ min: Math.max(schema.minimum ?? -(2 ** 31), -(2 ** 31)), max: Math.min(schema.maximum ?? 2 ** 31, 2 ** 31) });
    case 'number':
      return fc.double({ min: schema.minimum ?? -1e6, max: schema.maximum ?? 1e6, noNaN: true });
    case 'boolean':
      return fc.boolean();
    case 'string':
      return stringFor(schema);
    default:
      return fc.jsonValue({ maxDepth: 2 });
  }
}

function stringFor(schema: Schema): fc.Arbitrary<string> {
  switch (schema.format) {
    case 'date':
      return fc.date({ min: new Date('1900-01-01'), max: new Date('2199-12-31'), noInvalidDate: true }).map((d) => d.toISOString().slice(0, 10));
    case 'date-time':
      return fc.date({ min: new Date('1900-01-01'), max: new Date('2199-12-31'), noInvalidDate: true }).map((d) => d.toISOString());
    case 'uuid':
      return fc.uuid();
    case 'email':
      return fc.emailAddress();
  }
  if (schema.pattern?.startsWith('^')) return fc.stringMatching(new RegExp(schema.pattern));
  return fc.string({ unit: 'grapheme', minLength: schema.minLength ?? 0, maxLength: Math.min(schema.maxLength ?? 60, 60) });
}

/** A whole request for one operation: path, query string, body, and who sends it. */
function requestFor(op: Operation) {
  const params = (where: string) => op.parameters.filter((p) => p.in === where);
  const values = (where: string) =>
    fc.record(Object.fromEntries(params(where).map((p) => [p.name, arbitraryFor(p.schema)])), {
      requiredKeys: params(where)
        .filter((p) => p.required || where === 'path')
        .map((p) => p.name),
    });
  return fc.record({
    path: values('path'),
    query: values('query'),
    body: op.body
      ? fc.oneof({ weight: 5, arbitrary: arbitraryFor(op.body) }, { weight: 1, arbitrary: fc.constantFrom('{"a":', '[', '', 'null') })
      : fc.constant(undefined),
    asAdmin: fc.boolean(),
  });
}

const text = (v: unknown) => (typeof v === 'string' ? v : (JSON.stringify(v) ?? ''));
/** Percent-encodes the UTF-8 bytes (encodeURIComponent throws on a lone surrogate; we want to send it). */
const encode = (s: string) =>
  [...Buffer.from(s, 'utf8')]
    .map((b) => (/[A-Za-z0-9_.~-]/.test(String.fromCharCode(b)) ? String.fromCharCode(b) : `%${b.toString(16).toUpperCase().padStart(2, '0')}`))
    .join('');

test('no route answers 5xx to generated and hostile input (503 only with Retry-After)', async () => {
  assert.ok(operations.length >= 60, `the OpenAPI document lists the routes (${operations.length})`);
  const byOperation = fc.oneof(...operations.map((op) => requestFor(op).map((r) => ({ op, ...r }))));
  const seen = new Map<string, number>();
  await fc.assert(
    fc.asyncProperty(byOperation, async ({ op, path, query, body, asAdmin }) => {
      const url =
        op.path.replace(/\{(\w+)\}/g, (_, name: string) => encode(text(path[name]))) +
        (Object.keys(query).length > 0
          ? '?' +
            Object.entries(query)
              .map(([k, v]) => `${encode(k)}=${encode(text(v))}`)
              .join('&')
          : '');
      const payload = body === undefined ? undefined : typeof body === 'string' && /^[[{]|^$|^null$/.test(body) ? body : JSON.stringify(body);
      const res = await node.app.inject({
        method: op.method,
        url,
        payload,
        headers: { ...(payload === undefined ? {} : { 'content-type': 'application/json' }), ...(asAdmin ? admin : {}) },
      });
      const key = `${op.method} ${op.path} ${res.statusCode}`;
      seen.set(key, (seen.get(key) ?? 0) + 1);
      const shed = res.statusCode === 503 && Number(res.headers['retry-after']) > 0;
      assert.ok(res.statusCode < 500 || shed, `${op.method} ${url} ${payload ?? ''} -> ${res.statusCode} ${res.body.slice(0, 300)}`);
    }),
    {
      numRuns: RUNS,
      interruptAfterTimeLimit: TIME_LIMIT_MS,
      markInterruptAsFailure: false,
      seed: process.env.FUZZ_SEED ? Number(process.env.FUZZ_SEED) : undefined,
    },
  );
  const requests = [...seen.values()].reduce((a, b) => a + b, 0);
  const routesReached = new Set([...seen.keys()].map((k) => k.split(' ').slice(0, 2).join(' '))).size;
  const deep = [...seen.entries()].filter(([k]) => /\s2\d\d$/.test(k)).length;
  console.log(`# fuzz: ${requests} requests over ${routesReached} of ${operations.length} operations; ${deep} operation/status pairs answered 2xx`);
  assert.ok(routesReached >= operations.length * 0.9, 'nearly every route was tried');
});
