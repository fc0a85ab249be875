import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, test } from 'node:test';
import { CODE_ALPHABET, formatBookingCode, newBookingCode, parseBookingCode } from '../src/booking/code.js';
import { ageOn } from '../src/booking/eligibility.js';
import { clockIn, dayIn, isTimeZone } from '../src/time/zone.js';
import { identityHash, normaliseName } from '../src/booking/identity.js';
import { distanceKm, postalCodeCentroid } from '../src/availability/geo.js';
import { ConfigError, databaseOnThisMachine, defaultWorkers, loadConfig } from '../src/config.js';
import { availableParallelism } from 'node:os';

describe('names and identity', () => {
  test('spellings of one name fold together', () => {
    assert.equal(normaliseName('Müller'), 'mueller');
    assert.equal(normaliseName(' MUELLER '), 'mueller');
    assert.equal(normaliseName('Groß-Schmidt'), 'grossschmidt');
    assert.equal(normaliseName('Zoë'), 'zoe');
    assert.notEqual(normaliseName('Meier'), normaliseName('Maier'));
  });
  test('the identity hash depends on the key and on every field', () => {
    const p = { firstName: 'Erika', lastName: 'Mustermann', dateOfBirth: '1964-08-12' };
    const h = identityHash('k1', p);
    assert.deepEqual(identityHash('k1', { ...p, lastName: 'MUSTERMANN' }), h);
    assert.notDeepEqual(identityHash('k2', p), h);
    assert.notDeepEqual(identityHash('k1', { ...p, dateOfBirth: '1964-08-13' }), h);
    // Joining fields with a separator keeps "Ann Abel" and "Anna Bel" apart.
    assert.notDeepEqual(identityHash('k1', { ...p, firstName: 'Ann', lastName: 'Abel' }), identityHash('k1', { ...p, firstName: 'Anna', lastName: 'Bel' }));
  });
});

describe('booking codes', () => {
  test('use only unambiguous characters and round-trip through what people type', () => {
    for (let i = 0; i < 200; i++) {
      const code = newBookingCode();
      assert.match(code, /^[23456789ABCDEFGHJKLMNPQRSTUVWXYZ]{8}$/);
      assert.equal(parseBookingCode(formatBookingCode(code).toLowerCase()), code);
    }
    assert.ok(![...'01OI'].some((c) => CODE_ALPHABET.includes(c)));
    assert.equal(parseBookingCode('ABCD-EFG'), undefined);
    assert.equal(parseBookingCode('ABCD-EFG0'), undefined);
  });
});

describe('dates', () => {
  test('age counts completed years on the day', () => {
    assert.equal(ageOn('2000-03-01', '2018-02-28'), 17);
    assert.equal(ageOn('2000-03-01', '2018-03-01'), 18);
    assert.equal(ageOn('2000-02-29', '2018-02-28'), 17);
  });
  test('a centre’s local day and time differ from UTC around midnight, each in its own zone', () => {
    assert.equal(dayIn(new Date('2026-06-30T22:30:00Z'), 'Europe/Berlin'), '2026-07-01');
    assert.equal(dayIn(new Date('2026-12-31T22:59:00Z'), 'Europe/Berlin'), '2026-12-31');
    assert.equal(dayIn(new Date('2026-07-01T02:30:00Z'), 'America/New_York'), '2026-06-30');
    assert.deepEqual(clockIn(new Date('2026-03-29T01:30:00Z'), 'Europe/Berlin'), { weekday: 7, time: '03:30' }, 'summer time has begun');
    assert.deepEqual(clockIn(new Date('2026-03-29T01:30:00Z'), 'Europe/London'), { weekday: 7, time: '02:30' });
    assert.equal(isTimeZone('Europe/Berlin'), true);
    assert.equal(isTimeZone('Mars/Olympus'), false);
  });
});

describe('geography', () => {
  test('postal code centroids are in the right place', () => {
    const berlin = postalCodeCentroid('10115')!;
    const dortmund = postalCodeCentroid('44135')!;
    assert.ok(Math.abs(berlin.lat - 52.52) < 0.2 && Math.abs(berlin.lon - 13.4) < 0.3);
    const d = distanceKm(berlin, dortmund);
    assert.ok(d > 390 && d < 440, `Berlin–Dortmund ${d} km`);
    assert.equal(postalCodeCentroid('00000'), undefined);
  });
});

describe('configuration', () => {
  test('defaults are sane', () => {
    const c = loadConfig({});
    assert.equal(c.port, 3000);
    assert.equal(c.holdTtlSeconds, 600);
    assert.equal(c.databaseUrl, undefined);
    assert.ok(Object.isFrozen(c));
  });
  test('workers: one per core, half the cores when PostgreSQL runs on this machine too, WEB_CONCURRENCY over both', () => {
    const cores = availableParallelism();
    const half = Math.max(1, Math.ceil(cores / 2));
    assert.equal(loadConfig({}).workers, half, 'the embedded database');
    assert.equal(loadConfig({ DATABASE_URL: 'postgres://a:b@127.0.0.1:5432/x' }).workers, half);
    assert.equal(loadConfig({ DATABASE_URL: 'postgres://a:b@db.example:5432/x' }).workers, cores);
    assert.equal(loadConfig({ DATABASE_URL: 'postgres://a:b@127.0.0.1:5432/x', WEB_CONCURRENCY: '3' }).workers, 3);
    for (const [url, here] of [
      ['postgresql://a@[::1]:5432/x', true],
      ['postgres://a@localhost/x', true],
      ['postgres:///x', true],
      ['postgres://a@/x?host=/var/run/postgresql', true],
      ['postgres://a:b@h1:5432,h2:5432/x', false],
      ['postgres://a@10.0.0.5/x', false],
      ['postgres://a@127.0.0.1/x?host=10.0.0.6', false],
    ] as const)
      assert.equal(databaseOnThisMachine(url), here, url);
    assert.deepEqual(
      [1, 2, 3, 4, 8].map((n) => defaultWorkers(true, n)),
      [1, 1, 2, 2, 4],
    );
    assert.deepEqual(
      [1, 2, 8].map((n) => defaultWorkers(false, n)),
      [1, 2, 8],
    );
  });

  test('every bad value is listed at once', () => {
    try {
      loadConfig({ PORT: 'eighty', ANSTURM_HOLD_TTL_SECONDS: '-1', ANSTURM_HOLD_TTL: '5', DATABASE_URL: 'mysql://x', ANSTURM_SEED_DEMO: 'perhaps' });
      assert.fail('expected ConfigError');
    } catch (err) {
      assert.ok(err instanceof ConfigError);
      assert.equal(err.problems.length, 5, err.message);
      assert.match(err.message, /PORT=eighty/);
      assert.match(err.message, /ANSTURM_HOLD_TTL: unknown setting/);
    }
  });
  test("every setting the README, the operator's guide and the deploy files name is one Ansturm knows", () => {
    const filesIn = (dir: string): string[] =>
      readdirSync(dir, { withFileTypes: true }).flatMap((f) => (f.isDirectory() ? filesIn(join(dir, f.name)) : [join(dir, f.name)]));
    const files = ['README.md', 'ARCHITECTURE.md', ...filesIn('deploy')];
    const named = new Set(files.flatMap((file) => [...readFileSync(file, 'utf8').matchAll(/\bANSTURM_[A-Z0-9_]*[A-Z0-9]\b/g)].map((m) => m[0])));
    named.delete('ANSTURM_NODE_'); // HAProxy's own environment (deploy/haproxy/haproxy.cfg), not Ansturm's
    for (const name of ['ANSTURM_NODE_1', 'ANSTURM_NODE_2', 'ANSTURM_NODE_3']) named.delete(name);
    assert.ok(named.size >= 20, `found ${named.size}`);
    const unknown = [...named].filter((name) => {
      try {
        loadConfig({ [name]: name === 'ANSTURM_LOG_FORMAT' ? 'json' : '' });
        return false;
      } catch (err) {
        return err instanceof ConfigError && err.problems.some((p) => p.startsWith(`${name}: unknown setting`));
      }
    });
    assert.deepEqual(unknown, []);
    assert.throws(() => loadConfig({ ANSTURM_LOG_FORMAT: 'xml' }), /ANSTURM_LOG_FORMAT=xml: expected json or pretty/);
  });
  test('the data licence: a known one by its name alone, any other with the address of its text', () => {
    assert.deepEqual(loadConfig({}).dataLicence, {
      id: 'CC-BY-4.0',
      url: 'https://creativecommons.org/licenses/by/4.0/',
      attribution: 'http://127.0.0.1:3000',
    });
    const govdata = loadConfig({ ANSTURM_DATA_LICENSE: 'DL-DE-BY-2.0', ANSTURM_DATA_ATTRIBUTION: 'Kreis Ennepe-Ruhr' }).dataLicence;
    assert.deepEqual(govdata, { id: 'DL-DE-BY-2.0', url: 'https://www.govdata.de/dl-de/by-2-0', attribution: 'Kreis Ennepe-Ruhr' });
    assert.throws(() => loadConfig({ ANSTURM_DATA_LICENSE: 'Eigene Lizenz' }), /ANSTURM_DATA_LICENSE_URL: the address of the licence Eigene Lizenz is needed/);
    assert.equal(
      loadConfig({ ANSTURM_DATA_LICENSE: 'Eigene Lizenz', ANSTURM_DATA_LICENSE_URL: 'https://kreis.example/lizenz' }).dataLicence.url,
      'https://kreis.example/lizenz',
    );
  });
});
