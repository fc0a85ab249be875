import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import type { Browser } from 'playwright-core';
import { startTestNode, type TestNode } from './support/node.js';
import { adminPost, book, morningIn, person, post, setUpWorld } from './support/fixtures.js';
import { join, opened, setRoom, status, until } from './support/queue.js';
import { assertOnlyOwnOrigin, checkAccessibility, chooseLanguage, launchBrowser, phone, screenshot } from './support/browser.js';

/**
 * The citizen web app in Debian's Chromium, on a phone-sized window, against a real node on a
 * real port and a real database: every flow a citizen takes, both languages, and an axe-core
 * check of every page. Screenshots land in test-artifacts/screens.
 */
describe('citizen web app in a real browser', () => {
  let node: TestNode;
  let origin: string;
  let browser: Browser;
  let closeBrowser: () => Promise<void>;

  before(async () => {
    node = await startTestNode({ ANSTURM_QUEUE_REFRESH_MS: '200' });
    origin = await node.app.listen({ host: '127.0.0.1', port: 0 });
    ({ browser, close: closeBrowser } = await launchBrowser());
  });
  after(async () => {
    await closeBrowser?.();
    await node?.stop();
  });

  const bookingState = async (code: string, dateOfBirth: string) =>
    (await node.app.inject({ url: `/api/v1/bookings/${code}?dateOfBirth=${dateOfBirth}` })).json();

  test('German: start page, search, hold, details, confirmation, then view and cancel the booking', async () => {
    const w = await setUpWorld(node.app, { firstSlots: 3 });
    const { page, requests, errors } = await phone(browser);

    await page.goto(`${origin}/`);
    assert.equal(await page.getAttribute('html', 'lang'), 'de');
    await page.getByRole('heading', { level: 1, name: 'Impftermin buchen' }).waitFor();
    await page.getByText('Personen jeden Alters', { exact: false }).first().waitFor();
    await page.getByRole('link', { name: '116 117' }).first().waitFor();
    await screenshot(page, 'de-1-start');
    await checkAccessibility(page, 'start');

    await page.locator(`section[aria-labelledby="campaign-${w.campaignId}"]`).getByRole('link', { name: 'Termin suchen' }).click();
    await page.getByLabel('Postleitzahl').fill('58332');
    await page.getByRole('button', { name: 'Suchen' }).click();
    await page.getByRole('heading', { name: 'Impfzentrum Test' }).waitFor();
    await page.locator('button.day').first().click();
    await page.locator('button.slot').first().waitFor();
    await screenshot(page, 'de-2-search');
    await checkAccessibility(page, 'search');

    await page.locator('button.slot').first().click();
    await page.waitForURL('**/termin');
    await page.getByRole('heading', { name: 'Ihre Angaben' }).waitFor();
    assert.equal(await page.locator('.appointments li').count(), 2, 'both doses are shown with the hold');
    assert.match((await page.locator('.appointments li').nth(1).textContent()) ?? '', /2\. Impfung/);
    assert.match((await page.locator('.timer').textContent()) ?? '', /Noch \d+:\d\d Minuten reserviert/);
    assert.equal(await page.getByLabel('Postleitzahl Ihres Wohnorts').inputValue(), '58332', 'the searched postal code is carried over');
    await page.getByLabel('Vorname').fill('Erika');
    await page.getByLabel('Nachname').fill('Mustermann');
    await page.getByLabel('Geburtsdatum').fill('12.08.1964');
    await page.getByLabel('E-Mail-Adresse (freiwillig)').fill('erika@example.org');
    await screenshot(page, 'de-3-details');
    await checkAccessibility(page, 'details');

    await page.getByRole('button', { name: 'Termin verbindlich buchen' }).click();
    await page.waitForURL('**/bestaetigung/*');
    await page.getByRole('heading', { level: 1, name: 'Ihr Termin ist gebucht' }).waitFor();
    const code = (await page.locator('.booking-code').textContent())!.trim();
    assert.match(code, /^[A-Z0-9]{4}-[A-Z0-9]{4}$/);
    const stored = await bookingState(code, '1964-08-12');
    assert.equal(stored.status, 'active');
    assert.deepEqual(stored.person, { firstName: 'Erika', lastName: 'Mustermann' });
    assert.deepEqual(
      stored.appointments.map((a: { slotId: number }) => a.slotId),
      [w.firstSlotIds[0], w.secondSlotIds[0]],
      'the page booked the slot that was clicked, with its second dose',
    );
    // The confirmation e-mail leaves through the outbox; the page follows it until it is sent.
    await page.getByText('E-Mail: versendet').waitFor();
    const ics = await page.request.get(
      await page
        .getByRole('link', { name: 'In den Kalender eintragen (.ics)' })
        .getAttribute('href')
        .then((h) => `${origin}${h}`),
    );
    assert.equal(ics.status(), 200);
    assert.match(ics.headers()['content-type']!, /text\/calendar/);
    assert.equal((await ics.text()).match(/BEGIN:VEVENT/g)?.length, 2);
    await screenshot(page, 'de-4-confirmation');
    await checkAccessibility(page, 'confirmation');

    await page.getByRole('link', { name: 'Gebuchten Termin ansehen, verschieben oder absagen' }).first().click();
    await page.getByRole('heading', { level: 1, name: 'Termin verwalten' }).waitFor();
    await checkAccessibility(page, 'manage (form)');
    await page.getByLabel('Buchungscode').fill(code.toLowerCase());
    await page.getByLabel('Geburtsdatum').fill('12.08.1964');
    await page.getByRole('button', { name: 'Buchung anzeigen' }).click();
    await page.getByRole('heading', { name: `${code} – Gebucht` }).waitFor();
    await screenshot(page, 'de-5-manage');
    await checkAccessibility(page, 'manage (booking)');

    // Move it to the next time of the same day, then cancel it.
    await page.getByRole('button', { name: 'Termin verschieben' }).click();
    await page.getByText(`Neuen Termin wählen für Buchung ${code}`).waitFor();
    await page.locator('button.day').first().click();
    await page.locator('button.slot').nth(1).click();
    await page.getByRole('heading', { level: 1, name: 'Ihr Termin wurde verschoben.' }).waitFor();
    const moved = await bookingState(code, '1964-08-12');
    assert.equal(moved.appointments[0].slotId, w.firstSlotIds[1], 'the booking now holds the second time');
    await checkAccessibility(page, 'confirmation (moved)');
    await page.getByRole('link', { name: 'Gebuchten Termin ansehen, verschieben oder absagen' }).first().click();
    await page.getByLabel('Buchungscode').fill(code);
    await page.getByLabel('Geburtsdatum').fill('12.08.1964');
    await page.getByRole('button', { name: 'Buchung anzeigen' }).click();
    await page.getByRole('button', { name: 'Termin absagen', exact: true }).click();
    await page.getByRole('button', { name: 'Ja, absagen', exact: true }).click();
    await page.getByRole('heading', { name: `${code} – Abgesagt` }).waitFor();
    assert.equal((await bookingState(code, '1964-08-12')).status, 'cancelled');
    const taken = await node.db.query('SELECT id, taken FROM slots WHERE id = ANY($1) ORDER BY id', [w.firstSlotIds.slice(0, 2)]);
    assert.deepEqual(
      taken.rows.map((r) => r.taken),
      [0, 0],
      'the moved-from and the cancelled appointment are free again',
    );
    await screenshot(page, 'de-6-cancelled');

    // Everything stored about her, then erased (GDPR art. 15 and 17).
    await page.getByRole('button', { name: 'Gespeicherte Daten ansehen' }).click();
    await page.getByText('erika@example.org').first().waitFor();
    await page.getByText('12.08.1964').waitFor();
    await checkAccessibility(page, 'manage (your data)');
    await page.getByRole('button', { name: 'Termin absagen und meine Daten löschen' }).click();
    await page.getByRole('button', { name: 'Ja, absagen und löschen' }).click();
    await page.getByText('Ihr Termin ist abgesagt und Ihre Daten sind gelöscht.').waitFor();
    const erased = await node.db.query(`SELECT first_name, email, anonymised_at IS NOT NULL AS anonymised FROM bookings WHERE code = $1`, [
      code.replace('-', ''),
    ]);
    assert.deepEqual(erased.rows, [{ first_name: '', email: null, anonymised: true }]);

    assert.deepEqual(errors, []);
    assertOnlyOwnOrigin(requests, origin);
    await page.context().close();
  });

  test('the start page counts down by the server’s clock, not a wrong phone clock, and opens the release by itself', async () => {
    // A node of its own: this test moves the server's clock by minutes.
    const own = await startTestNode();
    const ownOrigin = await own.app.listen({ host: '127.0.0.1', port: 0 });
    try {
      // The release opens in the 33rd minute from now, at :55 seconds.
      const opensAt = Math.floor(own.clock.now() / 60_000) * 60_000 + 32 * 60_000 + 55_000;
      const w = await setUpWorld(own.app, { opensAt: new Date(opensAt).toISOString() });
      const { page, context, errors } = await phone(browser);
      // This phone's clock is ten minutes behind and runs on from there.
      await context.clock.install({ time: Date.now() - 10 * 60_000 });
      await context.clock.resume();
      await page.goto(`${ownOrigin}/`);
      const section = page.locator(`section[aria-labelledby="campaign-${w.campaignId}"]`);
      const time = new Intl.DateTimeFormat('de-DE', { timeZone: 'Europe/Berlin', hour: '2-digit', minute: '2-digit', second: '2-digit' }).format(opensAt);
      await section.getByText(`Freigabe am`).waitFor();
      assert.match((await section.locator('strong').first().textContent()) ?? '', new RegExp(`${time} Uhr`), 'the opening time to the second');
      const countdown = section.getByRole('timer');
      await countdown.waitFor();
      const shown = (await countdown.textContent()) ?? '';
      const [minutes] = /Noch (\d+):\d\d Minuten/.exec(shown)!.slice(1).map(Number);
      assert.ok(minutes! >= 30 && minutes! <= 32, `${shown}: by the server's clock (the phone's would say about 42 minutes)`);
      await screenshot(page, 'de-1b-start-countdown');

      // The server's clock moves to three seconds before the instant; the page, loaded again, measures it anew.
      await own.advance(opensAt - own.clock.now() - 3_000);
      await page.reload();
      assert.equal(await section.getByRole('link', { name: 'Termin suchen' }).count(), 0);
      await section.getByRole('link', { name: 'Termin suchen' }).waitFor({ timeout: 15_000 });
      await section.getByText('Jetzt buchbar').waitFor();
      assert.equal(await section.getByRole('timer').count(), 0, 'no countdown once open');
      assert.deepEqual(errors, []);
      await context.close();
    } finally {
      await own.stop();
    }
  });

  test('keyboard only: the whole booking with Tab, typing and Enter, focus always on what matters next', async () => {
    const w = await setUpWorld(node.app, { firstSlots: 2 });
    const { page, errors } = await phone(browser);
    await page.goto(`${origin}/suche?kampagne=${w.campaignId}`);
    await page.getByRole('heading', { level: 1, name: 'Termin suchen' }).waitFor();
    /** Presses Tab until the focused element matches; fails if it is not reachable within 25 presses. */
    const tabTo = async (selector: string) => {
      for (let i = 0; i < 25; i++) {
        await page.keyboard.press('Tab');
        if (await page.evaluate((sel) => document.activeElement?.matches(sel) ?? false, selector)) return;
      }
      assert.fail(`${selector} is not reachable by keyboard`);
    };
    await tabTo('input[name="postalCode"]');
    await page.keyboard.type('58332');
    await page.keyboard.press('Enter');
    await page.locator('button.day').first().waitFor();
    await tabTo('button.day');
    await page.keyboard.press('Enter');
    assert.equal(await page.evaluate(() => document.activeElement?.tagName), 'H4', 'focus moves to the times of the chosen day');
    await tabTo('button.slot');
    await page.keyboard.press('Enter');
    await page.waitForURL('**/termin');
    await page.waitForFunction(() => document.activeElement?.tagName === 'H1');
    for (const [name, text] of [
      ['firstName', 'Karl'],
      ['lastName', 'Tast'],
      ['dateOfBirth', '01.01.1940'],
    ] as const) {
      await tabTo(`input[name="${name}"]`);
      await page.keyboard.type(text);
    }
    await page.keyboard.press('Enter'); // submits the form from within a field
    await page.waitForURL('**/bestaetigung/*');
    await page.waitForFunction(() => document.activeElement?.textContent === 'Ihr Termin ist gebucht');
    await tabTo('button.secondary'); // "Code kopieren"
    assert.equal(await page.evaluate(() => document.activeElement?.textContent), 'Code kopieren');
    assert.deepEqual(errors, []);
    await page.context().close();
  });

  test('English: waiting room with countdown, details entered while waiting, admission, one-step booking', async () => {
    // The line opens when this test moves the server's clock to the instant (or after 20 s of a slow machine).
    const opensAt = node.clock.now() + 20_000;
    const w = await setUpWorld(node.app, { waitingRoom: true, opensAt: new Date(opensAt).toISOString(), prequeueMinutes: 30 });
    await setRoom(node.app, w.releaseId, { difficulty: 10 });
    const { page, requests, errors } = await phone(browser);

    await page.goto(`${origin}/warteraum/${w.releaseId}`);
    await page.getByRole('heading', { level: 1, name: /^Warteraum/ }).waitFor();
    await chooseLanguage(page, 'English');
    await page.getByRole('heading', { level: 1, name: 'Waiting room – Testkampagne' }).waitFor();
    assert.equal(await page.getAttribute('html', 'lang'), 'en');
    await page.getByText(/Appointments open in/).waitFor();
    await checkAccessibility(page, 'waiting room (before joining)');
    await screenshot(page, 'en-1-waiting-room');

    await page.getByRole('button', { name: 'Enter the waiting room' }).click();
    await page.getByText('You are in the waiting room. At the opening').waitFor();
    const resumeCode = (await page.locator('.resume-code').textContent())!.trim();
    assert.ok(resumeCode.length >= 6, 'the resume code is shown');
    // Another device (a relative's phone) takes up the same place from the link.
    const other = await phone(browser);
    await other.page.goto(await page.getByRole('link', { name: 'Link to your place' }).getAttribute('href').then(String));
    await other.page.getByRole('heading', { name: 'Ihr Platz' }).waitFor();
    assert.equal((await other.page.locator('.resume-code').textContent())!.trim(), resumeCode);
    await other.context.close();

    await page.getByText('Get ready now').click();
    await page.getByLabel('First name').fill('John');
    await page.getByLabel('Last name').fill('Doe');
    await page.getByLabel('Date of birth').fill('03.02.1950');
    await page.getByLabel('Postal code of your home').fill('58332');
    await page.getByRole('button', { name: 'Save details' }).click();
    await page.getByText('Your details are saved.').waitFor();
    await screenshot(page, 'en-2-in-line');
    await checkAccessibility(page, 'waiting room (in line)');

    // At the instant the line opens, the only person in it is admitted and sent on to the search.
    await node.advance(Math.max(0, opensAt - node.clock.now()));
    await page.waitForURL('**/suche?**', { timeout: 30_000 });
    await page.getByText('It is your turn. Choose your appointment now.').waitFor();
    await page.getByRole('heading', { name: 'Impfzentrum Test' }).waitFor();
    await checkAccessibility(page, 'search (admitted)');
    await page.locator('button.day').first().click();
    await page.locator('button.slot').first().click();
    await page.waitForURL('**/termin');
    assert.equal(await page.getByLabel('First name').inputValue(), 'John', 'details entered while waiting are filled in');
    assert.equal(await page.getByLabel('Date of birth').inputValue(), '03.02.1950');
    await screenshot(page, 'en-3-details');
    await page.getByRole('button', { name: 'Book this appointment' }).click();
    await page.getByRole('heading', { level: 1, name: 'Your appointment is booked' }).waitFor();
    assert.equal(await page.getAttribute('html', 'lang'), 'en');
    // Dates in English, times in Berlin: 10:00 Berlin is 09:00 UTC in winter (morningIn).
    const first = (await page.locator('.appointments li').first().textContent()) ?? '';
    assert.match(first, /Dose 1/);
    assert.match(first, /\d{1,2} [A-Z][a-z]+ \d{4}/);
    assert.match(
      first,
      new RegExp(
        new Intl.DateTimeFormat('en-GB', { timeZone: 'Europe/Berlin', hour: '2-digit', minute: '2-digit', hourCycle: 'h23' }).format(new Date(morningIn(3))),
      ),
    );
    await page.getByText('You gave no contact details').waitFor();
    await screenshot(page, 'en-4-confirmation');
    await checkAccessibility(page, 'confirmation (en)');

    const tickets = await node.db.query(`SELECT state FROM queue_tickets WHERE release_id = $1`, [w.releaseId]);
    assert.deepEqual(
      tickets.rows.map((r) => r.state),
      ['used'],
      'the admission was used for the booking',
    );

    // Afterwards the person checks the draw on their phone, as the waiting room offered.
    await page.goto(`${origin}/warteraum/${w.releaseId}/auslosung`);
    await page.getByRole('heading', { level: 1, name: 'Check the draw' }).waitFor();
    const ticketId = (await node.db.query(`SELECT id FROM queue_tickets WHERE release_id = $1`, [w.releaseId])).rows[0].id;
    await page.getByText(ticketId).waitFor();
    await page.getByText('The key matches the check value published before the opening.').waitFor();
    await page.getByRole('button', { name: 'Recompute the whole order' }).click();
    await page.getByText('Lots recomputed: 1. The published order is correct.').waitFor();
    assert.equal(await page.getByText('Your place in the draw: 1').count(), 1);
    await screenshot(page, 'en-5-draw');
    await checkAccessibility(page, 'draw (en)');
    assert.deepEqual(errors, []);
    assertOnlyOwnOrigin(requests, origin);
    await page.context().close();
  });

  test('a campaign that needs a verified contact: location search, code by SMS from the mailbox, then the booking', async () => {
    const w = await setUpWorld(node.app, { requireVerifiedContact: true });
    const { page, context, errors } = await phone(browser);
    await context.grantPermissions(['geolocation']);
    await context.setGeolocation({ latitude: 51.29, longitude: 7.3 });
    await page.goto(`${origin}/suche?kampagne=${w.campaignId}`);
    await page.getByRole('button', { name: 'Meinen Standort verwenden' }).click();
    await page.locator('button.day').first().click();
    await page.locator('button.slot').first().click();
    await page.waitForURL('**/termin');
    await page.getByLabel('Vorname').fill('Vera');
    await page.getByLabel('Nachname').fill('Ifiziert');
    await page.getByLabel('Geburtsdatum').fill('1955-03-04');
    await page.getByLabel('Postleitzahl Ihres Wohnorts').fill('58332');
    await page.getByLabel('Handynummer', { exact: true }).fill('0170 5550123');
    await page.getByRole('button', { name: 'Termin verbindlich buchen' }).click();
    await page.getByRole('alert').filter({ hasText: 'bestätigen Sie sie mit dem Code' }).waitFor();

    await page.getByRole('button', { name: 'Code per SMS senden' }).click();
    await page.getByText('Wir haben einen 6-stelligen Code an 0170 5550123 gesendet.').waitFor();
    const sms = await until(
      () => node.db.query(`SELECT body_text FROM messages WHERE kind = 'code' AND recipient = '+491705550123' AND state = 'sent'`),
      (r) => r.rowCount === 1,
    );
    const code = /\b(\d{6})\b/.exec(sms.rows[0].body_text)![1]!;
    await page.getByLabel('Bestätigungscode').fill(code);
    await page.getByRole('button', { name: 'Code bestätigen' }).click();
    await page.getByText('0170 5550123 ist bestätigt.').waitFor();
    assert.equal(await page.getByRole('alert').count(), 0, 'the earlier problem is gone once the number is confirmed');
    await checkAccessibility(page, 'details (verification)');
    await screenshot(page, 'de-11-verified');
    await page.getByRole('button', { name: 'Termin verbindlich buchen' }).click();
    await page.getByRole('heading', { level: 1, name: 'Ihr Termin ist gebucht' }).waitFor();
    await page.getByText('SMS: versendet').waitFor();
    assert.deepEqual(errors, []);
    await context.close();
  });

  test('sold out: joining the wait list on the web with wishes and a confirmed number, the place in line, leaving', async () => {
    const w = await setUpWorld(node.app, { firstSlots: 1, firstCapacity: 1 });
    await book(node.app, w.firstSlotIds[0]!, person({ firstName: 'Voll', dateOfBirth: '1951-01-01' }));
    await node.view.reload();
    const { page, context, errors } = await phone(browser);
    await page.goto(`${origin}/suche?kampagne=${w.campaignId}`);
    await page.getByLabel('Postleitzahl').fill('58332');
    await page.getByRole('button', { name: 'Suchen' }).click();
    await page.getByRole('link', { name: 'Auf die Warteliste setzen' }).click();
    await page.waitForURL(`**/warteliste?kampagne=${w.campaignId}`);
    await page.getByRole('heading', { level: 1, name: 'Warteliste' }).waitFor();

    // Wishes: only this centre, not before a given day, on weekdays.
    await page.getByLabel('Nur in diesen Impfzentren:').check();
    await page.getByLabel('Impfzentrum Test, Teststraße 1').check();
    const notBefore = new Date(Date.now() + 2 * 86_400_000).toISOString().slice(0, 10);
    await page.getByLabel('Frühestens am (freiwillig)').fill(notBefore.split('-').reverse().join('.'));
    await page.getByLabel('Sa', { exact: true }).uncheck();
    await page.getByLabel('So', { exact: true }).uncheck();
    await page.getByLabel('Vorname').fill('Wilma');
    await page.getByLabel('Nachname').fill('Warteliste');
    await page.getByLabel('Geburtsdatum').fill('03.04.1944');
    await page.getByLabel('Postleitzahl Ihres Wohnorts').fill('58332');
    await page.getByLabel('Handynummer', { exact: true }).fill('0170 5550199');
    await checkAccessibility(page, 'wait list (join)');
    await screenshot(page, 'de-12-waitlist-join');
    await page.getByRole('button', { name: 'Auf die Warteliste setzen' }).click();
    await page.getByRole('alert').filter({ hasText: 'Bitte bestätigen Sie zuerst Ihre Handynummer' }).waitFor();

    await page.getByRole('button', { name: 'Code per SMS senden' }).click();
    const sms = await until(
      () => node.db.query(`SELECT body_text FROM messages WHERE kind = 'code' AND recipient = '+491705550199' AND state = 'sent'`),
      (r) => r.rowCount === 1,
    );
    await page.getByLabel('Bestätigungscode').fill(/\b(\d{6})\b/.exec(sms.rows[0].body_text)![1]!);
    await page.getByRole('button', { name: 'Code bestätigen' }).click();
    await page.getByText('0170 5550199 ist bestätigt.').waitFor();
    await page.getByRole('button', { name: 'Auf die Warteliste setzen' }).click();
    await page.getByText('Sie stehen auf der Warteliste.').waitFor();
    assert.equal(await page.locator('.position').textContent(), 'Ihr Platz: 1');
    await checkAccessibility(page, 'wait list (place)');
    await screenshot(page, 'de-13-waitlist-place');
    const entry = await node.db.query(
      `SELECT state, center_ids, earliest::text, weekdays, max_distance_km, phone FROM waitlist_entries WHERE campaign_id = $1`,
      [w.campaignId],
    );
    assert.deepEqual(entry.rows, [
      { state: 'waiting', center_ids: [w.centerId], earliest: notBefore, weekdays: [1, 2, 3, 4, 5], max_distance_km: null, phone: '0170 5550199' },
    ]);

    // The place is kept on this phone; leaving asks first.
    await page.reload();
    await page.getByText('Ihr Platz: 1').waitFor();
    page.once('dialog', (dialog) => void dialog.accept());
    await page.getByRole('button', { name: 'Warteliste verlassen' }).click();
    await page.getByText('Sie haben die Warteliste verlassen.').first().waitFor();
    assert.equal((await node.db.query(`SELECT state FROM waitlist_entries WHERE campaign_id = $1`, [w.campaignId])).rows[0].state, 'left');
    assert.deepEqual(errors, []);
    await context.close();
  });

  test('a wait-list offer opened from its message is accepted on its page', async () => {
    const w = await setUpWorld(node.app, { firstSlots: 1, firstCapacity: 1 });
    const first = await book(node.app, w.firstSlotIds[0]!, person({ firstName: 'Anna', dateOfBirth: '1950-01-01' }));
    assert.equal(first.booking.status, 201);
    const entry = await adminPost(node.app, '/api/v1/admin/waitlist', {
      campaignId: w.campaignId,
      person: person({ firstName: 'Otto', lastName: 'Warte', dateOfBirth: '1945-05-05', email: 'otto@example.org' }),
    });
    assert.ok(entry.entryId);
    const cancelled = await node.app.inject({ method: 'DELETE', url: `/api/v1/bookings/${first.booking.body.bookingCode}?dateOfBirth=1950-01-01` });
    assert.equal(cancelled.statusCode, 200);
    const message = await until(
      () => node.db.query(`SELECT body_text FROM messages WHERE kind = 'offer' AND recipient = 'otto@example.org'`),
      (r) => r.rowCount === 1,
      10_000,
    );
    const link = /http:\/\/\S+\/angebot\/\S+/.exec(message.rows[0].body_text)![0];
    const { page, errors } = await phone(browser);
    await page.goto(`${origin}${new URL(link).pathname}${new URL(link).search}`);
    await page.getByRole('heading', { level: 1, name: 'Terminangebot von der Warteliste' }).waitFor();
    await page.getByText('Bitte sagen Sie bis').waitFor();
    await checkAccessibility(page, 'offer');
    await screenshot(page, 'de-12-offer');
    await page.getByRole('button', { name: 'Termin annehmen' }).click();
    await page.waitForURL('**/bestaetigung/*');
    await page.getByLabel('Geburtsdatum').fill('05.05.1945');
    await page.getByRole('button', { name: 'Anzeigen' }).click();
    await page.getByRole('heading', { level: 1, name: 'Ihr Termin ist gebucht' }).waitFor();
    const rows = await node.db.query(`SELECT first_name FROM bookings WHERE campaign_id = $1 AND status = 'active'`, [w.campaignId]);
    assert.deepEqual(
      rows.rows.map((r) => r.first_name),
      ['Otto'],
    );
    assert.deepEqual(errors, []);
    await page.context().close();
  });

  test('sold out: the waiting room says so with the next release, and the search shows when more open', async () => {
    const w = await setUpWorld(node.app, { waitingRoom: true, firstSlots: 1, firstCapacity: 1, opensAt: new Date(Date.now() + 2_000).toISOString() });
    await setRoom(node.app, w.releaseId, { difficulty: 8 });
    // A later release of the same campaign: what the sold-out page points to.
    const later = await adminPost(node.app, '/api/v1/admin/slots', {
      slots: [{ centerId: w.centerId, campaignId: w.campaignId, startsAt: morningIn(5), durationMinutes: 15, capacity: 5, dose: 1 }],
    });
    const nextOpensAt = new Date(Date.now() + 2 * 86_400_000);
    await adminPost(node.app, '/api/v1/admin/releases', {
      campaignId: w.campaignId,
      slotIds: [later.slots[0].id],
      opensAt: nextOpensAt.toISOString(),
      acknowledge: 'all',
    });

    // Someone else is first in line and books the one appointment.
    const rival = await join(node.app, w.releaseId);
    assert.equal(rival.status, 201);
    await opened(node.app, w.releaseId);

    const { page, errors } = await phone(browser);
    await page.goto(`${origin}/warteraum/${w.releaseId}`);
    await page.getByRole('button', { name: 'In den Warteraum eintreten' }).click();
    await page.getByRole('heading', { name: 'Ihr Platz' }).waitFor();

    const admitted = await until(
      () => status(node.app, rival.body.ticket),
      (s) => s.body.admission !== null,
    );
    const hold = await post(node.app, '/api/v1/holds', { slotId: w.firstSlotIds[0] }, { 'admission-token': admitted.body.admission.token });
    assert.equal(hold.status, 201, JSON.stringify(hold.body));
    assert.equal((await post(node.app, '/api/v1/bookings', { holdId: hold.body.holdId, person: person() })).status, 201);

    await page.getByRole('heading', { name: 'Alle Termine dieser Freigabe sind vergeben.' }).waitFor({ timeout: 20_000 });
    const when = new Intl.DateTimeFormat('de-DE', { timeZone: 'Europe/Berlin', day: '2-digit', month: '2-digit', year: 'numeric' }).format(nextOpensAt);
    await page.getByText(`Die nächste Freigabe ist am`).waitFor();
    assert.match((await page.locator('main').textContent()) ?? '', new RegExp(when.replace(/\./g, '\\.')));
    await screenshot(page, 'de-7-sold-out');
    await checkAccessibility(page, 'waiting room (sold out)');

    await page.goto(`${origin}/suche?kampagne=${w.campaignId}`);
    await page.getByLabel('Postleitzahl').fill('58332');
    await page.getByRole('button', { name: 'Suchen' }).click();
    // In the page, not the screen readers' live region that repeats it 50 ms later.
    await page.locator('#main').getByText('In Ihrer Nähe sind gerade keine Termine frei.').waitFor();
    await page.locator('#main').getByText('Die nächste Freigabe ist am').waitFor();
    await checkAccessibility(page, 'search (nothing free)');
    assert.deepEqual(errors, []);
    await page.context().close();
  });

  test('an ineligible person is told why before submitting, and nothing is booked', async () => {
    const w = await setUpWorld(node.app, { minAge: 60 });
    const { page, errors } = await phone(browser);
    await page.goto(`${origin}/suche?kampagne=${w.campaignId}`);
    await page.getByLabel('Postleitzahl').fill('58332');
    await page.getByRole('button', { name: 'Suchen' }).click();
    await page.locator('button.day').first().click();
    await page.locator('button.slot').first().click();
    await page.waitForURL('**/termin');
    await page.getByLabel('Vorname').fill('Jan');
    await page.getByLabel('Nachname').fill('Jung');
    await page.getByLabel('Geburtsdatum').fill('01.06.1990');
    await page.getByLabel('Geburtsdatum').blur();
    const alert = page.getByRole('alert').filter({ hasText: 'Gebucht werden kann ab 60 Jahren' });
    await alert.waitFor();
    assert.match((await alert.textContent()) ?? '', /sind Sie \d+ Jahre alt/);
    await screenshot(page, 'de-8-not-eligible');
    await checkAccessibility(page, 'details (not eligible)');

    // Switching the language keeps what was typed, and the explanation follows in English on submit.
    await chooseLanguage(page, 'English');
    assert.equal(await page.getByLabel('First name').inputValue(), 'Jan');
    await page.getByRole('button', { name: 'Book this appointment' }).click();
    await page.getByRole('alert').filter({ hasText: 'Booking is open from 60 years' }).waitFor();
    assert.equal(new URL(page.url()).pathname, '/termin', 'still on the details page');
    const bookings = await node.db.query('SELECT count(*)::int AS n FROM bookings WHERE campaign_id = $1', [w.campaignId]);
    assert.equal(bookings.rows[0].n, 0);
    await chooseLanguage(page, 'Deutsch');
    assert.deepEqual(errors, []);
    await page.context().close();
  });

  test('a hold that runs out is announced, and its appointment is free again', async () => {
    const short = await startTestNode({ ANSTURM_HOLD_TTL_SECONDS: '5' });
    const shortOrigin = await short.app.listen({ host: '127.0.0.1', port: 0 });
    try {
      const w = await setUpWorld(short.app, { firstSlots: 1, firstCapacity: 1 });
      const { page, errors } = await phone(browser);
      await page.goto(`${shortOrigin}/suche?kampagne=${w.campaignId}`);
      await page.getByLabel('Postleitzahl').fill('58332');
      await page.getByRole('button', { name: 'Suchen' }).click();
      await page.locator('button.day').first().click();
      await page.locator('button.slot').first().click();
      await page.waitForURL('**/termin');
      await page.getByText('Nur noch', { exact: false }).waitFor();
      await page.getByText('Die Reservierung ist abgelaufen', { exact: false }).waitFor({ timeout: 10_000 });
      assert.equal(await page.evaluate(() => document.activeElement?.tagName), 'H1', 'focus moves to the news');
      await screenshot(page, 'de-9-hold-expired');
      await checkAccessibility(page, 'details (expired)');
      // The sweeper gives the unit back; anyone can book it again.
      await until(
        async () => (await short.db.query('SELECT taken FROM slots WHERE id = $1', [w.firstSlotIds[0]])).rows[0].taken,
        (n) => n === 0,
      );
      assert.equal((await book(short.app, w.firstSlotIds[0]!)).booking.status, 201);
      await page.getByRole('link', { name: 'Neuen Termin suchen' }).click();
      await page.getByRole('heading', { level: 1, name: 'Termin suchen' }).waitFor();
      assert.deepEqual(errors, []);
      await page.context().close();
    } finally {
      await short.stop();
    }
  });

  test('a booking link from an appointment finder opens the centre, its day and the time marked; the citizen reserves it', async () => {
    const w = await setUpWorld(node.app, { firstSlots: 3 });
    await node.view.reload();
    node.clock.advance(1_000); // the feed is rebuilt at most once a second of the clock
    const manifest = (await node.app.inject({ url: '/fhir/$bulk-publish' })).json();
    const slotFile = manifest.output.find((o: { type: string }) => o.type === 'Slot');
    const lines = (await node.app.inject({ url: new URL(slotFile.url).pathname })).body
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l));
    const wanted = lines.find((l) => l.id === `${w.firstSlotIds[1]}-free`);
    const link = new URL(wanted.extension.find((e: { url: string }) => e.url.endsWith('booking-deep-link')).valueUrl);
    const { page, errors } = await phone(browser);
    // The finder adds its own parameters (source, booking-referral); the page ignores them.
    await page.goto(`${origin}${link.pathname}${link.search}&source=impffinder&booking-referral=abc`);
    await page.getByRole('heading', { name: 'Impfzentrum Test' }).waitFor();
    const marked = page.locator('button.slot.linked');
    await marked.waitFor();
    assert.equal(await marked.getAttribute('data-slot'), String(w.firstSlotIds[1]));
    assert.equal(await page.evaluate(() => document.activeElement?.classList.contains('linked')), true, 'focus is on the marked time');
    const time = new Intl.DateTimeFormat('de-DE', { timeZone: 'Europe/Berlin', hour: '2-digit', minute: '2-digit' }).format(new Date(wanted.start));
    assert.match((await page.locator('#linked-note').textContent()) ?? '', new RegExp(`Der Termin, den Sie ausgewählt haben: .*${time} Uhr`));
    await screenshot(page, 'de-11-finder-link');
    await checkAccessibility(page, 'search (finder link)');
    await marked.click();
    await page.waitForURL('**/termin');
    const holds = await node.db.query('SELECT slot_id FROM holds');
    assert.ok(
      holds.rows.some((r) => Number(r.slot_id) === w.firstSlotIds[1]),
      'the linked time is the one held',
    );

    // A time taken since the finder looked: the person is told, and sees the centre's other times.
    for (let i = 0; i < 5; i++) assert.equal((await post(node.app, '/api/v1/holds', { slotId: w.firstSlotIds[2] })).status, 201);
    await node.view.reload();
    const gone = await phone(browser);
    await gone.page.goto(`${origin}/suche?kampagne=${w.campaignId}&zentrum=${w.centerId}&tag=${link.searchParams.get('tag')}&termin=${w.firstSlotIds[2]}`);
    await gone.page.getByText('ist nicht mehr frei').waitFor();
    assert.equal(await gone.page.locator('button.slot').count(), 2, 'the two other times of the day are shown');
    assert.deepEqual([...errors, ...gone.errors], []);
    await page.context().close();
    await gone.context.close();
  });

  test('every page links the legal pages; a barrier report reaches staff; Leichte Sprache has its own pages', async () => {
    const { page, errors, requests } = await phone(browser);
    await page.goto(`${origin}/`);
    const legal = page.getByRole('navigation', { name: 'Rechtliches und Barrierefreiheit' });
    for (const name of ['Impressum', 'Datenschutz', 'Barrierefreiheit', 'Leichte Sprache', 'Gebärdensprache'])
      await legal.getByRole('link', { name }).waitFor();

    await legal.getByRole('link', { name: 'Datenschutz' }).click();
    await page.getByRole('heading', { level: 1, name: 'Datenschutzerklärung' }).waitFor();
    await page.getByRole('cell', { name: 'Vorname, Nachname, Geburtsdatum, Postleitzahl' }).waitFor();
    await checkAccessibility(page, 'privacy');
    await screenshot(page, 'de-14-privacy');

    await legal.getByRole('link', { name: 'Barrierefreiheit' }).click();
    await page.getByRole('heading', { level: 1, name: 'Erklärung zur Barrierefreiheit' }).waitFor();
    await page.getByRole('button', { name: 'Meldung senden' }).click();
    await page.getByText('Dieses Feld fehlt noch.').or(page.locator('#f-message-error:not([hidden])')).first().waitFor();
    await page.getByLabel('Was hat Sie behindert?').fill('Die Schrift auf der Suchseite ist zu klein.');
    await page.getByLabel('Auf welcher Seite? (freiwillig)').fill('Suche');
    await page.getByRole('button', { name: 'Meldung senden' }).click();
    await page.getByText('Danke! Ihre Meldung ist angekommen.').waitFor();
    await checkAccessibility(page, 'accessibility statement');
    await screenshot(page, 'de-15-accessibility');
    const reports = await node.db.query(`SELECT message, page FROM barrier_reports`);
    assert.deepEqual(reports.rows, [{ message: 'Die Schrift auf der Suchseite ist zu klein.', page: 'Suche' }]);

    await legal.getByRole('link', { name: 'Leichte Sprache' }).click();
    await page.getByRole('heading', { level: 1, name: 'Leichte Sprache' }).waitFor();
    await page.getByRole('link', { name: 'Im Warteraum warten' }).click();
    await page.waitForURL('**/leichte-sprache/warteraum');
    await page.getByRole('heading', { level: 1, name: 'Im Warteraum warten' }).waitFor();
    await page.getByText('Schnell klicken hilft nicht.').waitFor();
    await checkAccessibility(page, 'leichte sprache');
    await screenshot(page, 'de-16-leichte-sprache');

    await legal.getByRole('link', { name: 'Gebärdensprache' }).click();
    await page.getByText('Die Videos in Gebärdensprache stellt der Betreiber dieses Portals bereit.').waitFor();
    await legal.getByRole('link', { name: 'Impressum' }).click();
    await page.getByRole('heading', { level: 1, name: 'Impressum' }).waitFor();
    await checkAccessibility(page, 'impressum');
    assert.deepEqual(errors, []);
    assertOnlyOwnOrigin(requests, origin);
    await page.context().close();
  });

  test('a 503 during a rush shows a calm "we retry" line, then the answer', async () => {
    const w = await setUpWorld(node.app);
    const { page, errors } = await phone(browser);
    let refused = 0;
    await page.route('**/api/v1/availability?**', async (route) => {
      if (refused++ < 2) {
        await route.fulfill({ status: 503, headers: { 'retry-after': '1' }, contentType: 'application/json', body: '{"code":"OVERLOADED","message":"busy"}' });
      } else await route.continue();
    });
    await page.goto(`${origin}/suche?kampagne=${w.campaignId}`);
    await page.getByLabel('Postleitzahl').fill('58332');
    await page.getByRole('button', { name: 'Suchen' }).click();
    const busy = page.locator('#busy');
    await busy.waitFor({ state: 'visible' });
    assert.match((await busy.textContent()) ?? '', /Gerade ist sehr viel los\. Wir versuchen es in \d+ s automatisch/);
    await screenshot(page, 'de-10-busy');
    await checkAccessibility(page, 'search (busy)');
    await page.getByRole('heading', { name: 'Impfzentrum Test' }).waitFor();
    await busy.waitFor({ state: 'hidden' });
    assert.equal(refused, 3, 'two refusals, then the answer');
    assert.deepEqual(errors, []);
    await page.context().close();
  });
});
