import { fill, h } from './dom.js';
import { lang, setLang, t, type Lang } from './i18n.js';
import { LANGUAGES, LANGUAGE_NAMES } from '../../src/languages.js';
import { installationInfo } from './server-time.js';
import { apiWords } from './api.js';
import { startPage } from './pages/start.js';
import { searchPage } from './pages/search.js';
import { waitingRoomPage } from './pages/waiting-room.js';
import { detailsPage } from './pages/details.js';
import { confirmationPage } from './pages/confirmation.js';
import { hoursText, type Page } from './page.js';

/** A page whose code is fetched when first shown: what few people open stays out of the first download. */
const lazy =
  (load: () => Promise<Page>): Page =>
  async (main, ctx) => {
    let page: Page;
    try {
      page = await load();
    } catch {
      // The line dropped while the page's code was on its way: say so, and let the person try again.
      fill(main, h('h1', { tabindex: -1 }, t('error.unreachable')), h('p', {}, h('a', { href: location.pathname + location.search }, t('app.retry'))));
      return;
    }
    return page(main, ctx);
  };
const legal = (name: string): Page => lazy(() => import('./pages/legal.js').then((m) => m.legalPage(name)));

const routes: [RegExp, Page][] = [
  [/^\/$/, startPage],
  [/^\/suche$/, searchPage],
  [/^\/warteraum\/(\d+)$/, waitingRoomPage],
  [/^\/warteraum\/(\d+)\/auslosung$/, lazy(() => import('./pages/draw.js').then((m) => m.drawPage))],
  [/^\/termin$/, detailsPage],
  [/^\/bestaetigung\/([A-Za-z0-9-]+)$/, confirmationPage],
  [/^\/verwalten$/, lazy(() => import('./pages/manage.js').then((m) => m.managePage))],
  [/^\/angebot\/([0-9a-f-]+)$/, lazy(() => import('./pages/offer.js').then((m) => m.offerPage))],
  [/^\/warteliste$/, lazy(() => import('./pages/waitlist.js').then((m) => m.waitlistPage))],
  [/^\/impressum$/, legal('impressum')],
  [/^\/datenschutz$/, legal('datenschutz')],
  [/^\/barrierefreiheit$/, legal('barrierefreiheit')],
  [/^\/leichte-sprache(?:\/(buchen|warteraum|absagen))?$/, legal('leichte-sprache')],
  [/^\/gebaerdensprache$/, legal('gebaerdensprache')],
];

let cleanup: (() => void) | void;

/** Shows the page for the current address. `moveFocus` after a navigation, so screen readers start at the new heading. */
async function render(moveFocus: boolean): Promise<void> {
  if (cleanup) cleanup();
  cleanup = undefined;
  const main = document.getElementById('main')!;
  const match = routes.map(([pattern, page]) => [pattern.exec(location.pathname), page] as const).find(([m]) => m);
  renderShell();
  if (!match) {
    fill(main, h('h1', { tabindex: -1 }, t('error.notFoundPage')), h('p', {}, h('a', { href: '/' }, t('app.home'))));
    return;
  }
  const [m, page] = match;
  fill(main, h('p', { class: 'loading' }, t('app.loading')));
  cleanup = await page(main, { params: m!.slice(1), query: new URLSearchParams(location.search), go });
  if (moveFocus) main.querySelector<HTMLElement>('h1')?.focus();
}

/** Moves to another page of the app without reloading it. */
export function go(path: string): void {
  history.pushState(null, '', path);
  void render(true);
  window.scrollTo(0, 0);
}

function renderShell(): void {
  const header = document.getElementById('header')!;
  fill(header, h('a', { class: 'brand', href: '/' }, 'Ansturm · ', t('app.name')), languageMenu());
  document.querySelector('.skip')!.textContent = t('app.skip');
  void renderFooter();
}

/**
 * Every language by its own name, behind a globe: whoever cannot read the page's language still finds
 * theirs. Each entry is also a plain link (?lang=), so it works as a link should.
 */
/** A globe drawn in lines (an emoji may have no font on an old phone). */
function globe(): SVGElement {
  const svg = document.createElementNS('http://www.w3.org/2000/svg', 'svg');
  svg.setAttribute('viewBox', '0 0 24 24');
  svg.setAttribute('aria-hidden', 'true');
  svg.setAttribute('fill', 'none');
  svg.setAttribute('stroke', 'currentColor');
  svg.setAttribute('stroke-width', '2');
  const path = document.createElementNS('http://www.w3.org/2000/svg', 'path');
  path.setAttribute('d', 'M12 2a10 10 0 1 0 0 20 10 10 0 1 0 0-20zM2 12h20M12 2c3 3 3 17 0 20M12 2c-3 3-3 17 0 20');
  svg.append(path);
  return svg;
}

function languageMenu(): HTMLElement {
  const current = lang();
  return h(
    'details',
    { class: 'langs' },
    h('summary', {}, globe(), h('span', { class: 'visually-hidden' }, `${t('app.language')}: `), LANGUAGE_NAMES[current]),
    h(
      'ul',
      {},
      LANGUAGES.map((l) => {
        const url = new URL(location.href);
        url.searchParams.set('lang', l);
        return h(
          'li',
          {},
          h(
            'a',
            {
              href: url.pathname + url.search,
              lang: l,
              hreflang: l,
              ...(l === current ? { 'aria-current': 'true' } : {}),
              onclick: (event: Event) => {
                event.preventDefault();
                void switchLanguage(l);
              },
            },
            LANGUAGE_NAMES[l],
          ),
        );
      }),
    ),
  );
}

async function renderFooter(): Promise<void> {
  const info = (await installationInfo())?.hotline;
  const footer = document.getElementById('footer')!;
  fill(
    footer,
    info
      ? h('p', {}, t('start.hotlineText', { phone: '' }), h('a', { href: `tel:${info.phone.replace(/[^+0-9]/g, '')}` }, info.phone), ' · ', hoursText(info))
      : null,
    h('p', {}, h('a', { href: '/verwalten' }, t('start.manage'))),
    h(
      'nav',
      { 'aria-label': t('footer.legal'), class: 'legal-links' },
      h(
        'ul',
        {},
        (
          [
            ['/impressum', 'footer.impressum'],
            ['/datenschutz', 'footer.privacy'],
            ['/barrierefreiheit', 'footer.accessibility'],
            ['/leichte-sprache', 'footer.easy'],
            ['/gebaerdensprache', 'footer.sign'],
          ] as const
        ).map(([href, key]) =>
          // Leichte Sprache is German by its nature: its name stays German, with what it is in the page's language.
          h('li', {}, h('a', { href }, key === 'footer.easy' ? [h('span', { lang: 'de' }, 'Leichte Sprache'), t(key)] : t(key))),
        ),
      ),
    ),
  );
}

/** Switches the language, keeping whatever the person already typed on this page. */
async function switchLanguage(next: Lang): Promise<void> {
  const typed = new Map<string, string>();
  document.querySelectorAll<HTMLInputElement>('#main input[name], #main select[name]').forEach((input) => {
    if (input.value) typed.set(input.name, input.value);
  });
  await setLang(next);
  // The address says the language too, so a reload or a shared link stays in it.
  const url = new URL(location.href);
  url.searchParams.set('lang', next);
  history.replaceState(null, '', url.pathname + url.search);
  void render(false).then(() => {
    document.querySelectorAll<HTMLInputElement>('#main input[name], #main select[name]').forEach((input) => {
      const value = typed.get(input.name);
      if (value !== undefined && !input.value) input.value = value;
    });
    document.querySelector<HTMLElement>('.langs summary')?.focus();
  });
}

// Links inside the app change the view without a reload; anything else (files, tel:, other sites) behaves as usual.
document.addEventListener('click', (event) => {
  const link = (event.target as Element).closest?.('a');
  if (!link || event.defaultPrevented || event.button !== 0 || event.metaKey || event.ctrlKey || event.shiftKey) return;
  const url = new URL(link.href, location.href);
  if (url.origin !== location.origin || link.hasAttribute('download') || url.pathname.startsWith('/api/') || link.target) return;
  event.preventDefault();
  go(url.pathname + url.search);
});
window.addEventListener('popstate', () => void render(true));

apiWords.busy = (seconds) => t('busy', { seconds });
apiWords.unreachable = () => t('error.unreachable');

// The page's language's catalogue first (German is built in); should it not load, German it is.
// A ?lang= in the address is a choice, and kept.
void setLang(lang(), new URLSearchParams(location.search).has('lang'))
  .catch(() => setLang('de', false))
  .then(() => render(false));
