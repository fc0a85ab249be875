import { setStaffLang, staffLang, t } from './i18n.js';
import { apiWords } from '../src/api.js';
import { fill, formValues, h, notice } from '../src/dom.js';
import { current, loadMe, login, logout } from './session.js';
import { input, problem } from './ui.js';
import { word } from './words.js';
import { dashboardPage } from './pages/dashboard.js';
import { campaignsPage, centersPage, slotsPage } from './pages/setup.js';
import { releasesPage, roomsPage } from './pages/releases.js';
import { auditPage, barrierReportsPage, exportsPage, messagesPage } from './pages/operations.js';
import { peoplePage } from './pages/people.js';
import { hotlinePage } from './pages/hotline.js';
import { checkinPage } from './pages/checkin.js';
import { textsPage } from './pages/texts.js';
import { messageTextsPage } from './pages/message-texts.js';

type Role = 'admin' | 'agent' | 'checkin';
type Page = (main: HTMLElement) => Promise<void | (() => void)> | void | (() => void);

/** The console's pages: path, menu label, who may open it. */
const PAGES: { path: string; label: string; roles: Role[]; page: Page }[] = [
  { path: '/staff/dashboard', label: t('Live-Übersicht'), roles: ['admin'], page: dashboardPage },
  { path: '/staff/zentren', label: t('Impfzentren'), roles: ['admin'], page: centersPage },
  { path: '/staff/kampagnen', label: t('Kampagnen'), roles: ['admin'], page: campaignsPage },
  { path: '/staff/termine', label: t('Terminserien'), roles: ['admin'], page: slotsPage },
  { path: '/staff/freigaben', label: t('Freigaben'), roles: ['admin'], page: releasesPage },
  { path: '/staff/warteraeume', label: t('Warteräume'), roles: ['admin'], page: roomsPage },
  { path: '/staff/nachrichten', label: t('Nachrichten'), roles: ['admin'], page: messagesPage },
  { path: '/staff/exporte', label: t('Exporte'), roles: ['admin'], page: exportsPage },
  { path: '/staff/personal', label: t('Personal'), roles: ['admin'], page: peoplePage },
  { path: '/staff/protokoll', label: t('Protokoll'), roles: ['admin'], page: auditPage },
  { path: '/staff/barrieren', label: t('Barriere-Meldungen'), roles: ['admin'], page: barrierReportsPage },
  { path: '/staff/rechtstexte', label: t('Rechtstexte'), roles: ['admin'], page: textsPage },
  { path: '/staff/nachrichtentexte', label: t('Nachrichtentexte'), roles: ['admin'], page: messageTextsPage },
  { path: '/staff/hotline', label: t('Hotline'), roles: ['admin', 'agent'], page: hotlinePage },
  { path: '/staff/checkin', label: t('Check-in'), roles: ['admin', 'checkin'], page: checkinPage },
];

let stop: (() => void) | void;

async function render(focus: boolean): Promise<void> {
  if (stop) stop();
  stop = undefined;
  const main = document.getElementById('main')!;
  const nav = document.getElementById('nav')!;
  const me = current() ?? (await loadMe().catch(() => null));
  if (!me) {
    fill(nav);
    loginPage(main);
    return;
  }
  const mine = PAGES.filter((p) => p.roles.includes(me.role));
  fill(
    nav,
    h(
      'ul',
      {},
      mine.map((p) => h('li', {}, h('a', { href: p.path, 'aria-current': location.pathname === p.path ? 'page' : null }, p.label))),
    ),
    h(
      'p',
      {},
      languageSwitch(),
      ' ',
      t('Angemeldet: {who} ({role}) ', { who: me.account?.displayName ?? me.actor, role: word('role', me.role) }),
      h('button', { type: 'button', class: 'secondary', onclick: async () => (await logout(), go('/staff')) }, t('Abmelden')),
    ),
  );
  const page = mine.find((p) => p.path === location.pathname) ?? mine[0]!;
  if (location.pathname !== page.path) history.replaceState(null, '', page.path);
  document.title = t('{page} – Ansturm Verwaltung', { page: page.label });
  try {
    stop = (await page.page(main)) ?? undefined;
  } catch (err) {
    fill(main, problem(err));
  }
  // Focus goes to the new heading, unless the page put it somewhere on purpose (the check-in scan field).
  if (focus && !main.contains(document.activeElement)) main.querySelector<HTMLElement>('h1')?.focus();
}

/** German and English: the other one, named in its own language. */
const languageSwitch = () => {
  const other = staffLang() === 'de' ? 'en' : 'de';
  return h('button', { type: 'button', class: 'secondary', lang: other, onclick: () => setStaffLang(other) }, other === 'en' ? 'English' : 'Deutsch');
};

/** The page's frame in the console's language. */
function frame(): void {
  document.documentElement.lang = staffLang();
  document.querySelector('.skip')!.textContent = t('Zum Inhalt springen');
  document.querySelector('header.site .brand')!.textContent = t('Ansturm · Verwaltung');
  document.getElementById('nav')!.setAttribute('aria-label', t('Bereiche'));
}

function loginPage(main: HTMLElement): void {
  document.title = t('Anmelden – Ansturm Verwaltung');
  const out = h('div', { 'aria-live': 'polite' });
  const el: HTMLFormElement = h(
    'form',
    {
      class: 'card login',
      onsubmit: async (e: Event) => {
        e.preventDefault();
        const v = formValues(el);
        try {
          await login(v.username ?? '', v.password ?? '');
          void render(true);
        } catch (err) {
          fill(out, problem(err));
        }
      },
    },
    input({ name: 'username', label: t('Benutzername'), required: true }),
    input({ name: 'password', label: t('Passwort'), type: 'password', required: true }),
    h('button', { type: 'submit' }, t('Anmelden')),
    out,
  );
  el.querySelector('#s-username')!.setAttribute('autocomplete', 'username');
  el.querySelector('#s-password')!.setAttribute('autocomplete', 'current-password');
  fill(
    main,
    h('h1', { tabindex: -1 }, t('Anmelden')),
    notice('info', t('Für Mitarbeitende der Impfzentren, der Hotline und der Verwaltung.')),
    el,
    h('p', {}, languageSwitch()),
  );
}

export function go(path: string): void {
  history.pushState(null, '', path);
  void render(true);
}

document.addEventListener('click', (event) => {
  const link = (event.target as Element).closest?.('a');
  if (!link || event.defaultPrevented || event.button !== 0 || event.metaKey || event.ctrlKey || link.hasAttribute('download')) return;
  const url = new URL(link.href, location.href);
  if (url.origin !== location.origin || !url.pathname.startsWith('/staff')) return;
  event.preventDefault();
  go(url.pathname);
});
window.addEventListener('popstate', () => void render(true));
apiWords.busy = (seconds) => t('Gerade ist viel los. Neuer Versuch in {seconds} s.', { seconds });
apiWords.unreachable = () => t('Der Server ist nicht erreichbar.');
frame();
void render(false);
