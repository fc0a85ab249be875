import { api, type Campaign, type Hotline, type Room } from '../api.js';
import { fill, h, notice } from '../dom.js';
import { minutesSeconds, t, when } from '../i18n.js';
import { installationInfo, serverNow } from '../server-time.js';
import { heading, hoursText, problemText, rulesText, type Page } from '../page.js';

/** Open campaigns, who may book, the next releases, the hotline. */
export const startPage: Page = async (main, ctx) => {
  let campaigns: Campaign[];
  let hotline: Hotline | null;
  try {
    const [list, info] = await Promise.all([api<{ campaigns: Campaign[] }>('GET', '/api/v1/campaigns'), installationInfo()]);
    campaigns = list.campaigns;
    hotline = info?.hotline ?? null;
  } catch (err) {
    fill(main, heading(t('start.title')), notice('problem', problemText(err)));
    return;
  }
  // Rooms of releases with a waiting room: is the pre-queue open yet?
  const rooms = new Map<number, Room>();
  await Promise.all(
    campaigns.flatMap((c) =>
      c.releases
        .filter((r) => r.waitingRoom)
        .map((r) =>
          api<Room>('GET', `/api/v1/queue/rooms/${r.id}`, { maxAttempts: 3 })
            .then((room) => rooms.set(r.id, room))
            .catch(() => undefined),
        ),
    ),
  );

  fill(
    main,
    heading(t('start.title')),
    h('p', { class: 'lead' }, t('start.intro')),
    campaigns.length === 0 ? notice('info', t('start.noCampaigns')) : null,
    campaigns.map((c) =>
      h(
        'section',
        { class: 'card', 'aria-labelledby': `campaign-${c.id}` },
        h('h2', { id: `campaign-${c.id}` }, c.name),
        h('h3', {}, t('start.who')),
        h(
          'ul',
          {},
          rulesText(c).map((line) => h('li', {}, line)),
        ),
        h('h3', {}, t('start.releases')),
        h(
          'ul',
          { class: 'releases' },
          c.releases.map((r) => releaseItem(c, r, rooms.get(r.id))),
        ),
        h('p', {}, h('a', { href: `/warteliste?kampagne=${c.id}` }, t('waitlist.cta'))),
      ),
    ),
    h(
      'section',
      { class: 'card' },
      h('h2', {}, t('start.how')),
      h('ol', {}, h('li', {}, t('start.how1')), h('li', {}, t('start.how2')), h('li', {}, t('start.how3'))),
      h('p', {}, t('start.fair')),
    ),
    hotline
      ? h(
          'section',
          { class: 'card' },
          h('h2', {}, t('start.hotline')),
          h('p', { class: 'hotline' }, h('a', { href: `tel:${hotline.phone.replace(/[^+0-9]/g, '')}` }, hotline.phone)),
          h('p', {}, hoursText(hotline)),
        )
      : null,
    h('p', {}, h('a', { href: '/verwalten', class: 'button secondary' }, t('start.manage'))),
  );

  // In the last hour, each coming release counts down to the second, by the server's clock.
  const countdowns = [...main.querySelectorAll<HTMLElement>('[data-opens-at]')];
  const tick = () => {
    for (const el of countdowns) {
      const left = (Date.parse(el.dataset.opensAt!) - serverNow()) / 1000;
      el.hidden = left <= 0 || left > COUNTDOWN_SECONDS;
      el.textContent = t('start.countdown', { time: minutesSeconds(Math.ceil(left)) });
    }
  };
  tick();
  const ticker = countdowns.length > 0 ? window.setInterval(tick, 1000) : undefined;

  // When the next release opens, the page shows it without a reload (a few seconds of spread, so a crowd
  // watching the page does not ask in the same millisecond). A release whose instant has passed but that the
  // server does not call open yet (its view a moment behind) is asked about again.
  const next = campaigns.flatMap((c) => c.releases.filter((r) => !r.open).map((r) => Date.parse(r.opensAt))).sort((a, b) => a - b)[0];
  const now = serverNow();
  const timer =
    next === undefined || next - now > 24 * 3600_000
      ? undefined
      : window.setTimeout(() => void rerender(), next > now ? next - now + 500 + Math.random() * 2500 : 2000 + Math.random() * 3000);
  let stop: (() => void) | void;
  async function rerender() {
    clearInterval(ticker);
    stop = await startPage(main, ctx);
  }
  return () => {
    clearTimeout(timer);
    clearInterval(ticker);
    if (stop) stop();
  };
};

/** How long before a release the start page counts down to the second. */
const COUNTDOWN_SECONDS = 3600;

/** The countdown line of a release that has not opened (shown in its last hour). */
const countdown = (r: Campaign['releases'][number]) =>
  r.open ? null : h('p', { class: 'countdown', role: 'timer', 'data-opens-at': r.opensAt, hidden: true });

function releaseItem(c: Campaign, r: Campaign['releases'][number], room: Room | undefined): HTMLElement {
  if (r.waitingRoom) {
    const roomOpen = room !== undefined && room.state !== 'closed' && Date.parse(room.prequeueOpensAt) <= serverNow();
    return h(
      'li',
      {},
      h('strong', {}, r.open ? t('start.openNow') : t('start.opensAt', { when: when(r.opensAt) })),
      countdown(r),
      room && !roomOpen && room.state !== 'closed' ? h('p', {}, t('start.roomOpensAt', { when: when(room.prequeueOpensAt) })) : null,
      roomOpen && !r.open ? h('p', {}, t('start.roomOpen')) : null,
      roomOpen ? h('p', {}, h('a', { class: 'button', href: `/warteraum/${r.id}` }, t('start.toRoom'))) : null,
    );
  }
  return h(
    'li',
    {},
    h('strong', {}, r.open ? t('start.openNow') : t('start.opensAt', { when: when(r.opensAt) })),
    countdown(r),
    r.open ? h('p', {}, h('a', { class: 'button', href: `/suche?kampagne=${c.id}` }, t('start.search'))) : null,
  );
}
