import assert from 'node:assert/strict';
import { mkdirSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { chromium, type Browser, type BrowserContext, type Page } from 'playwright-core';

const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
/** Screenshots of every page the tests visit, kept for people to look at (CI keeps the folder). */
export const SCREENSHOTS = join(process.cwd(), 'test-artifacts', 'screens');
const axeSource: string = (createRequire(import.meta.url)('axe-core') as { source: string }).source;

/**
 * Debian's Chromium, headless, with nothing that would call out to the internet. Playwright gives
 * each launch a fresh, empty profile of its own.
 */
export async function launchBrowser(): Promise<{ browser: Browser; close: () => Promise<void> }> {
  const browser = await chromium.launch({
    executablePath: CHROMIUM,
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
  mkdirSync(SCREENSHOTS, { recursive: true });
  return {
    browser,
    async close() {
      await browser.close();
    },
  };
}

export interface PhonePage {
  page: Page;
  context: BrowserContext;
  /** Every URL the page asked for: the tests check none left the installation. */
  requests: string[];
  /** Errors thrown in the page: a test fails on any. */
  errors: string[];
}

/** A phone-sized window (an older mid-range phone) with German as the browser's language. */
export async function phone(browser: Browser, locale = 'de-DE'): Promise<PhonePage> {
  const context = await browser.newContext({
    viewport: { width: 360, height: 740 },
    deviceScaleFactor: 2,
    isMobile: true,
    hasTouch: true,
    locale,
    timezoneId: 'Europe/Berlin',
  });
  const page = await context.newPage();
  const requests: string[] = [];
  const errors: string[] = [];
  page.on('request', (r) => requests.push(r.url()));
  page.on('pageerror', (e) => errors.push(e.message));
  page.setDefaultTimeout(15_000);
  return { page, context, requests, errors };
}

/** Keeps a full-page screenshot as a test artifact. */
export async function screenshot(page: Page, name: string): Promise<void> {
  await page.screenshot({ path: join(SCREENSHOTS, `${name}.png`), fullPage: true });
}

/** Runs axe-core on the page as it stands: WCAG 2.1 A and AA rules; fails listing every violation. */
export async function checkAccessibility(page: Page, name: string): Promise<number> {
  // Evaluated through the DevTools protocol, so the page's strict CSP (no inline scripts) stays on.
  await page.evaluate(axeSource);
  const result = await page.evaluate(async () => {
    const axe = (
      window as unknown as {
        axe: {
          run: (
            ctx: unknown,
            opts: unknown,
          ) => Promise<{ violations: { id: string; impact: string; help: string; nodes: { target: string[] }[] }[]; passes: unknown[] }>;
        };
      }
    ).axe;
    const r = await axe.run(document, { runOnly: { type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'best-practice'] } });
    return {
      violations: r.violations.map((v) => ({ id: v.id, impact: v.impact, help: v.help, targets: v.nodes.map((n) => n.target.join(' ')) })),
      passes: r.passes.length,
    };
  });
  assert.deepEqual(result.violations, [], `${name}: accessibility violations`);
  return result.passes;
}

/** Asserts that every request went to the installation itself (no CDN, fonts or trackers). */
export function assertOnlyOwnOrigin(requests: string[], origin: string): void {
  const foreign = requests.filter((url) => !url.startsWith(origin) && !url.startsWith('data:'));
  assert.deepEqual(foreign, [], 'requests to other origins');
}

/** Chooses a language from the header's menu, as a person does: open the globe, pick the language by its own name. */
export async function chooseLanguage(page: Page, name: string): Promise<void> {
  await page.locator('.langs summary').click();
  await page.locator('.langs').getByRole('link', { name, exact: true }).click();
}
