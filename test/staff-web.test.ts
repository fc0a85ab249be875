import { en as staffEnglish } from '../web/staff/i18n/en.js';
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import type { Browser, Page } from 'playwright-core';
import { startTestNode, admin, type TestNode } from './support/node.js';
import { post } from './support/fixtures.js';
import { checkAccessibility, launchBrowser, screenshot } from './support/browser.js';

/**
 * The staff console in Debian's Chromium: an admin sets up a centre, a campaign, a slot series and a
 * release (through the checklist) and watches the dashboard; an agent books a caller while the web
 * crowd takes the public share; a check-in account marks that booking attended.
 */
describe('staff console in a real browser', () => {
  let node: TestNode;
  let origin: string;
  let browser: Browser;
  let closeBrowser: () => Promise<void>;

  before(async () => {
    node = await startTestNode({ ANSTURM_LOGINS_PER_MINUTE: '0', ANSTURM_AVAILABILITY_REFRESH_MS: '200' });
    origin = await node.app.listen({ host: '127.0.0.1', port: 0 });
    ({ browser, close: closeBrowser } = await launchBrowser());
    for (const [username, role] of [
      ['leitung', 'admin'],
      ['hotline', 'agent'],
    ] as const) {
      const res = await post(node.app, '/api/v1/admin/staff', { username, displayName: username, role, password: `${username}-passwort-123` }, admin);
      assert.equal(res.status, 201);
    }
  });
  after(async () => {
    await closeBrowser?.();
    await node?.stop();
  });

  async function loggedIn(username: string): Promise<{ page: Page; errors: string[]; close: () => Promise<void> }> {
    const context = await browser.newContext({ viewport: { width: 1100, height: 900 }, locale: 'de-DE', timezoneId: 'Europe/Berlin' });
    const page = await context.newPage();
    const errors: string[] = [];
    page.on('pageerror', (e) => errors.push(e.message));
    page.setDefaultTimeout(15_000);
    await page.goto(`${origin}/staff`);
    await page.getByRole('heading', { level: 1, name: 'Anmelden' }).waitFor();
    await page.getByLabel('Benutzername', { exact: true }).fill(username);
    await page.getByLabel('Passwort', { exact: true }).fill(`${username}-passwort-123`);
    await page.getByRole('button', { name: 'Anmelden' }).click();
    await page.getByRole('button', { name: 'Abmelden' }).waitFor();
    return { page, errors, close: () => context.close() };
  }

  const berlinDay = (offsetDays = 0) =>
    new Intl.DateTimeFormat('en-CA', { timeZone: 'Europe/Berlin' }).format(new Date(node.clock.now() + offsetDays * 86_400_000));
  const berlinLocal = (date: Date) => {
    const parts = new Intl.DateTimeFormat('en-CA', {
      timeZone: 'Europe/Berlin',
      year: 'numeric',
      month: '2-digit',
      day: '2-digit',
      hour: '2-digit',
      minute: '2-digit',
      hourCycle: 'h23',
    }).formatToParts(date);
    const get = (t: string) => parts.find((p) => p.type === t)!.value;
    return `${get('year')}-${get('month')}-${get('day')}T${get('hour')}:${get('minute')}`;
  };

  test('admin sets up a release through the checklist, an agent books a caller during the rush, check-in marks them attended', async () => {
    // The caller is booked on a slot later today and checked in today: in the day's last hour there may be no
    // such slot left (the last starts at 23:50), so the node's clock moves on into the next day's small hours.
    const berlinHour = Number(new Intl.DateTimeFormat('en-GB', { timeZone: 'Europe/Berlin', hour: '2-digit', hourCycle: 'h23' }).format(node.clock.now()));
    if (berlinHour === 23) await node.advance(2 * 3_600_000);
    const { page, errors, close } = await loggedIn('leitung');
    await page.getByRole('heading', { level: 1, name: 'Live-Übersicht' }).waitFor();

    // A centre and a campaign.
    await page.getByRole('link', { name: 'Impfzentren', exact: true }).click();
    await page.getByLabel('Name', { exact: true }).fill('Impfzentrum Konsole');
    await page.getByLabel('Adresse (Straße, PLZ Ort)', { exact: true }).fill('Hauptstraße 5, 58332 Schwelm');
    await page.getByLabel('Postleitzahl', { exact: true }).fill('58332');
    await page.getByLabel('Kreis / kreisfreie Stadt', { exact: true }).fill('Ennepe-Ruhr-Kreis');
    await page.getByLabel('Breitengrad', { exact: true }).fill('51.2863');
    await page.getByLabel('Längengrad', { exact: true }).fill('7.2939');
    await page.getByRole('button', { name: 'Anlegen' }).click();
    await page.getByText(/Impfzentrum Nr\. \d+ angelegt/).waitFor();
    await checkAccessibility(page, 'staff: centres');
    const centerId = (await node.db.query(`SELECT id FROM centers WHERE name = 'Impfzentrum Konsole'`)).rows[0].id as number;

    await page.getByRole('link', { name: 'Kampagnen', exact: true }).click();
    await page.getByLabel('Name', { exact: true }).fill('Konsolenkampagne');
    await page.getByLabel('Impfstoff', { exact: true }).fill('Comirnaty');
    await page.getByLabel('Mindestalter (am Impftag)', { exact: true }).fill('18');
    await page.getByRole('button', { name: 'Anlegen' }).click();
    await page.getByText(/Kampagne Nr\. \d+ angelegt/).waitFor();
    const campaignId = (await node.db.query(`SELECT id FROM campaigns WHERE name = 'Konsolenkampagne'`)).rows[0].id as number;

    // Slot series: first doses from today on, every 10 minutes round the clock; second doses later.
    await page.getByRole('link', { name: 'Terminserien', exact: true }).click();
    const series = async (dose: string, from: string, to: string) => {
      await page.getByLabel('Impfzentrum', { exact: true }).selectOption(String(centerId));
      await page.getByLabel('Kampagne', { exact: true }).selectOption(String(campaignId));
      await page.getByLabel('Dosis', { exact: true }).selectOption(dose);
      await page.getByLabel('Von (Tag)', { exact: true }).fill(from);
      await page.getByLabel('Bis (Tag)', { exact: true }).fill(to);
      await page.getByLabel('Wochentage (1 = Mo … 7 = So, durch Komma getrennt)', { exact: true }).fill('1,2,3,4,5,6,7');
      await page.getByLabel('Öffnet', { exact: true }).fill('00:00');
      await page.getByLabel('Schließt', { exact: true }).fill('23:59');
      await page.getByLabel('Takt (Minuten)', { exact: true }).fill('10');
      await page.getByLabel('Personen je Termin', { exact: true }).fill('2');
      await page.getByRole('button', { name: 'Termine anlegen' }).click();
      await page.getByText(/\d+ Termine angelegt/).waitFor();
    };
    await series('1', berlinDay(0), berlinDay(0));
    await page.getByText(/\d+ Termine angelegt/).waitFor();
    await page.reload();
    await page.getByRole('heading', { level: 1, name: 'Terminserien' }).waitFor();
    await series('2', berlinDay(22), berlinDay(40));
    await checkAccessibility(page, 'staff: slot series');

    // The release: opens in a moment, no waiting room, 30 % kept for the hotline for an hour.
    await page.getByRole('link', { name: 'Freigaben', exact: true }).click();
    await page.getByLabel('Kampagne', { exact: true }).selectOption(String(campaignId));
    await page.getByLabel('Erstimpfungen von (Tag)', { exact: true }).fill(berlinDay(0));
    await page.getByLabel('bis (Tag)', { exact: true }).fill(berlinDay(0));
    await page.getByLabel('Freigabe am (Ortszeit)', { exact: true }).fill(berlinLocal(new Date(node.clock.now() + 60_000)));
    await page.getByLabel('Mit Warteraum', { exact: true }).uncheck();
    await page.getByLabel('Erwartete Personen zur Öffnung', { exact: true }).fill('40000');
    await page.getByLabel('Anteil für die Hotline (%)', { exact: true }).fill('30');
    await page.getByLabel('Hotline-Anteil reserviert bis (Ortszeit)', { exact: true }).fill(berlinLocal(new Date(node.clock.now() + 3_600_000)));
    await page.getByRole('button', { name: 'Checkliste prüfen' }).click();
    await page.getByText('Die Checkliste warnt').waitFor();
    await page.getByText('NO_WAITING_ROOM').waitFor();
    await page.getByText('CROWD_NOT_MEASURED').waitFor();
    await checkAccessibility(page, 'staff: release checklist');
    await screenshot(page, 'staff-1-checklist');
    await page.getByRole('button', { name: 'Freigabe planen' }).click();
    await page.getByText('Bitte die Warnungen lesen und bestätigen').waitFor();
    assert.equal(
      (await node.db.query('SELECT count(*)::int AS n FROM releases WHERE campaign_id = $1', [campaignId])).rows[0].n,
      0,
      'nothing scheduled without acknowledging',
    );
    await page.getByLabel('Ich habe jede Warnung gelesen und plane die Freigabe trotzdem.', { exact: true }).check();
    await page.getByRole('button', { name: 'Freigabe planen' }).click();
    await page.getByText(/Freigabe Nr\. \d+ geplant/).waitFor();
    // The day is the centre's: its first hour (the day before in UTC) is released with the rest of it.
    const unreleased = await node.db.query(
      `SELECT count(*)::int AS n, count(*) FILTER (WHERE (starts_at AT TIME ZONE 'Europe/Berlin')::time < '01:00')::int AS early
       FROM slots WHERE campaign_id = $1 AND dose = 1 AND release_id IS NULL`,
      [campaignId],
    );
    assert.deepEqual(unreleased.rows[0], { n: 0, early: 0 }, 'every first dose of the chosen day is in the release');
    // Opened now for the rest of the test (the console scheduled it a minute ahead, as staff would).
    await node.db.query(`UPDATE releases SET opens_at = clock_now() WHERE campaign_id = $1`, [campaignId]);
    await node.db.query(`NOTIFY ansturm_catalog`);

    // The web rush takes everything the public may have while the admin watches the dashboard.
    const firstSlot = (
      await node.db.query(
        // Ten minutes ahead at least: a slot that starts while the test runs leaves the agent's search (failed in CI
        // at 04:20 Berlin, when the slot chosen was the one starting at 04:20).
        `SELECT id, capacity, phone_reserved, starts_at FROM slots
         WHERE campaign_id = $1 AND dose = 1 AND starts_at > clock_now() + interval '10 minutes' ORDER BY starts_at LIMIT 1`,
        [campaignId],
      )
    ).rows[0];
    assert.equal(firstSlot.phone_reserved, 0, '30 % of 2 rounds down to none');
    await node.db.query(`UPDATE slots SET capacity = 10, phone_reserved = 3 WHERE id = $1`, [firstSlot.id]);
    const rush = await Promise.all(Array.from({ length: 40 }, () => post(node.app, '/api/v1/holds', { slotId: firstSlot.id })));
    assert.equal(rush.filter((r) => r.status === 201).length, 7, 'the phone share held');

    await page.getByRole('link', { name: 'Live-Übersicht', exact: true }).click();
    await page.getByRole('heading', { level: 1, name: 'Live-Übersicht' }).waitFor();
    await page.getByText('Impfzentrum Konsole').waitFor();
    // A second reading, so the charts have a line: wait for it, not for time to pass.
    await page.waitForFunction(
      () => [...document.querySelectorAll('figure.metric polyline')].some((l) => (l.getAttribute('points') ?? '').trim().split(' ').length >= 2),
      undefined,
      { timeout: 20_000 },
    );
    assert.ok((await page.locator('figure.metric').count()) >= 8);
    // Each chart names its unit and its current value, and labels both axes: values (0, highest) and clock times.
    const queueChart = page.locator('figure.metric').filter({ hasText: 'Warteschlange (Personen)' });
    assert.match(await queueChart.locator('figcaption').innerText(), /jetzt \d/);
    const axisLabels = await queueChart.locator('svg text').allTextContents();
    assert.equal(axisLabels.length, 4, 'value axis: highest and 0; time axis: first and last reading');
    assert.match(axisLabels[2]!, /^\d\d:\d\d:\d\d$/);
    assert.match(axisLabels[3]!, /^\d\d:\d\d:\d\d$/);
    await checkAccessibility(page, 'staff: dashboard');
    await screenshot(page, 'staff-2-dashboard');
    // On a phone a table's rows become cards, each value with its column's name; nothing runs off the side.
    await page.setViewportSize({ width: 360, height: 740 });
    const cell = page.locator('td[data-label="Zentrum"]').filter({ hasText: 'Impfzentrum Konsole' });
    assert.equal(await cell.evaluate((td) => getComputedStyle(td, '::before').content), '"Zentrum"');
    assert.ok(await page.evaluate(() => document.documentElement.scrollWidth <= window.innerWidth), 'no sideways scrolling on a phone');
    await checkAccessibility(page, 'staff: dashboard on a phone');
    await screenshot(page, 'staff-2-dashboard-phone');
    await page.setViewportSize({ width: 1100, height: 900 });

    // The agent books a caller on the kept share.
    const agent = await loggedIn('hotline');
    await agent.page.getByRole('heading', { level: 1, name: 'Hotline: für Anrufer buchen' }).waitFor();
    await agent.page.getByLabel('Kampagne', { exact: true }).selectOption(String(campaignId));
    await agent.page.getByLabel('Postleitzahl des Anrufers', { exact: true }).fill('58332');
    await agent.page.getByRole('button', { name: 'Suchen' }).click();
    const day = agent.page.locator('details').filter({ hasText: 'für die Hotline' }).first();
    await day.locator('summary').click();
    // The slot kept for the phone, by its time (the day lists the slots before it too).
    await day.getByRole('button', { name: new RegExp(`^${berlinLocal(firstSlot.starts_at).slice(11)} `) }).click();
    await agent.page.getByLabel('Vorname', { exact: true }).fill('Hanna');
    await agent.page.getByLabel('Nachname', { exact: true }).fill('Anruferin');
    await agent.page.getByLabel('Geburtsdatum (TT.MM.JJJJ)', { exact: true }).fill('03.03.1941');
    await agent.page.getByLabel('Bestätigung per', { exact: true }).selectOption('letter');
    await checkAccessibility(agent.page, 'staff: hotline');
    await agent.page.getByRole('button', { name: 'Verbindlich buchen' }).click();
    await agent.page.getByText('Brief zum Drucken:').waitFor();
    const code = (await agent.page.locator('.booking-code').textContent())!.trim();
    assert.match((await agent.page.locator('pre.letter').textContent()) ?? '', new RegExp(`Hanna Anruferin[\\s\\S]*${code}`));
    await screenshot(agent.page, 'staff-3-hotline');
    const booked = await node.db.query(`SELECT channel, booked_by, slot_id FROM bookings WHERE code = $1`, [code.replace('-', '')]);
    assert.deepEqual(booked.rows[0], { channel: 'phone', booked_by: 'staff:hotline', slot_id: firstSlot.id });
    assert.deepEqual(agent.errors, []);
    await agent.close();

    // A check-in account for this centre, made from the console.
    await page.getByRole('link', { name: 'Personal', exact: true }).click();
    await page.getByLabel('Name', { exact: true }).fill('Empfang Schwelm');
    await page.getByLabel('Benutzername (a–z, 0–9, . _ -)', { exact: true }).fill('empfang');
    await page.getByLabel('Rolle', { exact: true }).first().selectOption('checkin');
    await page.getByLabel('Nur für Zentren (Nummern, durch Komma getrennt; leer = alle)', { exact: true }).fill(String(centerId));
    await page.getByRole('button', { name: 'Anlegen' }).click();
    const password = (await page.locator('.notice-success code').textContent())!.trim();
    assert.ok(password.length >= 12);
    await checkAccessibility(page, 'staff: people');
    assert.deepEqual(errors, []);
    await close();

    const desk = await browser.newContext({ viewport: { width: 1100, height: 900 }, locale: 'de-DE' });
    // This desk's browser reads QR codes (as Chrome on Android does; Chromium on Linux cannot): a stand-in
    // BarcodeDetector reads whatever the test holds up, and the camera is a canvas.
    await desk.addInitScript(() => {
      const w = window as unknown as { BarcodeDetector: unknown; heldUp: string | null; cameraOn: boolean };
      w.heldUp = null;
      w.BarcodeDetector = class {
        async detect() {
          return w.heldUp ? [{ rawValue: w.heldUp }] : [];
        }
      };
      navigator.mediaDevices.getUserMedia = async () => {
        const canvas = document.createElement('canvas');
        canvas.getContext('2d')!.fillRect(0, 0, 10, 10);
        const stream = canvas.captureStream();
        w.cameraOn = true;
        stream.getTracks()[0]!.addEventListener('ended', () => (w.cameraOn = false));
        const stop = stream.getTracks()[0]!.stop.bind(stream.getTracks()[0]);
        stream.getTracks()[0]!.stop = () => ((w.cameraOn = false), stop());
        return stream;
      };
    });
    const deskPage = await desk.newPage();
    await deskPage.goto(`${origin}/staff`);
    await deskPage.getByLabel('Benutzername', { exact: true }).fill('empfang');
    await deskPage.getByLabel('Passwort', { exact: true }).fill(password);
    await deskPage.getByRole('button', { name: 'Anmelden' }).click();
    await deskPage.getByRole('heading', { level: 1, name: 'Check-in' }).waitFor();
    // A scanner types the QR code's text and Enter into the focused field.
    await deskPage.keyboard.type(`ANSTURM:${code.replace('-', '')}`);
    await deskPage.keyboard.press('Enter');
    await deskPage.getByText('Geburtsdatum 03.03.1941 – bitte mit dem Ausweis vergleichen.').waitFor();
    await checkAccessibility(deskPage, 'staff: check-in');
    await deskPage.getByRole('button', { name: 'Erschienen', exact: true }).click();
    await deskPage.getByRole('cell', { name: 'erschienen', exact: true }).first().waitFor();
    await screenshot(deskPage, 'staff-4-checkin');
    const attendance = await node.db.query(`SELECT a.state, a.by_actor FROM attendance a JOIN bookings b ON b.id = a.booking_id WHERE b.code = $1`, [
      code.replace('-', ''),
    ]);
    assert.deepEqual(attendance.rows[0], { state: 'attended', by_actor: 'staff:empfang' });

    // The camera: scan the next person's confirmation; the camera stops at the first code read.
    await deskPage.getByLabel('Buchungscode oder QR-Code scannen', { exact: true }).fill('');
    await deskPage.getByRole('button', { name: 'Mit der Kamera scannen' }).click();
    await deskPage.getByText('Halten Sie den QR-Code der Bestätigung vor die Kamera.').waitFor();
    assert.equal(await deskPage.evaluate(() => (window as unknown as { cameraOn: boolean }).cameraOn), true);
    await checkAccessibility(deskPage, 'staff: check-in with the camera');
    await deskPage.evaluate((text) => ((window as unknown as { heldUp: string }).heldUp = text), `ANSTURM:${code.replace('-', '')}`);
    // The code read goes into the field and is looked up, as if typed.
    await deskPage.waitForFunction((text) => (document.querySelector('#s-code') as HTMLInputElement).value === text, `ANSTURM:${code.replace('-', '')}`);
    await deskPage.getByText('Geburtsdatum 03.03.1941 – bitte mit dem Ausweis vergleichen.').waitFor();
    await deskPage.waitForFunction(() => !(window as unknown as { cameraOn: boolean }).cameraOn);
    assert.ok(await deskPage.locator('.camera').isHidden(), 'the camera view closes after the read');
    await desk.close();
  });

  test('a barrier report from the accessibility statement shows in the console, in words, and is marked done', async () => {
    const sent = await post(node.app, '/api/v1/barrier-reports', {
      message: 'Der Knopf „Suchen“ ist mit der Bildschirmlupe nicht zu sehen.\nBitte größer machen.',
      page: '/suche',
      contact: 'meldung@example.org',
    });
    assert.equal(sent.status, 201);
    const admin = await loggedIn('leitung');
    // Where the browser cannot read QR codes (Chromium on Linux), the check-in offers no camera button.
    await admin.page.getByRole('link', { name: 'Check-in', exact: true }).click();
    await admin.page.getByRole('heading', { level: 1, name: 'Check-in' }).waitFor();
    assert.equal(await admin.page.getByRole('button', { name: 'Mit der Kamera scannen' }).count(), 0);
    await admin.page.getByRole('link', { name: 'Barriere-Meldungen', exact: true }).click();
    await admin.page.getByRole('heading', { level: 1, name: 'Barriere-Meldungen' }).waitFor();
    const row = admin.page.locator('tr').filter({ hasText: 'Bildschirmlupe' });
    await row.getByText('meldung@example.org').waitFor();
    await checkAccessibility(admin.page, 'staff: barrier reports');
    await row.getByRole('button', { name: 'Erledigt' }).click();
    await admin.page.getByText(/Meldung \d+ ist erledigt/).waitFor();
    await admin.page.locator('table').filter({ hasText: 'Erledigt: 1' }).getByText('Bildschirmlupe', { exact: false }).waitFor();
    const stored = await node.db.query(`SELECT state, done_by FROM barrier_reports`);
    assert.deepEqual(stored.rows, [{ state: 'done', done_by: 'staff:leitung' }]);
    assert.deepEqual(admin.errors, []);
    await admin.close();
  });

  test('an admin edits the Arabic privacy notice with a preview, saves it, and citizens reading Arabic get it', async () => {
    const admin = await loggedIn('leitung');
    await admin.page.getByRole('link', { name: 'Rechtstexte', exact: true }).click();
    await admin.page.getByRole('heading', { level: 1, name: 'Rechtstexte' }).waitFor();
    await admin.page.getByLabel('Seite', { exact: true }).selectOption('datenschutz');
    await admin.page.getByLabel('Sprache', { exact: true }).selectOption('ar');
    await admin.page.getByRole('button', { name: 'Laden' }).click();
    const editor = admin.page.getByLabel('Text (Markdown)', { exact: true });
    await admin.page.waitForFunction(() => (document.querySelector('#s-markdown') as HTMLTextAreaElement).value.startsWith('# بيان حماية البيانات'));
    assert.equal(await editor.getAttribute('dir'), 'rtl');
    await editor.fill('# بيان حماية البيانات\n\nالمسؤول: إدارة مقاطعة موستركرايس، شارع أمتسفيغ 1.');
    await admin.page.getByRole('button', { name: 'Vorschau' }).click();
    const preview = admin.page.locator('.preview .legal[dir="rtl"]');
    await preview.getByText('إدارة مقاطعة موستركرايس', { exact: false }).waitFor();
    await checkAccessibility(admin.page, 'staff: legal texts with preview');
    await screenshot(admin.page, 'staff-5-legal-texts');
    await admin.page.getByRole('button', { name: 'Speichern' }).click();
    await admin.page.getByText('Gespeichert.', { exact: false }).waitFor();
    await admin.page.getByText('Quelle: Text aus der Verwaltung', { exact: false }).waitFor();
    const shown = (await node.app.inject({ url: '/api/v1/pages/datenschutz?lang=ar' })).json();
    assert.match(shown.html, /إدارة مقاطعة موستركرايس/);
    assert.deepEqual(admin.errors, []);
    await admin.close();
  });

  test('an admin changes a Polish SMS text: a lost placeholder is refused, the preview shows the change, and it is saved', async () => {
    const admin = await loggedIn('leitung');
    await admin.page.getByRole('link', { name: 'Nachrichtentexte', exact: true }).click();
    await admin.page.getByRole('heading', { level: 1, name: 'Nachrichtentexte' }).waitFor();
    await admin.page.getByLabel('Sprache', { exact: true }).selectOption('pl');
    await admin.page.getByRole('button', { name: 'Laden' }).click();
    const sms = admin.page.getByLabel('Code: SMS', { exact: true });
    await admin.page.waitForFunction(() => (document.querySelector('#t-codeSms') as HTMLTextAreaElement).value.startsWith('Twój kod Ansturm'));
    await sms.fill('Kod do szczepienia: wkrótce.');
    await admin.page.getByRole('button', { name: 'Speichern' }).click();
    await admin.page.getByText('must use exactly these placeholders: code', { exact: false }).waitFor();
    await sms.fill('Kod do szczepienia: {code}. Ważny 30 minut.');
    await admin.page.getByRole('button', { name: 'Vorschau' }).click();
    await admin.page.locator('pre.letter').filter({ hasText: 'Kod do szczepienia: 123456. Ważny 30 minut.' }).waitFor();
    await checkAccessibility(admin.page, 'staff: message texts with preview');
    await screenshot(admin.page, 'staff-6-message-texts');
    await admin.page.getByRole('button', { name: 'Speichern' }).click();
    await admin.page.getByText('Gespeichert (1).', { exact: false }).waitFor();
    const stored = await node.db.query(`SELECT lang, key, text, updated_by FROM message_texts`);
    assert.deepEqual(stored.rows, [{ lang: 'pl', key: 'codeSms', text: 'Kod do szczepienia: {code}. Ważny 30 minut.', updated_by: 'staff:leitung' }]);
    assert.deepEqual(admin.errors, []);
    await admin.close();
  });

  test('the console in English: every admin page without German words of the console, states in English words, axe on each, the choice kept', async () => {
    const admin = await loggedIn('leitung');
    await admin.page.getByRole('button', { name: 'English', exact: true }).click();
    await admin.page.getByRole('button', { name: 'Log out' }).waitFor();
    assert.equal(await admin.page.getAttribute('html', 'lang'), 'en');
    // German texts of the console that must not show once it speaks English (long enough not to be a name).
    const german = Object.entries(staffEnglish)
      .filter(([de, english]) => de !== english && de.length > 12 && !de.includes('{'))
      .map(([de]) => de);
    const links = await admin.page.locator('#nav a').evaluateAll((as) => as.map((a) => [a.textContent!, a.getAttribute('href')!]));
    assert.ok(links.length >= 14, 'every admin page is in the menu');
    for (const [name, href] of links) {
      await admin.page.goto(`${origin}${href}`);
      await admin.page.getByRole('heading', { level: 1 }).first().waitFor();
      await admin.page.waitForLoadState('networkidle');
      const text = await admin.page.locator('body').innerText();
      const left = german.filter((g) => text.includes(g));
      assert.deepEqual(left, [], `${name} (${href}) still shows German`);
      await checkAccessibility(admin.page, `staff in English: ${name}`);
    }
    await admin.page.goto(`${origin}/staff/dashboard`);
    await admin.page.getByRole('heading', { level: 1, name: 'Live overview' }).waitFor();
    await admin.page.locator('figure.metric').filter({ hasText: 'Queue (people)' }).waitFor();
    assert.equal(await admin.page.getAttribute('html', 'lang'), 'en', 'kept after a reload');
    await admin.page.getByRole('button', { name: 'Deutsch', exact: true }).click();
    await admin.page.getByRole('button', { name: 'Abmelden' }).waitFor();
    assert.deepEqual(admin.errors, []);
    await admin.close();
  });

  test('the console refuses a wrong password after five tries, and a check-in account sees no admin pages', async () => {
    const context = await browser.newContext({ locale: 'de-DE' });
    const page = await context.newPage();
    await page.goto(`${origin}/staff/dashboard`);
    for (let i = 0; i < 5; i++) {
      await page.getByLabel('Benutzername', { exact: true }).fill('leitung');
      await page.getByLabel('Passwort', { exact: true }).fill('falsch-falsch');
      // Each try waits for its own answer (the alert of the first stays on screen for the others).
      const answered = page.waitForResponse((r) => r.url().endsWith('/login') && r.request().method() === 'POST');
      await page.getByRole('button', { name: 'Anmelden' }).click();
      await answered;
      await page.getByRole('alert').waitFor();
    }
    await page.getByText(/LOCKED_OUT/).waitFor();
    await checkAccessibility(page, 'staff: login (locked)');
    await context.close();
    await node.db.query(`DELETE FROM login_failures`);

    const res = await post(
      node.app,
      '/api/v1/admin/staff',
      { username: 'nur-checkin', displayName: 'x', role: 'checkin', password: 'nur-checkin-passwort-123' },
      admin,
    );
    assert.equal(res.status, 201);
    const { page: p, close } = await loggedIn('nur-checkin');
    await p.getByRole('heading', { level: 1, name: 'Check-in' }).waitFor();
    const menu = await p.locator('nav a').allTextContents();
    assert.deepEqual(menu, ['Check-in']);
    await p.goto(`${origin}/staff/personal`);
    await p.getByRole('heading', { level: 1, name: 'Check-in' }).waitFor();
    await close();
  });
});
