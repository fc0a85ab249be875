/**
 * The citizen pages on a slow 3G line (400 ms round trip, 400 kbit/s each way), in Debian's
 * Chromium: bytes transferred per page (compressed, as on the wire, headers included) and the
 * time until the page's heading shows. Run alone with `npm run bench -- web`.
 */
import { chromium, type CDPSession, type Page } from 'playwright-core';
import { ADMIN, api, benchDatabase, startAnsturm } from './support.js';
import { LANGUAGE_NAMES } from '../src/languages.js';

const SLOW_3G = { offline: false, latency: 400, downloadThroughput: (400 * 1024) / 8, uploadThroughput: (400 * 1024) / 8 };

export async function pageWeights(): Promise<{ name: string; rows: [string, number, number][] }> {
  const db = await benchDatabase();
  const node = await startAnsturm(db.url, 1);
  const browser = await chromium.launch({
    executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium',
    args: [
      '--no-sandbox',
      '--disable-gpu',
      '--disable-quic',
      '--no-first-run',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
    ],
  });
  try {
    const center = await api(
      node.url,
      'POST',
      '/api/v1/admin/centers',
      { name: 'Impfzentrum Schwelm', address: 'Hauptstraße 1, 58332 Schwelm', postalCode: '58332', district: 'Ennepe-Ruhr-Kreis', lat: 51.2863, lon: 7.2939 },
      ADMIN,
    );
    const campaign = await api(
      node.url,
      'POST',
      '/api/v1/admin/campaigns',
      { name: 'COVID-19-Schutzimpfung', vaccine: { name: 'Comirnaty', doses: 2, minIntervalDays: 21, maxIntervalDays: 42 }, eligibility: { minAge: 18 } },
      ADMIN,
    );
    const day = (n: number) => new Date(Date.now() + n * 86_400_000).toISOString().slice(0, 10);
    const slots = [
      ...(
        await api(
          node.url,
          'POST',
          '/api/v1/admin/slots',
          {
            series: {
              centerId: center.id,
              campaignId: campaign.id,
              dose: 1,
              from: day(1),
              to: day(7),
              opens: '08:00',
              closes: '18:00',
              intervalMinutes: 10,
              capacity: 6,
            },
          },
          ADMIN,
        )
      ).slots,
      ...(
        await api(
          node.url,
          'POST',
          '/api/v1/admin/slots',
          {
            series: {
              centerId: center.id,
              campaignId: campaign.id,
              dose: 2,
              from: day(22),
              to: day(49),
              opens: '08:00',
              closes: '18:00',
              intervalMinutes: 30,
              capacity: 20,
            },
          },
          ADMIN,
        )
      ).slots,
    ];
    await api(
      node.url,
      'POST',
      '/api/v1/admin/releases',
      { campaignId: campaign.id, slotIds: slots.map((s: { id: number }) => s.id), opensAt: new Date(Date.now() - 1000).toISOString(), acknowledge: 'all' },
      ADMIN,
    );
    await new Promise((r) => setTimeout(r, 1500)); // the availability view refreshes every second

    const context = await browser.newContext({ viewport: { width: 360, height: 740 }, isMobile: true, locale: 'de-DE' });
    const page = await context.newPage();
    const cdp = await context.newCDPSession(page);
    await cdp.send('Network.enable');
    await cdp.send('Network.emulateNetworkConditions', SLOW_3G);
    const rows: [string, number, number][] = [];
    const step = async (name: string, act: () => Promise<void>) => {
      const measure = transferred(cdp);
      const started = Date.now();
      await act();
      rows.push([name, await measure.stop(page), Date.now() - started]);
    };
    await step('start page (first visit: HTML, JS, CSS, data)', async () => {
      await page.goto(`${node.url}/`);
      await page.getByRole('link', { name: 'Termin suchen' }).first().waitFor();
    });
    await step('start page again (assets cached)', async () => {
      await page.reload();
      await page.getByRole('link', { name: 'Termin suchen' }).first().waitFor();
    });
    await step('search: centres with 7 days of slots', async () => {
      await page.getByRole('link', { name: 'Termin suchen' }).first().click();
      await page.getByLabel('Postleitzahl').fill('58332');
      await page.getByRole('button', { name: 'Suchen' }).click();
      await page.locator('button.day').first().waitFor();
    });
    await step('choose a time: hold, details page', async () => {
      await page.locator('button.day').first().click();
      await page.locator('button.slot').first().click();
      await page.getByLabel('Vorname').waitFor();
    });
    await step('confirm: booking, confirmation page', async () => {
      await page.getByLabel('Vorname').fill('Erika');
      await page.getByLabel('Nachname').fill('Mustermann');
      await page.getByLabel('Geburtsdatum').fill('12.08.1948');
      await page.getByRole('button', { name: 'Termin verbindlich buchen' }).click();
      await page.locator('.booking-code').waitFor();
      await page.getByText(/versendet|keine Kontaktdaten/).waitFor();
    });
    await step('manage booking page (direct link, cold cache)', async () => {
      await cdp.send('Network.clearBrowserCache');
      await page.goto(`${node.url}/verwalten`);
      await page.getByLabel('Buchungscode').waitFor();
    });
    await context.close();

    // Every other language on a first visit, chosen by the phone's language: the app, its own catalogue, nothing else.
    for (const [l, locale] of [
      ['en', 'en-GB'],
      ['tr', 'tr-TR'],
      ['ru', 'ru-RU'],
      ['uk', 'uk-UA'],
      ['ar', 'ar-SY'],
      ['pl', 'pl-PL'],
    ] as const) {
      const other = await browser.newContext({ viewport: { width: 360, height: 740 }, isMobile: true, locale });
      const otherPage = await other.newPage();
      const otherCdp = await other.newCDPSession(otherPage);
      await otherCdp.send('Network.enable');
      await otherCdp.send('Network.emulateNetworkConditions', SLOW_3G);
      const measure = transferred(otherCdp);
      const started = Date.now();
      await otherPage.goto(`${node.url}/`);
      await otherPage.waitForFunction(
        (lang) => document.documentElement.lang === lang && !!document.querySelector('section[aria-labelledby^="campaign-"] a'),
        l,
      );
      rows.push([`start page (first visit) in ${LANGUAGE_NAMES[l]} (${l})`, await measure.stop(otherPage), Date.now() - started]);
      await other.close();
    }
    return { name: 'Citizen pages on slow 3G (400 ms RTT, 400 kbit/s)', rows };
  } finally {
    await browser.close();
    await node.stop();
    await db.stop();
  }
}

/** Sums the encoded (on-the-wire) bytes of every response that finishes while it runs. */
function transferred(cdp: CDPSession) {
  let bytes = 0;
  const onFinished = (e: { encodedDataLength: number }) => (bytes += e.encodedDataLength);
  cdp.on('Network.loadingFinished', onFinished);
  return {
    async stop(page: Page) {
      await page.waitForLoadState('networkidle').catch(() => undefined);
      cdp.off('Network.loadingFinished', onFinished);
      return bytes;
    },
  };
}

export function printWeights(r: Awaited<ReturnType<typeof pageWeights>>): void {
  console.log(`\n${r.name}`);
  for (const [name, bytes, ms] of r.rows)
    console.log(`  ${name.padEnd(52)} ${(bytes / 1024).toFixed(1).padStart(6)} KB  ${(ms / 1000).toFixed(1).padStart(5)} s`);
}
