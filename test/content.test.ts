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
