import assert from 'node:assert/strict';
import { brotliDecompressSync } from 'node:zlib';
import { after, before, describe, test } from 'node:test';
import { startTestNode, type TestNode } from './support/node.js';
import { post, setUpWorld } from './support/fixtures.js';
import { loadConfig, ConfigError } from '../src/config.js';
import { hotlineOpenAt, parseOpeningHours } from '../src/catalog/hotline.js';

let node: TestNode;
before(async () => {
  node = await startTestNode({ ANSTURM_HOTLINE_PHONE: '0800 123 4567', ANSTURM_HOTLINE_HOURS: 'Mo-Sa 07:00-20:00' });
});
after(() => node.stop());

describe('serving the citizen web app', () => {
  test('every page path answers the app page: German, no caching, a CSP that allows nothing foreign', async () => {
    for (const url of [
      '/',
      '/suche?kampagne=1',
      '/warteraum/7',
      '/termin',
      '/bestaetigung/ABCD-2345',
      '/verwalten',
      '/angebot/7f0c2b1e-1d2c-4c4e-9a43-3f1f7f9b6a11?secret=x',
    ]) {
      const res = await node.app.inject({ url });
      assert.equal(res.statusCode, 200, url);
      assert.match(res.headers['content-type'] as string, /^text\/html/);
      assert.match(res.body, /<html lang="de" dir="ltr">/);
      assert.equal(res.headers['cache-control'], 'no-cache');
      assert.match(res.headers['content-security-policy'] as string, /default-src 'self'/);
      assert.doesNotMatch(res.body, /https?:\/\//, 'the page loads nothing from elsewhere');
    }
    assert.equal((await node.app.inject({ url: '/nirgendwo' })).statusCode, 404);
  });

  test('the page comes in the language of ?lang=, else the kept choice (cookie), else Accept-Language, else German; Arabic right to left', async () => {
    const served = async (url: string, headers: Record<string, string> = {}) => {
      const res = await node.app.inject({ url, headers });
      assert.equal(res.statusCode, 200);
      assert.match(res.headers.vary as string, /accept-language/);
      assert.match(res.headers.vary as string, /cookie/);
      return /<html lang="(\w+)" dir="(\w+)">/.exec(res.body)!.slice(1).join(' ');
    };
    assert.equal(await served('/'), 'de ltr', 'no wish: German');
    assert.equal(await served('/', { 'accept-language': 'fr-FR,fr;q=0.9' }), 'de ltr', 'a language not offered: German');
    assert.equal(await served('/', { 'accept-language': 'tr-TR,tr;q=0.9,de;q=0.8' }), 'tr ltr');
    assert.equal(await served('/suche', { 'accept-language': 'fr;q=1,ru;q=0.5,en;q=0.4' }), 'ru ltr', 'the best one offered');
    assert.equal(await served('/warteraum/3', { 'accept-language': 'ar-SY' }), 'ar rtl');
    assert.equal(await served('/', { 'accept-language': 'ar', cookie: 'other=1; lang=uk' }), 'uk ltr', 'a kept choice beats the browser');
    assert.equal(await served('/?lang=pl', { 'accept-language': 'ar', cookie: 'lang=uk' }), 'pl ltr', 'the address beats both');
    assert.equal(await served('/?lang=xx', { cookie: 'lang=zz' }), 'de ltr', 'unknown codes are ignored');

    // The page names its language's words and preloads that catalogue alone; German needs none.
    const tr = (await node.app.inject({ url: '/', headers: { 'accept-language': 'tr' } })).body;
    assert.match(tr, /<title>Aşı randevusu alın – Ansturm<\/title>/);
    assert.match(tr, /<a class="skip" href="#main">İçeriğe geç<\/a>/);
    const preloaded = (body: string) => [...body.matchAll(/modulepreload" href="\/assets\/([^"]+)"/g)].map((m) => m[1]!);
    const de = preloaded((await node.app.inject({ url: '/' })).body);
    const extra = preloaded(tr).filter((chunk) => !de.includes(chunk));
    assert.equal(extra.length, 1, 'one more chunk: the Turkish catalogue');
    const catalogue = (await node.app.inject({ url: `/assets/${extra[0]}` })).body;
    assert.match(catalogue, /Bekleme odası/);
    assert.doesNotMatch(catalogue, /Зал ожидания|Waiting room|Poczekalnia/, 'no other language comes with it');
  });

  test('the page and its assets go out compressed; assets are named by content and cached for a year', async () => {
    const plain = await node.app.inject({ url: '/' });
    const br = await node.app.inject({ url: '/', headers: { 'accept-encoding': 'gzip, deflate, br' } });
    assert.equal(br.headers['content-encoding'], 'br');
    assert.equal(brotliDecompressSync(br.rawPayload).toString(), plain.body);
    const assets = [...plain.body.matchAll(/\/assets\/((?:app|chunk)\.[0-9A-Za-z]{8,12}\.(?:js|css))/g)].map((m) => m[1]!);
    assert.equal(assets.filter((a) => a.startsWith('app.')).length, 2, 'one script and one stylesheet, named by content');
    assert.ok(
      assets.some((a) => a.startsWith('chunk.')),
      'the chunks the script imports are preloaded with the page',
    );
    assert.match(plain.body, /<script type="module" src="\/assets\/app\./);
    for (const name of assets) {
      const res = await node.app.inject({ url: `/assets/${name}`, headers: { 'accept-encoding': 'br' } });
      assert.equal(res.statusCode, 200);
      assert.equal(res.headers['content-encoding'], 'br');
      assert.match(res.headers['cache-control'] as string, /max-age=31536000.*immutable|immutable.*max-age=31536000/);
    }
    assert.equal((await node.app.inject({ url: '/assets/nothing.js' })).statusCode, 404);
  });

  test('/api/v1/info gives the configured hotline and its hours, and the server clock, never from a cache', async () => {
    const res = await node.app.inject({ url: '/api/v1/info' });
    assert.equal(res.statusCode, 200);
    assert.deepEqual(res.json().hotline, { phone: '0800 123 4567', hours: [{ days: [1, 2, 3, 4, 5, 6], opens: '07:00', closes: '20:00' }] });
    assert.equal(res.headers['cache-control'], 'no-store');
    // The node's clock, as pages measure their offset against it (moved here as a test moves it).
    node.clock.advance(3_600_000);
    const later = Date.parse((await node.app.inject({ url: '/api/v1/info' })).json().now);
    assert.ok(later - Date.now() > 3_590_000 && later - Date.now() < 3_610_000, `${new Date(later).toISOString()}: an hour ahead`);
  });
});

describe('eligibility pre-check', () => {
  test('answers the same rules a confirmation applies, before anything is held', async () => {
    const w = await setUpWorld(node.app, { minAge: 60, districts: ['Ennepe-Ruhr-Kreis'] });
    const check = (body: Record<string, unknown>) => post(node.app, '/api/v1/eligibility', { campaignId: w.campaignId, ...body });

    const ok = await check({ dateOfBirth: '1950-01-01', postalCode: '58332', day: '2026-12-01' });
    assert.equal(ok.status, 200, JSON.stringify(ok.body));
    assert.deepEqual(ok.body, { eligible: true, requireVerifiedContact: false });

    const young = await check({ dateOfBirth: '1990-06-01', postalCode: '58332', day: '2026-12-01' });
    assert.equal(young.status, 422);
    assert.equal(young.body.code, 'NOT_ELIGIBLE');
    assert.equal(young.body.reason, 'TOO_YOUNG');
    assert.equal(young.body.age, 36);

    // 60 on the day itself: the birthday counts.
    assert.equal((await check({ dateOfBirth: '1966-12-01', postalCode: '58332', day: '2026-12-01' })).status, 200);
    assert.equal((await check({ dateOfBirth: '1966-12-02', postalCode: '58332', day: '2026-12-01' })).body.reason, 'TOO_YOUNG');

    const elsewhere = await check({ dateOfBirth: '1950-01-01', postalCode: '10115', day: '2026-12-01' });
    assert.equal(elsewhere.status, 422);
    assert.equal(elsewhere.body.reason, 'DISTRICT');

    assert.equal((await check({ dateOfBirth: '2090-01-01', postalCode: '58332' })).body.code, 'VALIDATION_FAILED');
    assert.equal((await check({ dateOfBirth: '1950-01-01', postalCode: '5833' })).status, 400);
    assert.equal((await check({ dateOfBirth: '1950-01-01', postalCode: '58332', extra: 1 })).status, 400);
    const missing = await post(node.app, '/api/v1/eligibility', { campaignId: 999_999, dateOfBirth: '1950-01-01', postalCode: '58332' });
    assert.equal(missing.status, 404);
    assert.equal(missing.body.code, 'CAMPAIGN_NOT_FOUND');
  });

  test('a waiting-room slot refused without admission names its release, so the app can send the person there', async () => {
    const w = await setUpWorld(node.app, { waitingRoom: true });
    const refused = await post(node.app, '/api/v1/holds', { slotId: w.firstSlotIds[0] });
    assert.equal(refused.status, 403);
    assert.equal(refused.body.code, 'ADMISSION_REQUIRED');
    assert.equal(refused.body.releaseId, w.releaseId);
  });
});

describe('hotline hours', () => {
  test('are read as a notice board writes them, and checked in Berlin time', () => {
    const hours = parseOpeningHours('Mo-Fr 08:00-18:00, Sa 09:00-12:00');
    assert.deepEqual(hours, [
      { days: [1, 2, 3, 4, 5], opens: '08:00', closes: '18:00' },
      { days: [6], opens: '09:00', closes: '12:00' },
    ]);
    assert.ok(Array.isArray(hours));
    // Monday 23 Nov 2026: 07:30 UTC is 08:30 in Berlin (open); 17:30 UTC is 18:30 (closed); Sunday closed.
    assert.equal(hotlineOpenAt(hours, new Date('2026-11-23T07:30:00Z')), true);
    assert.equal(hotlineOpenAt(hours, new Date('2026-11-23T17:30:00Z')), false);
    assert.equal(hotlineOpenAt(hours, new Date('2026-11-29T10:00:00Z')), false);
    // Summer time: 06:30 UTC on a July Monday is 08:30 in Berlin.
    assert.equal(hotlineOpenAt(hours, new Date('2026-07-06T06:30:00Z')), true);
    assert.equal(typeof parseOpeningHours('Mo-Fr 18:00-08:00'), 'string');
    assert.equal(typeof parseOpeningHours('weekdays 8-18'), 'string');
    assert.throws(
      () => loadConfig({ ANSTURM_HOTLINE_HOURS: 'jeden Tag' }),
      (err: unknown) => err instanceof ConfigError && /ANSTURM_HOTLINE_HOURS/.test(err.message),
    );
  });
});

describe('exposure and headers', () => {
  test('/metrics is not served on the public port', async () => {
    const res = await node.app.inject({ url: '/metrics' });
    assert.equal(res.statusCode, 404);
    assert.equal(res.json().code, 'NOT_FOUND');
  });

  test('every answer says nosniff, JSON and errors included; no HSTS over plain http', async () => {
    for (const url of ['/api/v1/campaigns', '/api/v1/nothing', '/api/v1/bookings/ABCD2345?dateOfBirth=1950-01-01']) {
      const res = await node.app.inject({ url });
      assert.equal(res.headers['x-content-type-options'], 'nosniff', url);
      assert.equal(res.headers['strict-transport-security'], undefined, url);
    }
  });

  test('the API docs carry a CSP of their own, and over https every answer carries HSTS', async () => {
    const secure = await startTestNode({ ANSTURM_PUBLIC_URL: 'https://termine.example.de' });
    try {
      for (const url of ['/api/v1/campaigns', '/', '/api/docs/']) {
        const res = await secure.app.inject({ url });
        assert.match(String(res.headers['strict-transport-security']), /max-age=31536000/, url);
      }
      const docs = await secure.app.inject({ url: '/api/docs/' });
      assert.equal(docs.statusCode, 200);
      assert.match(String(docs.headers['content-security-policy']), /default-src 'self'/);
      assert.match(String(docs.headers['content-security-policy']), /upgrade-insecure-requests/);
      assert.equal(docs.headers['x-content-type-options'], 'nosniff');
      assert.equal(docs.headers['referrer-policy'], 'no-referrer', "the pages' headers on the docs too");
    } finally {
      await secure.stop();
    }
    const plain = await node.app.inject({ url: '/api/docs/' });
    assert.match(String(plain.headers['content-security-policy']), /script-src 'self'/);
    assert.doesNotMatch(String(plain.headers['content-security-policy']), /upgrade-insecure-requests/, 'plain http keeps its own assets');
  });
});
