import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import { test } from 'node:test';
import { errorStatus, isErrorCode, REGISTERED_CODES } from '../src/errors.js';

/** fastify-style: every code in the registry is documented in docs/errors.md, with its status, and no documented code is stale. */
test('every error code is documented with its status, and every documented code exists', async () => {
  const doc = await readFile('docs/errors.md', 'utf8');
  const documented = new Map([...doc.matchAll(/^\| `([A-Z_]+)` \| (\d{3}) \|/gm)].map((m) => [m[1]!, Number(m[2])]));
  assert.deepEqual(
    REGISTERED_CODES.filter((code) => !documented.has(code)),
    [],
    'codes missing from docs/errors.md',
  );
  assert.deepEqual(
    [...documented.keys()].filter((code) => !isErrorCode(code)),
    [],
    'documented codes that no longer exist',
  );
  for (const [code, status] of documented) if (isErrorCode(code)) assert.equal(status, errorStatus(code), `${code}: status in docs/errors.md`);
});
