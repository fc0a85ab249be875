import { LANGUAGES } from '../src/languages.js';
import assert from 'node:assert/strict';
import { mkdtemp, mkdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { admin, startTestNode, type TestNode } from './support/node.js';

/** The legal and accessibility pages (templates or the operator's own files) and barrier reports that reach staff. */
describe('legal and accessibility pages', () => {
  let node: TestNode;
  let dir: string;
  before(async () => {
    dir = await mkdtemp(join(tmpdir(), 'ansturm-content-'));
    await mkdir(join(dir, 'de'));
    await mkdir(join(dir, 'videos'));
    await writeFile(join(dir, 'de', 'impressum.md'), '# Impressum des Kreises\n\nKreis Musterkreis, Amtsweg 1.\n\n<script>alert(1)</script>\n');
    await writeFile(join(dir, 'videos', 'buchen.webm'), Buffer.alloc(64));
    await writeFile(join(dir, 'videos', 'buchen.vtt'), 'WEBVTT\n\n00:00.000 --> 00:02.000\nSo buchen Sie einen Termin.\n');
    await writeFile(
      join(dir, 'videos.json'),
      JSON.stringify([
        { title: 'Einen Termin buchen', file: 'buchen.webm', captions: 'buchen.vtt' },
        { title: 'Anderswo', file: '../../etc/passwd', captions: 'x.vtt' },
      ]),
    );
    node = await startTestNode({ ANSTURM_CONTENT_DIR: dir });
  });
  after(async () => {
    await node.stop();
    await rm(dir, { recursive: true, force: true });
  });

  const page = async (name: string, lang = 'de') => {
    const res = await node.app.inject({ url: `/api/v1/pages/${name}?lang=${lang}` });
    assert.equal(res.statusCode, 200, res.body);
    return res.json();
  };

  test('every page has a text: the shipped template in German and English, Leichte Sprache always in German', async () => {
    for (const name of [
      'datenschutz',
      'barrierefreiheit',
      'leichte-sprache',
      'leichte-sprache-buchen',
      'leichte-sprache-warteraum',
      'leichte-sprache-absagen',
    ]) {
      const p = await page(name);
      assert.equal(p.lang, 'de');
      assert.ok(p.title.length > 3 && p.html.length > 20, name);
    }
    const privacy = await page('datenschutz', 'en');
    assert.equal(privacy.title, 'Privacy notice');
    assert.match(privacy.html, /<table>/, 'what is stored, why and how long, as a table');
    assert.equal((await page('leichte-sprache', 'en')).lang, 'de');
    assert.equal((await node.app.inject({ url: '/api/v1/pages/passwd' })).statusCode, 400);
  });

  test('the operator’s own file wins, and raw HTML in it is shown, never run', async () => {
    const imprint = await page('impressum');
    assert.equal(imprint.title, 'Impressum des Kreises');
    assert.match(imprint.html, /Kreis Musterkreis, Amtsweg 1\./);
    assert.doesNotMatch(imprint.html, /<script>/);
    assert.match(imprint.html, /&lt;script&gt;/);
    // Where the operator gave no English text, the German one is sent (and says so).
    assert.equal((await page('impressum', 'en')).lang, 'en', 'the shipped English template');
  });

  test('every language has its own template of the legal pages (the privacy notice names the language cookie); Leichte Sprache stays German', async () => {
    for (const l of LANGUAGES) {
      for (const name of ['impressum', 'datenschutz', 'barrierefreiheit', 'gebaerdensprache']) {
        const p = await page(name, l);
        assert.equal(p.lang, l, `${name} in ${l}`);
        assert.ok(p.title.length > 3 && p.html.length > 20, `${name} in ${l} has a title and a text`);
      }
      assert.match((await page('datenschutz', l)).html, /<code>lang<\/code>/, `${l}: the privacy notice names the cookie`);
      assert.equal((await page('leichte-sprache', l)).lang, 'de');
    }
  });

  test('sign-language videos come with captions from the content directory; other paths are left out', async () => {
    const sign = await page('gebaerdensprache');
    assert.deepEqual(sign.videos, [{ title: 'Einen Termin buchen', file: 'buchen.webm', captions: 'buchen.vtt' }]);
    const captions = await node.app.inject({ url: '/inhalte/videos/buchen.vtt' });
    assert.equal(captions.statusCode, 200);
    assert.match(captions.body, /So buchen Sie einen Termin/);
    assert.equal((await node.app.inject({ url: '/inhalte/videos/../de/impressum.md' })).statusCode, 404);
  });

  test('a barrier report reaches staff, who close it (audited); bad reports are refused', async () => {
    const sent = await node.app.inject({
      method: 'POST',
      url: '/api/v1/barrier-reports',
      payload: { message: 'Der Knopf „Suchen“ ist mit der Lupe\nschwer zu finden.', page: '/suche', contact: 'erika@example.org' },
    });
    assert.equal(sent.statusCode, 201, sent.body);
    const list = await node.app.inject({ url: '/api/v1/admin/barrier-reports?state=new', headers: admin });
    assert.equal(list.statusCode, 200);
    const [report] = list.json().reports;
    assert.equal(report.message, 'Der Knopf „Suchen“ ist mit der Lupe\nschwer zu finden.');
    assert.equal(report.contact, 'erika@example.org');
    assert.equal((await node.app.inject({ url: '/api/v1/admin/barrier-reports' })).statusCode, 401);
    const done = await node.app.inject({ method: 'POST', url: `/api/v1/admin/barrier-reports/${report.id}/done`, headers: admin });
    assert.equal(done.statusCode, 200, done.body);
    assert.equal((await node.app.inject({ method: 'POST', url: `/api/v1/admin/barrier-reports/${report.id}/done`, headers: admin })).statusCode, 404);
    const audited = await node.db.query(`SELECT actor FROM audit_log WHERE action = 'close barrier report'`);
    assert.equal(audited.rowCount, 1);
    for (const payload of [{ message: '   ' }, { message: 'a\u0000b' }, { message: 'x'.repeat(5001) }, { message: 'ok', extra: 1 }]) {
      const bad = await node.app.inject({ method: 'POST', url: '/api/v1/barrier-reports', payload });
      assert.equal(bad.statusCode, 400, JSON.stringify(payload));
    }
  });

  test('one address sends at most five reports a minute', async () => {
    const codes: number[] = [];
    for (let i = 0; i < 6; i++) {
      codes.push(
        (await node.app.inject({ method: 'POST', url: '/api/v1/barrier-reports', remoteAddress: '192.0.2.9', payload: { message: `Nr. ${i}` } })).statusCode,
      );
    }
    assert.deepEqual(codes, [201, 201, 201, 201, 201, 429]);
  });
});

describe('legal pages edited in the console', () => {
  let node: TestNode;
  before(async () => {
    node = await startTestNode({});
  });
  after(() => node.stop());

  const asAdmin = (method: 'GET' | 'PUT' | 'DELETE' | 'POST', url: string, payload?: unknown) =>
    node.app.inject({ method, url, headers: admin, ...(payload === undefined ? {} : { payload: payload as object }) });
  const citizen = async (name: string, lang: string) => (await node.app.inject({ url: `/api/v1/pages/${name}?lang=${lang}` })).json();

  test('a text saved for a language wins over the template at once, stands in for languages without their own, and is audited; reset goes back', async () => {
    const before = (await asAdmin('GET', '/api/v1/admin/pages/impressum/tr')).json();
    assert.equal(before.from, 'file');
    assert.match(before.markdown, /^# Künye/);

    const saved = await asAdmin('PUT', '/api/v1/admin/pages/impressum/tr', { markdown: '# Künye\n\nMusterkreis İdaresi, Amtsweg 1, 58332 Schwelm.' });
    assert.equal(saved.statusCode, 200, saved.body);
    assert.equal(saved.json().from, 'console');
    const shown = await citizen('impressum', 'tr');
    assert.equal(shown.lang, 'tr');
    assert.match(shown.html, /Musterkreis İdaresi, Amtsweg 1/);

    // A console text in German stands in where a language has no text of its own (Leichte Sprache is German only).
    assert.equal(
      (await asAdmin('PUT', '/api/v1/admin/pages/leichte-sprache/de', { markdown: '# Leichte Sprache\n\nSo geht es. Ganz einfach.' })).statusCode,
      200,
    );
    const easy = await citizen('leichte-sprache', 'ar');
    assert.equal(easy.lang, 'de');
    assert.match(easy.html, /Ganz einfach/);

    const audit = await node.db.query(`SELECT action, target FROM audit_log WHERE action = 'edit page' ORDER BY id`);
    assert.deepEqual(
      audit.rows.map((r) => r.target),
      [
        { page: 'impressum', lang: 'tr' },
        { page: 'leichte-sprache', lang: 'de' },
      ],
    );

    const reset = await asAdmin('DELETE', '/api/v1/admin/pages/impressum/tr');
    assert.equal(reset.statusCode, 200);
    assert.equal(reset.json().from, 'file');
    assert.doesNotMatch((await citizen('impressum', 'tr')).html, /Musterkreis İdaresi/);
    assert.equal((await asAdmin('DELETE', '/api/v1/admin/pages/impressum/tr')).statusCode, 404, 'nothing left to reset');
  });

  test('the preview renders as citizens get it (raw HTML as text, no script links) and saves nothing; bad input is refused', async () => {
    const preview = await asAdmin('POST', '/api/v1/admin/pages/datenschutz/ar/preview', {
      markdown: '# حماية البيانات\n\n<img src=x onerror=alert(1)> [انقر](javascript:alert(1)) [موقع](https://example.org)',
    });
    assert.equal(preview.statusCode, 200, preview.body);
    const p = preview.json();
    assert.equal(p.title, 'حماية البيانات');
    assert.match(p.html, /&lt;img src=x onerror=alert\(1\)&gt;/);
    assert.doesNotMatch(p.html, /javascript:/);
    assert.match(p.html, /href="https:\/\/example.org"/);
    assert.equal((await asAdmin('GET', '/api/v1/admin/pages/datenschutz/ar')).json().from, 'file', 'a preview saves nothing');

    assert.equal((await asAdmin('PUT', '/api/v1/admin/pages/impressum/tr', { markdown: '   ' })).statusCode, 400);
    assert.equal((await asAdmin('PUT', '/api/v1/admin/pages/impressum/fr', { markdown: '# x' })).statusCode, 400);
    assert.equal((await asAdmin('PUT', '/api/v1/admin/pages/hausordnung/de', { markdown: '# x' })).statusCode, 400);
    assert.equal((await node.app.inject({ method: 'PUT', url: '/api/v1/admin/pages/impressum/de', payload: { markdown: '# x' } })).statusCode, 401);
  });
});
