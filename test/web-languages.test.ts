import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import type { Browser, Page } from 'playwright-core';
import { startTestNode, type TestNode } from './support/node.js';
import { post, setUpWorld, type World } from './support/fixtures.js';
import { until } from './support/queue.js';
import { checkAccessibility, chooseLanguage, launchBrowser, phone, screenshot } from './support/browser.js';
import { direction, LANGUAGE_NAMES, type Language } from '../src/languages.js';
import { de } from '../web/src/i18n/de.js';
import { en } from '../web/src/i18n/en.js';
import { tr } from '../web/src/i18n/tr.js';
import { ru } from '../web/src/i18n/ru.js';
import { uk } from '../web/src/i18n/uk.js';
import { ar } from '../web/src/i18n/ar.js';
import { pl } from '../web/src/i18n/pl.js';

/**
 * Every language in Chromium on a phone: a person whose phone speaks it gets the app in it (the
 * page's lang and dir, every heading, an error, the messages' language) through a whole booking,
 * the manage page, the waiting room, the draw check, the wait list, an offer and a legal page, each checked by axe. Arabic
 * lays out right to left. German is the flows of web.test.ts.
 */
const OTHERS: [Language, string, Record<string, string>][] = [
  ['en', 'en-GB', en],
  ['tr', 'tr-TR', tr],
  ['ru', 'ru-RU', ru],
  ['uk', 'uk-UA', uk],
  ['ar', 'ar-SY', ar],
  ['pl', 'pl-PL', pl],
];

/** German words of the interface that must not show on a page in another language. */
const GERMAN = [de['start.search'], de['start.how'], de['details.firstName'], de['confirm.copy'], de['app.home'], de['footer.privacy'], de['room.join']];

describe('the citizen app in every language', () => {
  let node: TestNode;
  let origin: string;
  let browser: Browser;
  let closeBrowser: () => Promise<void>;
  let room: World;

  before(async () => {
    node = await startTestNode({});
    origin = await node.app.listen({ host: '127.0.0.1', port: 0 });
    ({ browser, close: closeBrowser } = await launchBrowser());
    room = await setUpWorld(node.app, {
      campaignName: 'Warteraum-Kampagne',
      waitingRoom: true,
      opensAt: new Date(node.clock.now() + 1_200_000).toISOString(),
      prequeueMinutes: 30,
    });
  });
  after(async () => {
    await closeBrowser?.();
    await node?.stop();
  });

  const heading = async (page: Page, text: string) => page.getByRole('heading', { level: 1, name: text, exact: true }).waitFor();
  const noGerman = async (page: Page, where: string) => {
    const text = await page.locator('body').innerText();
    for (const word of GERMAN) assert.ok(!text.includes(word), `${where}: German "${word}" on the page`);
  };

  test('العربية: joining the wait list from a sold-out search, the code comes by SMS in Arabic, the place in line, right to left', async () => {
    const w = await setUpWorld(node.app, { campaignName: 'Kampagne voll', firstSlots: 1, firstCapacity: 1 });
    assert.equal((await post(node.app, '/api/v1/holds', { slotId: w.firstSlotIds[0] })).status, 201, 'the only unit is taken');
    await node.view.reload();
    const { page, errors } = await phone(browser, 'ar-SY');
    await page.goto(`${origin}/suche?kampagne=${w.campaignId}`);
    await page.locator('input[name="postalCode"]').fill('58332');
    await page.getByRole('button', { name: ar['search.submit'], exact: true }).click();
    await page.getByRole('link', { name: ar['waitlist.cta'], exact: true }).click();
    await heading(page, ar['waitlist.title']!);
    await page.locator('input[name="firstName"]').fill('ليلى');
    await page.locator('input[name="lastName"]').fill('الانتظار');
    await page.locator('input[name="dateOfBirth"]').fill('٠٣/٠٤/١٩٤٤');
    await page.locator('input[name="postalCode"]').fill('58332');
    await page.locator('input[name="phone"]').fill('0170 5550288');
    await page.getByRole('button', { name: ar['verify.sendSms'], exact: true }).click();
    const sms = await until(
      () => node.db.query(`SELECT body_text, locale FROM messages WHERE kind = 'code' AND recipient = '+491705550288' AND state = 'sent'`),
      (r) => r.rowCount === 1,
    );
    assert.equal(sms.rows[0].locale, 'ar');
    assert.match(sms.rows[0].body_text, /^رمز Ansturm الخاص بك: \d{6}/);
    await page.locator('input[name="verificationCode"]').fill(/\b(\d{6})\b/.exec(sms.rows[0].body_text)![1]!);
    await page.getByRole('button', { name: ar['verify.confirm'], exact: true }).click();
    // Confirmed before the form is sent (a busy machine may answer the confirmation after a click would).
    await page.getByText(ar['verify.done']!.split('{contact}')[0]!.trim()).waitFor();
    await page.getByRole('button', { name: ar['waitlist.submit'], exact: true }).last().click();
    await page.getByText(ar['waitlist.onList']!).waitFor();
    assert.equal(await page.getAttribute('html', 'dir'), 'rtl');
    await checkAccessibility(page, 'ar wait list (place)');
    await screenshot(page, 'ar-4-waitlist-place');
    const entry = await node.db.query(`SELECT state, locale, date_of_birth::text AS dob FROM waitlist_entries WHERE campaign_id = $1`, [w.campaignId]);
    assert.deepEqual(entry.rows, [{ state: 'waiting', locale: 'ar', dob: '1944-04-03' }], 'Arabic-Indic digits read as a date, the entry in Arabic');
    assert.deepEqual(errors, []);
    await page.context().close();
  });

  for (const [l, locale, words] of OTHERS) {
    test(`${LANGUAGE_NAMES[l]} (${l}): booking, an error, manage, waiting room, draw check, wait list, an offer and a legal page, each accessible`, async () => {
      const w = await setUpWorld(node.app, { campaignName: `Kampagne ${l}`, firstSlots: 2 });
      const { page, errors } = await phone(browser, locale);

      await page.goto(`${origin}/`);
      assert.equal(await page.getAttribute('html', 'lang'), l, 'the phone’s language is served');
      assert.equal(await page.getAttribute('html', 'dir'), direction(l));
      await heading(page, words['start.title']!);
      await page.locator(`section[aria-labelledby="campaign-${w.campaignId}"]`).getByRole('link', { name: words['start.search'] }).waitFor();
      await noGerman(page, 'start');
      await checkAccessibility(page, `${l} start`);
      await screenshot(page, `${l}-1-start`);
      if (l === 'ar') {
        // Mirrored: the name of the portal at the right, the language menu at the left, text starting at the right.
        const brand = (await page.locator('header .brand').boundingBox())!;
        const menu = (await page.locator('header .langs').boundingBox())!;
        assert.ok(brand.x > menu.x, 'the brand stands right of the language menu');
        assert.equal(await page.evaluate(() => getComputedStyle(document.querySelector('main')!).direction), 'rtl');
        // Numbers keep their order inside right-to-left text: the hotline number, and opening hours 08:00–18:00.
        const tel = page.locator('footer a[href^="tel:"]');
        assert.equal(await tel.evaluate((a) => getComputedStyle(a).direction), 'ltr');
        assert.match((await page.locator('footer').innerText()).replace(/[\u2066-\u2069]/g, ''), /08:00–18:00/);
      }

      // Search by postal code (typed in Arabic-Indic digits on the Arabic page), hold, details, booking.
      await page.locator(`section[aria-labelledby="campaign-${w.campaignId}"]`).getByRole('link', { name: words['start.search'] }).click();
      await heading(page, words['search.title']!);
      await page.locator('input[name="postalCode"]').fill(l === 'ar' ? '٥٨٣٣٢' : '58332');
      await page.getByRole('button', { name: words['search.submit'], exact: true }).click();
      await page.locator('button.day').first().click();
      await page.locator('button.slot').first().waitFor();
      await checkAccessibility(page, `${l} search`);
      await page.locator('button.slot').first().click();
      await page.waitForURL('**/termin**');
      await heading(page, words['details.title']!);
      await page.locator('input[name="firstName"]').fill('Ada');
      await page.locator('input[name="lastName"]').fill(`Lovelace-${l}`);
      // Day first with slashes, as an English or Arabic speaker writes it.
      await page.locator('input[name="dateOfBirth"]').fill(l === 'en' || l === 'ar' ? '10/12/1950' : '10.12.1950');
      await noGerman(page, 'details');
      await checkAccessibility(page, `${l} details`);
      await page.getByRole('button', { name: words['details.submit'], exact: true }).click();
      await heading(page, words['confirm.title']!);
      await noGerman(page, 'confirmation');
      await checkAccessibility(page, `${l} confirmation`);
      await screenshot(page, `${l}-2-confirmation`);
      const booking = await node.db.query(`SELECT locale, date_of_birth::text AS dob FROM bookings WHERE last_name = $1`, [`Lovelace-${l}`]);
      assert.deepEqual(booking.rows, [{ locale: l, dob: '1950-12-10' }], 'booked in this language (its messages will be), the date read day first');

      // An error in the language, never the server's English words.
      await page.goto(`${origin}/verwalten`);
      await heading(page, words['manage.title']!);
      await page.locator('input[name="bookingCode"]').fill('ZZZZ-9999');
      await page.locator('input[name="dateOfBirth"]').fill('01.01.1950');
      await page.getByRole('button', { name: words['manage.find'], exact: true }).click();
      await page.getByText(words['manage.notFound']!).waitFor();
      await checkAccessibility(page, `${l} manage (not found)`);

      // The waiting room before its opening, and the wait list.
      await page.goto(`${origin}/warteraum/${room.releaseId}`);
      await page.getByRole('button', { name: words['room.join'], exact: true }).waitFor();
      await noGerman(page, 'waiting room');
      await checkAccessibility(page, `${l} waiting room`);
      await screenshot(page, `${l}-3-waiting-room`);
      await page.goto(`${origin}/warteliste?kampagne=${w.campaignId}`);
      await heading(page, words['waitlist.title']!);
      await checkAccessibility(page, `${l} wait list`);

      // The draw check of the waiting room (before the opening: the check value only), and an offer link that leads nowhere.
      await page.goto(`${origin}/warteraum/${room.releaseId}/auslosung`);
      await heading(page, words['draw.title']!);
      await page.getByText(words['draw.seedHash']!).waitFor();
      await checkAccessibility(page, `${l} draw check`);
      await page.goto(`${origin}/angebot/7f0c2b1e-1d2c-4c4e-9a43-3f1f7f9b6a11?secret=nichts-gueltiges`);
      await page.getByText(words['offer.missing']!).waitFor();
      await checkAccessibility(page, `${l} offer (unknown)`);

      // A legal page: the operator's text where it exists in this language, else the German one, marked as German.
      await page.goto(`${origin}/datenschutz`);
      await page.locator('footer a[href="/datenschutz"]').waitFor();
      await page.locator('main .legal[lang]').waitFor();
      await checkAccessibility(page, `${l} privacy page`);

      // The choice can be changed and is kept: German from the menu, and the next page comes in German.
      await chooseLanguage(page, 'Deutsch');
      await page.waitForFunction(() => document.documentElement.lang === 'de' && document.documentElement.dir === 'ltr');
      await page.goto(`${origin}/`);
      assert.equal(await page.getAttribute('html', 'lang'), 'de', 'the choice is kept over the phone’s language');
      await heading(page, de['start.title']);
      assert.deepEqual(errors, []);
      await page.context().close();
    });
  }
});
