import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { startTestNode, type TestNode } from './support/node.js';

let node: TestNode;
before(async () => {
  node = await startTestNode();
});
after(() => node.stop());

test('the OpenAPI document lists every public and admin route, and the UI is served', async () => {
  const doc = (await node.app.inject({ url: '/api/docs/json' })).json();
  assert.match(doc.openapi, /^3\./);
  const paths = Object.keys(doc.paths);
  for (const p of [
    '/api/v1/campaigns',
    '/api/v1/availability',
    '/api/v1/holds',
    '/api/v1/bookings',
    '/api/v1/bookings/{bookingCode}',
    '/api/v1/admin/centers',
    '/api/v1/admin/campaigns',
    '/api/v1/admin/slots',
    '/api/v1/admin/releases',
  ]) {
    assert.ok(paths.includes(p), `${p} is documented`);
  }
  assert.ok(doc.paths['/api/v1/bookings/{bookingCode}'].delete);
  const ui = await node.app.inject({ url: '/api/docs' });
  assert.ok([200, 302].includes(ui.statusCode));

  // Every API route the server has is in the document, with each of its methods.
  const undocumented = apiRoutes(node.app.printRoutes({ commonPrefix: false }))
    .filter((r) => !r.path.startsWith('/api/docs'))
    .flatMap((r) => r.methods.filter((m) => m !== 'HEAD' && m !== 'OPTIONS' && !doc.paths[r.path]?.[m.toLowerCase()]).map((m) => `${m} ${r.path}`));
  assert.deepEqual(undocumented, []);
  assert.ok(apiRoutes(node.app.printRoutes({ commonPrefix: false })).length > 40, 'the route table was read');
});

/** The /api/ routes from Fastify's route tree (printRoutes), as OpenAPI paths ("/a/{id}") with their methods. */
function apiRoutes(tree: string): { path: string; methods: string[] }[] {
  const stack: string[] = [];
  const routes: { path: string; methods: string[] }[] = [];
  for (const line of tree.split('\n')) {
    const m = /^((?:│ {3}| {4})*)[├└]── (\S+)(?: \(([^)]*)\))?/.exec(line);
    if (!m) continue;
    const depth = m[1]!.length / 4;
    stack.length = depth;
    stack.push(m[2]!);
    const path = stack.join('').replace(/:(\w+)/g, '{$1}');
    if (m[3] && path.startsWith('/api/')) routes.push({ path, methods: m[3].split(', ') });
  }
  return routes;
}

test('every value a route takes is in one of the shared input formats (no unchecked string, no unbounded number)', async () => {
  const doc = (await node.app.inject({ url: '/api/docs/json' })).json();
  const loose: string[] = [];
  const check = (schema: Record<string, any> | undefined, where: string): void => {
    if (!schema) return;
    for (const alt of schema.anyOf ?? schema.oneOf ?? schema.allOf ?? []) check(alt, where);
    if (schema.const !== undefined || schema.enum) return;
    if (schema.type === 'string') {
      const formatted = ['text', 'paragraphs', 'date', 'date-time', 'uuid', 'email'].includes(schema.format);
      const anchored = typeof schema.pattern === 'string' && schema.pattern.startsWith('^') && schema.pattern.endsWith('$');
      if (!formatted && !anchored) loose.push(`${where}: string without a format`);
    }
    if ((schema.type === 'integer' || schema.type === 'number') && (schema.minimum === undefined || schema.maximum === undefined)) {
      loose.push(`${where}: number without bounds`);
    }
    for (const [name, s] of Object.entries<Record<string, any>>(schema.properties ?? {})) check(s, `${where}.${name}`);
    if (schema.items) check(schema.items, `${where}[]`);
  };
  for (const [path, ops] of Object.entries<Record<string, any>>(doc.paths)) {
    for (const [method, op] of Object.entries<Record<string, any>>(ops)) {
      for (const p of op.parameters ?? []) if (p.in !== 'header') check(p.schema, `${method} ${path} ${p.in} ${p.name}`);
      check(op.requestBody?.content?.['application/json']?.schema, `${method} ${path} body`);
    }
  }
  assert.deepEqual(loose, []);
});
