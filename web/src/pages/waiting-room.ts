import { serverNow } from '../server-time.js';
import { ApiError, api, type Campaign, type Joined, type QueueStatus, type Room } from '../api.js';
import { announce, field, fill, formValues, h, notice } from '../dom.js';
import { duration, number, t, when } from '../i18n.js';
import { tab } from '../storage.js';
import { flow, type Ticket } from '../flow.js';
import { heading, problemText, rulesText, type Page } from '../page.js';
import { personFields, readPerson, verificationBox } from '../person-form.js';

/**
 * The countdown and the line: join (with a little proof of work), see place, people ahead, time
 * and outlook update by themselves, keep the place by its code, get ready while waiting, and be
 * sent on to the search the moment it is your turn.
 */
/** The proof of work's code (SHA-256) is fetched when a waiting room shows, not with every first page. */
const proofOfWork = () => import('../pow.js');

export const waitingRoomPage: Page = async (main, { params, query, go }) => {
  void proofOfWork().catch(() => undefined);
  const releaseId = Number(params[0]);
  let room: Room;
  let campaign: Campaign | undefined;
  try {
    room = await api<Room>('GET', `/api/v1/queue/rooms/${releaseId}`);
    campaign = (await api<{ campaigns: Campaign[] }>('GET', '/api/v1/campaigns')).campaigns.find((c) => c.id === room.campaignId);
  } catch (err) {
    const missing = err instanceof ApiError && (err.code === 'QUEUE_NOT_FOUND' || err.code === 'VALIDATION_FAILED');
    fill(main, heading(t('room.title')), notice('problem', missing ? t('error.notFoundPage') : problemText(err)));
    return;
  }

  let stopped = false;
  let pollTimer = 0;
  let lastSpoken = '';
  const countdown = h('p', { class: 'countdown' });
  const live = h('div', { class: 'status', 'aria-live': 'polite', 'aria-atomic': 'false' });
  const statusCard = h('section', { class: 'card', 'aria-labelledby': 'place-title' });
  const keepCard = h('section', { class: 'card' });
  const joinArea = h('div');
  const prepare = prepareSection(releaseId, campaign);

  fill(
    main,
    heading(`${t('room.title')}${campaign ? ` – ${campaign.name}` : ''}`),
    countdown,
    live,
    statusCard,
    joinArea,
    keepCard,
    prepare,
    campaign
      ? h(
          'details',
          {},
          h('summary', {}, t('start.who')),
          h(
            'ul',
            {},
            rulesText(campaign).map((line) => h('li', {}, line)),
          ),
        )
      : null,
  );
  statusCard.hidden = true;
  keepCard.hidden = true;

  // The countdown to the opening, by the server's clock as the room reports it.
  const countdownTimer = window.setInterval(() => showCountdown(), 1000);
  function showCountdown(): void {
    const left = (Date.parse(room.opensAt) - serverNow()) / 1000;
    countdown.textContent = left > 0 ? t('room.opensIn', { time: duration(left), when: when(room.opensAt) }) : '';
    countdown.hidden = left <= 0;
  }
  showCountdown();

  const resumeCode = query.get('code');
  let ticket = flow.ticket(releaseId);
  if (resumeCode) ticket = (await resume(resumeCode)) ?? ticket;
  if (ticket) void poll(ticket);
  else showJoin();

  function showJoin(): void {
    statusCard.hidden = true;
    keepCard.hidden = true;
    const prequeueOpen = Date.parse(room.prequeueOpensAt) <= serverNow();
    if (room.state === 'closed' || room.state === 'sold_out') {
      fill(joinArea, notice('info', t(room.state === 'closed' ? 'room.closed' : 'room.soldOut')));
      return;
    }
    const progress = h('p', { 'aria-live': 'polite' });
    const resumeForm: HTMLFormElement = h(
      'form',
      {
        novalidate: true,
        onsubmit: async (e: Event) => {
          e.preventDefault();
          const found = await resume(formValues(resumeForm).resumeCode ?? '');
          if (found) void poll(found);
        },
      },
      field({ name: 'resumeCode', label: t('room.resumeCode'), autocomplete: 'off', maxlength: 20 }),
      h('button', { type: 'submit', class: 'secondary' }, t('room.resumeSubmit')),
    );
    fill(
      joinArea,
      prequeueOpen
        ? h(
            'div',
            {},
            h('p', {}, t('room.joinHint')),
            h('button', { type: 'button', class: 'primary', onclick: (e: Event) => void join(e.currentTarget as HTMLButtonElement, progress) }, t('room.join')),
            progress,
          )
        : notice('info', t('room.notYet', { when: when(room.prequeueOpensAt) })),
      h('details', {}, h('summary', {}, t('room.resume')), resumeForm),
    );
  }

  async function join(button: HTMLButtonElement, progress: HTMLElement): Promise<void> {
    button.disabled = true;
    try {
      const { kept, joined } = await takePlace(releaseId, (percent) => (progress.textContent = t('room.joining', { percent })));
      fill(joinArea);
      show(kept, joined);
      await bindSavedPerson(kept);
      void poll(kept, joined.pollAfterMs);
    } catch (err) {
      button.disabled = false;
      const code = err instanceof ApiError ? err.code : '';
      progress.textContent = '';
      fill(progress, notice('problem', code === 'SOLD_OUT' ? t('room.soldOut') : code === 'QUEUE_CLOSED' ? t('room.closed') : problemText(err)));
    }
  }

  async function resume(code: string): Promise<Ticket | null> {
    try {
      const joined = await api<Joined>('POST', '/api/v1/queue/resume', { body: { code: code.trim().toUpperCase() } });
      const kept: Ticket = { releaseId: joined.releaseId, ticket: joined.ticket, ticketId: joined.ticketId, resumeCode: joined.resumeCode ?? code };
      flow.setTicket(joined.releaseId, kept);
      if (joined.releaseId !== releaseId) {
        go(`/warteraum/${joined.releaseId}`);
        return null;
      }
      fill(joinArea);
      return kept;
    } catch (err) {
      fill(
        live,
        notice(
          'problem',
          err instanceof ApiError && (err.code === 'RESUME_CODE_UNKNOWN' || err.code === 'VALIDATION_FAILED') ? t('room.resumeUnknown') : problemText(err),
        ),
      );
      return null;
    }
  }

  async function poll(kept: Ticket, after = 0): Promise<void> {
    clearTimeout(pollTimer);
    if (stopped) return;
    if (after > 0) {
      pollTimer = window.setTimeout(() => void poll(kept), after);
      return;
    }
    let status: QueueStatus;
    try {
      status = await api<QueueStatus>('GET', `/api/v1/queue/tickets/${encodeURIComponent(kept.ticket)}`);
    } catch (err) {
      if (err instanceof ApiError && (err.code === 'TICKET_INVALID' || err.status === 404)) {
        flow.setTicket(releaseId, null);
        fill(live, notice('problem', t('room.lost')));
        showJoin();
        return;
      }
      pollTimer = window.setTimeout(() => void poll(kept), 5000);
      return;
    }
    if (stopped) return;
    room = status.room;
    show(kept, status);
    if (status.state === 'admitted' && status.admission) {
      flow.setAdmission({ releaseId, campaignId: room.campaignId, token: status.admission.token, expiresAt: status.admission.expiresAt });
      announce(t('room.admitted'));
      go(`/suche?kampagne=${room.campaignId}`);
      return;
    }
    if (['used', 'lapsed', 'dropped', 'left'].includes(status.state) || status.outlook === 'sold_out' || room.state === 'closed') return;
    pollTimer = window.setTimeout(() => void poll(kept), Math.max(1000, status.pollAfterMs));
  }

  function show(kept: Ticket, status: QueueStatus): void {
    statusCard.hidden = false;
    keepCard.hidden = false;
    const soldOut = status.outlook === 'sold_out' || status.room.state === 'sold_out';
    const link = `${location.origin}/warteraum/${releaseId}?code=${encodeURIComponent(kept.resumeCode)}`;
    fill(
      keepCard,
      h('h2', {}, t('room.keep')),
      h('p', {}, t('room.keepText')),
      h('p', { class: 'resume-code' }, kept.resumeCode),
      h('p', {}, h('a', { href: link }, t('room.keepLink'))),
    );
    if (soldOut) {
      keepCard.hidden = true;
      prepare.hidden = true;
      fill(statusCard, h('h2', { id: 'place-title' }, t('room.soldOut')), soldOutInfo(status));
      speak(t('room.soldOut'));
      return;
    }
    if (status.state === 'used') {
      fill(statusCard, h('h2', { id: 'place-title' }, t('confirm.title')), h('p', {}, h('a', { href: '/verwalten' }, t('start.manage'))));
      return;
    }
    if (status.state === 'dropped' || status.state === 'left' || status.state === 'lapsed') {
      flow.setTicket(releaseId, null);
      fill(
        statusCard,
        h('h2', { id: 'place-title' }, t('room.lost')),
        status.state === 'dropped' ? h('p', {}, t('room.duplicate')) : status.state === 'lapsed' ? h('p', {}, t('search.admissionGone')) : null,
      );
      showJoin();
      statusCard.hidden = false;
      return;
    }
    fill(statusCard, ...placeInLine(status));
    if (status.position !== null) speak(t('room.announce', { position: number(status.position), ahead: number(status.ahead ?? 0) }));
  }

  /** Position changes are read out, but not more than once a minute unless something else changed. */
  let spokenAt = 0;
  function speak(text: string): void {
    if (text === lastSpoken || (Date.now() - spokenAt < 60_000 && text.startsWith(lastSpoken.slice(0, 8)))) return;
    lastSpoken = text;
    spokenAt = Date.now();
    fill(live, h('p', { class: 'visually-hidden' }, text));
  }

  return () => {
    stopped = true;
    clearTimeout(pollTimer);
    clearInterval(countdownTimer);
  };
};

/** One place per person: binding the saved details to the ticket lets the line drop a second one. */
async function bindSavedPerson(kept: Ticket): Promise<void> {
  const person = tab.get<{ firstName: string; lastName: string; dateOfBirth: string }>('person');
  if (!person) return;
  try {
    await api('PUT', `/api/v1/queue/tickets/${encodeURIComponent(kept.ticket)}/person`, {
      body: { firstName: person.firstName, lastName: person.lastName, dateOfBirth: person.dateOfBirth },
      maxAttempts: 3,
    });
  } catch {
    // A duplicate place shows up in the next status as "dropped"; anything else is retried on the next save.
  }
}

/** The place in line: position, people ahead, the time range, what is left and the outlook. */
function placeInLine(status: QueueStatus): (HTMLElement | null)[] {
  const opened = status.room.state === 'open' || status.room.state === 'paused';
  const eta = status.eta && status.eta.minSeconds !== null && status.eta.maxSeconds !== null ? status.eta : null;
  return [
    h('h2', { id: 'place-title' }, t('room.position')),
    status.position !== null ? h('p', { class: 'position' }, number(status.position)) : h('p', {}, t('room.prequeue')),
    status.ahead !== null ? h('p', {}, t('room.ahead', { count: number(status.ahead) })) : null,
    h(
      'p',
      {},
      eta ? t('room.eta', { min: Math.max(1, Math.round(eta.minSeconds! / 60)), max: Math.max(1, Math.round(eta.maxSeconds! / 60)) }) : t('room.etaUnknown'),
    ),
    // Before the opening nothing is released yet, so there is nothing to count or forecast.
    opened && status.remainingFirstDoses > 0 ? h('p', {}, t('room.remaining', { count: number(status.remainingFirstDoses) })) : null,
    opened && (status.outlook === 'likely' || status.outlook === 'unlikely')
      ? h('p', { class: `outlook outlook-${status.outlook}` }, t(`room.outlook.${status.outlook}`))
      : null,
    status.room.state === 'paused' ? notice('info', t('room.paused')) : null,
    h('p', {}, h('a', { href: `/warteraum/${status.room.releaseId}/auslosung` }, t('draw.link'))),
    h('p', { class: 'hint' }, t('room.stay')),
  ];
}

/** Where else to look when the line is sold out: the next release, centres with capacity, the wait list. */
function soldOutInfo(status: QueueStatus): (HTMLElement | null)[] {
  const info = status.soldOut;
  return [
    info?.nextRelease ? h('p', {}, t('room.soldOutNext', { when: when(info.nextRelease.opensAt) })) : null,
    info && info.centersWithCapacity.length > 0
      ? h(
          'div',
          {},
          h('p', {}, t('room.soldOutCenters')),
          h(
            'ul',
            {},
            info.centersWithCapacity.map((c) => h('li', {}, `${c.name} (${c.postalCode}): `, t('search.free', { count: number(c.freeFirstDoses) }))),
          ),
          h('p', {}, h('a', { class: 'button', href: `/suche?kampagne=${status.room.campaignId}` }, t('start.search'))),
        )
      : null,
    h('p', {}, t('room.soldOutWaitlist')),
    h('p', {}, h('a', { class: 'button secondary', href: `/warteliste?kampagne=${status.room.campaignId}` }, t('waitlist.cta'))),
  ];
}

/** Details entered while waiting: kept in the tab, and the place is bound to the person. */
function prepareSection(releaseId: number, campaign: Campaign | undefined): HTMLElement {
  const saved = h('div', { 'aria-live': 'polite' });
  const form: HTMLFormElement = h(
    'form',
    {
      novalidate: true,
      onsubmit: async (e: Event) => {
        e.preventDefault();
        const person = readPerson(form);
        if (!person) return;
        const kept = flow.ticket(releaseId);
        if (kept) await bindSavedPerson(kept);
        fill(saved, notice('success', t('details.saved')));
      },
    },
    personFields(campaign?.eligibility.priorityGroups ?? null, campaign?.requireVerifiedContact ?? false),
  );
  if (campaign?.requireVerifiedContact) form.append(verificationBox(form, () => undefined));
  form.append(h('button', { type: 'submit', class: 'secondary' }, t('details.save')), saved);
  return h('details', { class: 'card prepare' }, h('summary', {}, h('strong', {}, t('room.prepare'))), h('p', {}, t('room.prepareText')), form);
}

/**
 * Takes a place in line: fetches a challenge, solves it (reporting progress in tens of percent) and joins;
 * an expired or already used challenge (a slow phone, a retried request) is replaced by a fresh one.
 * The place is kept in the tab.
 */
async function takePlace(releaseId: number, onProgress: (percent: number) => void): Promise<{ kept: Ticket; joined: Joined }> {
  for (;;) {
    const challenge = await api<{ challenge: string; difficulty: number }>('GET', `/api/v1/queue/rooms/${releaseId}/challenge`);
    let shown = -1;
    const { solve } = await proofOfWork();
    const nonce = await solve(challenge.challenge, challenge.difficulty, (fraction) => {
      const percent = Math.floor(fraction * 10) * 10;
      if (percent !== shown) onProgress((shown = percent));
    });
    try {
      const joined = await api<Joined>('POST', `/api/v1/queue/rooms/${releaseId}/tickets`, { body: { challenge: challenge.challenge, nonce } });
      const kept: Ticket = { releaseId, ticket: joined.ticket, ticketId: joined.ticketId, resumeCode: joined.resumeCode };
      flow.setTicket(releaseId, kept);
      return { kept, joined };
    } catch (err) {
      if (err instanceof ApiError && /^CHALLENGE_/.test(err.code)) continue;
      throw err;
    }
  }
}
