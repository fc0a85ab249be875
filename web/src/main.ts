import { fill, h } from './dom.js';
import { lang, setLang, t } from './i18n.js';
import { installationInfo } from './server-time.js';
import { startPage } from './pages/start.js';
import { searchPage } from './pages/search.js';
import { waitingRoomPage } from './pages/waiting-room.js';
import { detailsPage } from './pages/details.js';
import { confirmationPage } from './pages/confirmation.js';
import { managePage } from './pages/manage.js';
import { offerPage } from './pages/offer.js';
import { waitlistPage } from './pages/waitlist.js';
import { drawPage } from './pages/draw.js';
import { legalPage } from './pages/legal.js';
import { hoursText, type Page } from './page.js';

const routes: [RegExp, Page][] = [
  [/^\/$/, startPage],
  [/^\/suche$/, searchPage],
  [/^\/warteraum\/(\d+)$/, waitingRoomPage],
  [/^\/warteraum\/(\d+)\/auslosung$/, drawPage],
  [/^\/termin$/, detailsPage],
  [/^\/bestaetigung\/([A-Za-z0-9-]+)$/, confirmationPage],
  [/^\/verwalten$/, managePage],
  [/^\/angebot\/([0-9a-f-]+)$/, offerPage],
  [/^\/warteliste$/, waitlistPage],
  [/^\/impressum$/, legalPage('impressum')],
  [/^\/datenschutz$/, legalPage('datenschutz')],
  [/^\/barrierefreiheit$/, legalPage('barrierefreiheit')],
  [/^\/leichte-sprache(?:\/(buchen|warteraum|absagen))?$/, legalPage('leichte-sprache')],
  [/^\/gebaerdensprache$/, legalPage('gebaerdensprache')],
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
  document.documentElement.lang = lang();
  const header = document.getElementById('header')!;
  const other = lang() === 'de' ? 'en' : 'de';
  fill(
    header,
    h('a', { class: 'brand', href: '/' }, 'Ansturm · ', t('app.name')),
    h('button', { type: 'button', class: 'lang', lang: other, 'aria-label': t('app.switchLabel'), onclick: () => switchLanguage(other) }, t('app.switch')),
  );
  document.querySelector('.skip')!.textContent = t('app.skip');
  void renderFooter();
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
        ).map(([href, key]) => h('li', {}, h('a', { href, ...(key === 'footer.easy' ? { lang: 'de' } : {}) }, t(key)))),
      ),
    ),
  );
}

/** Switches the language, keeping whatever the person already typed on this page. */
function switchLanguage(next: 'de' | 'en'): void {
  const typed = new Map<string, string>();
  document.querySelectorAll<HTMLInputElement>('#main input[name], #main select[name]').forEach((input) => {
    if (input.value) typed.set(input.name, input.value);
  });
  setLang(next);
  void render(false).then(() => {
    document.querySelectorAll<HTMLInputElement>('#main input[name], #main select[name]').forEach((input) => {
      const value = typed.get(input.name);
      if (value !== undefined && !input.value) input.value = value;
    });
    document.querySelector<HTMLElement>('.lang')?.focus();
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

void render(false);
