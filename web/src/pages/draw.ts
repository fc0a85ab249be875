import { ApiError, api, type QueueStatus, type Room } from '../api.js';
import { fill, h, notice } from '../dom.js';
import { number, t, when } from '../i18n.js';
import { flow } from '../flow.js';
import { heading, problemText, type Page } from '../page.js';

interface PreQueue {
  seed: string;
  seedHash: string;
  ticketIds: string[];
}

/**
 * Check the draw: the ticket, the seed's hash published before opening, the seed revealed at opening,
 * and the person's place, recomputed on this phone with Web Crypto so nobody need trust the server.
 * The same rules as README.md and `npm run verify-draw`.
 */
export const drawPage: Page = async (main, { params }) => {
  const releaseId = Number(params[0]);
  let room: Room;
  try {
    room = await api<Room>('GET', `/api/v1/queue/rooms/${releaseId}`);
  } catch (err) {
    fill(main, heading(t('draw.title')), notice('problem', problemText(err)));
    return;
  }
  const kept = flow.ticket(releaseId);
  let ticketId = kept?.ticketId ?? null;
  let shownRank: number | null = null;
  if (kept) {
    const status = await api<QueueStatus>('GET', `/api/v1/queue/tickets/${encodeURIComponent(kept.ticket)}`, { maxAttempts: 3 }).catch(() => null);
    ticketId = status?.draw?.ticketId ?? ticketId;
    shownRank = status?.draw?.rank ?? null;
  }
  const checks = h('div', { 'aria-live': 'polite' });
  fill(
    main,
    heading(t('draw.title')),
    h('p', { class: 'lead' }, t('draw.intro')),
    h(
      'dl',
      { class: 'facts' },
      h('dt', {}, t('draw.ticket')),
      h('dd', { class: 'hex' }, ticketId ?? t('draw.noTicket')),
      h('dt', {}, t('draw.seedHash')),
      h('dd', { class: 'hex' }, room.seedHash),
      h('dt', {}, t('draw.seed')),
      h('dd', { class: 'hex' }, room.seed ?? t('draw.seedLater', { when: when(room.opensAt) })),
    ),
    checks,
    h('p', {}, h('a', { href: `/warteraum/${releaseId}` }, t('draw.back'))),
  );
  if (!room.seed) return;
  if (!crypto.subtle) {
    fill(checks, notice('info', t('draw.noCrypto')));
    return;
  }

  const seedOk = (await sha256Hex(room.seed)) === room.seedHash;
  const key = await crypto.subtle.importKey('raw', hexBytes(room.seed), { name: 'HMAC', hash: 'SHA-256' }, false, ['sign']);
  const draw = async (id: string) => hex(await crypto.subtle.sign('HMAC', key, new TextEncoder().encode(id)));
  const mine = ticketId ? await draw(ticketId) : null;
  const progress = h('progress', { max: 1, value: 0, hidden: true, 'aria-label': t('draw.computing') });
  const result = h('div', {});
  const button = h('button', { type: 'button', class: 'secondary', onclick: () => void checkAll() }, t('draw.checkAll'));
  fill(
    checks,
    h('p', {}, seedOk ? '✓ ' : '✗ ', t(seedOk ? 'draw.seedOk' : 'draw.seedBad')),
    mine ? h('p', {}, t('draw.yourDraw'), ' ', h('span', { class: 'hex' }, mine)) : null,
    shownRank !== null ? h('p', {}, t('draw.shownRank', { rank: number(shownRank) })) : ticketId ? h('p', {}, t('draw.notDrawn')) : null,
    h('p', {}, button),
    progress,
    result,
  );

  /** Fetches the published order and recomputes every ticket's draw, in slices so an old phone stays responsive. */
  async function checkAll(): Promise<void> {
    button.disabled = true;
    let published: PreQueue;
    try {
      published = await api<PreQueue>('GET', `/api/v1/queue/rooms/${releaseId}/prequeue`);
    } catch (err) {
      button.disabled = false;
      fill(result, notice('problem', err instanceof ApiError ? problemText(err) : t('error.unreachable')));
      return;
    }
    progress.hidden = false;
    progress.max = Math.max(1, published.ticketIds.length);
    const draws: { id: string; draw: string }[] = [];
    for (let i = 0; i < published.ticketIds.length; i += 500) {
      const slice = published.ticketIds.slice(i, i + 500);
      draws.push(...(await Promise.all(slice.map(async (id) => ({ id, draw: await draw(id) })))));
      progress.value = draws.length;
      await new Promise((resolve) => setTimeout(resolve, 0));
    }
    draws.sort((a, b) => (a.draw < b.draw ? -1 : a.draw > b.draw ? 1 : 0));
    const sameOrder = published.seed === room.seed && draws.every((d, i) => d.id === published.ticketIds[i]);
    const rank = ticketId ? draws.findIndex((d) => d.id === ticketId) + 1 : 0;
    progress.hidden = true;
    fill(
      result,
      notice(
        sameOrder && seedOk ? 'success' : 'problem',
        h('p', {}, t(sameOrder ? 'draw.orderOk' : 'draw.orderBad', { count: number(draws.length) })),
        rank > 0 ? h('p', {}, h('strong', {}, t('draw.rank', { rank: number(rank) }))) : null,
        rank > 0 && shownRank !== null && rank !== shownRank ? h('p', {}, t('draw.rankDiffers', { rank: number(shownRank) })) : null,
      ),
    );
  }
};

const hex = (buffer: ArrayBuffer): string => Array.from(new Uint8Array(buffer), (b) => b.toString(16).padStart(2, '0')).join('');
const hexBytes = (text: string): Uint8Array<ArrayBuffer> => new Uint8Array(text.match(/../g)!.map((pair) => parseInt(pair, 16)));
/** SHA-256 of the seed as text (its 64 hex digits), as `printf %s "$seed" | sha256sum` computes it. */
const sha256Hex = async (text: string): Promise<string> => hex(await crypto.subtle.digest('SHA-256', new TextEncoder().encode(text)));
