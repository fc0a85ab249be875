import { serverNow } from '../server-time.js';
import { ApiError, api, type Booking, type Campaign, type CenterAvailability, type Hold, type Person } from '../api.js';
import { announce, field, fieldError, fill, formValues, h, notice } from '../dom.js';
import { clock, day, decimal, minutesSeconds, number, t, when } from '../i18n.js';
import { flow } from '../flow.js';
import { heading, problemText, type Page } from '../page.js';
import { randomKey, tab } from '../storage.js';

/** Centres nearest first with their free days; a time chosen is held at once (both doses). */
export const searchPage: Page = async (main, { query, go }) => {
  const rebook = query.has('verschieben') ? flow.rebook() : null;
  let campaigns: Campaign[];
  try {
    campaigns = (await api<{ campaigns: Campaign[] }>('GET', '/api/v1/campaigns')).campaigns;
  } catch (err) {
    fill(main, heading(t('search.title')), notice('problem', problemText(err)));
    return;
  }
  const wanted = rebook?.campaignId ?? Number(query.get('kampagne'));
  const campaign = campaigns.find((c) => c.id === wanted) ?? campaigns.find((c) => c.releases.some((r) => r.open)) ?? campaigns[0];
  if (!campaign) {
    fill(main, heading(t('search.title')), notice('info', t('start.noCampaigns')));
    return;
  }
  const admission = flow.admission(campaign.id);
  const knownPostalCode = tab.get<string>('postalCode') ?? tab.get<Person>('person')?.postalCode ?? '';
  const messages = h('div', { class: 'messages' });
  const results = h('section', { 'aria-labelledby': 'results-title', class: 'results' });
  const timers: number[] = [];

  const form = h(
    'form',
    { class: 'search', novalidate: true, onsubmit: (e: Event) => (e.preventDefault(), void byPostalCode()) },
    field({
      name: 'postalCode',
      label: t('search.postalCode'),
      hint: t('search.postalHint'),
      autocomplete: 'postal-code',
      inputmode: 'numeric',
      maxlength: 5,
      required: true,
      value: knownPostalCode,
    }),
    h(
      'div',
      { class: 'row' },
      h('button', { type: 'submit' }, t('search.submit')),
      'geolocation' in navigator ? h('button', { type: 'button', class: 'secondary', onclick: () => byLocation() }, t('search.locate')) : null,
    ),
  );

  const admissionNote = admission ? h('p', {}) : null;
  if (admission && admissionNote) {
    const tick = () => {
      const left = (Date.parse(admission.expiresAt) - serverNow()) / 1000;
      admissionNote.textContent = t('room.admittedUntil', { time: clock(admission.expiresAt) }) + ` (${minutesSeconds(left)})`;
    };
    tick();
    timers.push(window.setInterval(tick, 1000));
  }
  const held = !rebook ? flow.hold() : null;

  fill(
    main,
    heading(t('search.title')),
    admission ? notice('success', h('p', {}, h('strong', {}, t('search.admitted'))), admissionNote) : null,
    rebook ? notice('info', t('search.rebook', { code: rebook.bookingCode })) : null,
    held ? notice('info', t('search.alreadyHolding'), ' ', h('a', { href: '/termin' }, t('search.continueHold'))) : null,
    campaign.vaccine.doses === 2 ? h('p', {}, t('search.secondDose', { min: campaign.vaccine.minIntervalDays, max: campaign.vaccine.maxIntervalDays })) : null,
    form,
    messages,
    results,
  );

  async function byPostalCode(): Promise<void> {
    const postalCode = formValues(form).postalCode ?? '';
    if (!/^\d{5}$/.test(postalCode)) {
      fieldError(form, 'postalCode', t('search.badPostal'));
      form.querySelector<HTMLInputElement>('input')!.focus();
      return;
    }
    fieldError(form, 'postalCode', null);
    tab.set('postalCode', postalCode);
    await search(`postalCode=${postalCode}`);
  }

  function byLocation(): void {
    fill(messages, notice('info', t('search.locating')));
    navigator.geolocation.getCurrentPosition(
      (pos) => void search(`lat=${pos.coords.latitude.toFixed(4)}&lon=${pos.coords.longitude.toFixed(4)}`),
      () => fill(messages, notice('problem', t('search.locateFailed'))),
      { timeout: 15_000, maximumAge: 600_000 },
    );
  }

  let lastQuery = '';
  /** Searches and shows the centres found; false when the search itself failed (the problem is shown). */
  async function search(where: string): Promise<boolean> {
    lastQuery = where;
    let centers: CenterAvailability[];
    try {
      // Admitted from a waiting room: only that release's appointments, the ones the admission may hold.
      const release = admission ? `&releaseId=${admission.releaseId}` : '';
      const all = (await api<{ centers: CenterAvailability[] }>('GET', `/api/v1/availability?campaignId=${campaign!.id}&${where}${release}`)).centers;
      // Full days and full centres are left out: only what can be chosen is shown.
      centers = all.filter((c) => c.freeFirstDoses > 0).map((c) => ({ ...c, days: c.days.filter((d) => d.freeFirstDoses > 0) }));
    } catch (err) {
      if (err instanceof ApiError && err.code === 'UNKNOWN_POSTAL_CODE') {
        fieldError(form, 'postalCode', t('search.unknownPostal'));
        form.querySelector<HTMLInputElement>('input')!.focus();
      } else fill(messages, notice('problem', problemText(err)));
      fill(results);
      return false;
    }
    if (messages.querySelector('.notice-info')) fill(messages);
    showResults(centers);
    return true;
  }

  function showResults(centers: CenterAvailability[]): void {
    if (centers.length === 0) {
      const next = campaign!.releases.find((r) => !r.open && Date.parse(r.opensAt) > serverNow());
      fill(
        results,
        h('h2', { id: 'results-title' }, t('search.results')),
        notice(
          'info',
          h('p', {}, t('search.none')),
          next ? h('p', {}, t('search.noneNext', { when: when(next.opensAt) })) : null,
          h('p', {}, t('room.soldOutWaitlist')),
          h('p', {}, h('a', { class: 'button secondary', href: `/warteliste?kampagne=${campaign!.id}` }, t('waitlist.cta'))),
        ),
      );
      announce(t('search.none'));
      return;
    }
    fill(
      results,
      h('h2', { id: 'results-title' }, t('search.results')),
      h('p', {}, t('search.resultsCount', { count: centers.length })),
      h(
        'ol',
        { class: 'centers' },
        centers.map((c) => centerItem(c, choose)),
      ),
    );
    announce(t('search.resultsCount', { count: centers.length }));
  }

  async function choose(slotId: number, button: HTMLButtonElement): Promise<void> {
    button.disabled = true;
    fill(messages, notice('info', t('search.holding')));
    try {
      if (rebook) {
        const moved = await api<Booking>('POST', `/api/v1/bookings/${encodeURIComponent(rebook.bookingCode)}/rebook`, {
          body: { dateOfBirth: rebook.dateOfBirth, slotId },
        });
        flow.setRebook(null);
        flow.setBooking({ ...moved, dateOfBirth: rebook.dateOfBirth });
        go(`/bestaetigung/${moved.bookingCode}?verschoben=1`);
        return;
      }
      const hold = await api<Hold>('POST', '/api/v1/holds', {
        body: { slotId },
        headers: admission ? { 'admission-token': admission.token } : {},
      });
      flow.setHold({ ...hold, confirmKey: randomKey() });
      go('/termin');
    } catch (err) {
      button.disabled = false;
      fill(messages, explainHoldError(err, admission?.releaseId));
      if (err instanceof ApiError && (err.code === 'SLOT_FULL' || err.code === 'NO_SECOND_DOSE_SLOT') && lastQuery) await search(lastQuery);
    }
  }

  // A link from an appointment finder (the open-data feed's booking link) names a centre, a day and a time.
  const linkedCenter = Number(query.get('zentrum'));
  if (Number.isInteger(linkedCenter) && linkedCenter > 0) await fromLink(linkedCenter, query.get('tag'), Number(query.get('termin')));
  else if (knownPostalCode) await byPostalCode();
  return () => timers.forEach((id) => clearInterval(id));

  /** Shows the linked centre with the linked day open and the linked time marked; the person still chooses it. */
  async function fromLink(centerId: number, date: string | null, slotId: number): Promise<void> {
    if (!(await search(`centerId=${centerId}`))) return;
    const item = results.querySelector<HTMLElement>('li.center');
    if (!item) {
      fill(messages, notice('info', t('search.linkedCenterFull')));
      return;
    }
    const days = [...item.querySelectorAll<HTMLButtonElement>('button.day')];
    days.find((b) => b.dataset.date === date)?.click();
    const slot = item.querySelector<HTMLButtonElement>(`button.slot[data-slot="${slotId}"]`);
    if (!slot) {
      if (slotId > 0) fill(messages, notice('info', t('search.linkedGone')));
      return;
    }
    slot.classList.add('linked');
    slot.append(h('span', { class: 'free' }, t('search.linkedSlot')));
    slot.setAttribute('aria-describedby', 'linked-note');
    fill(messages, notice('info', h('p', { id: 'linked-note' }, t('search.linked', { when: when(slot.dataset.startsAt!, slot.dataset.zone) }))));
    slot.focus();
  }
};

/** Holds (or moves the booking to) a chosen time. */
type Choose = (slotId: number, button: HTMLButtonElement) => Promise<void>;

/** A centre with its free days; choosing a day shows its times. */
function centerItem(c: CenterAvailability, choose: Choose): HTMLElement {
  const times = h('div', { class: 'times' });
  const dayButtons = c.days.map((d) =>
    h(
      'button',
      {
        type: 'button',
        class: 'day',
        'data-date': d.date,
        'aria-expanded': 'false',
        'aria-controls': `times-${c.id}`,
        onclick: (e: Event) => {
          for (const b of dayButtons) b.setAttribute('aria-expanded', String(b === e.currentTarget));
          showTimes(times, d, c.timeZone, choose);
        },
      },
      h('span', {}, day(d.date)),
      h('span', { class: 'free' }, t('search.free', { count: number(d.freeFirstDoses) })),
    ),
  );
  times.id = `times-${c.id}`;
  return h(
    'li',
    { class: 'center' },
    h('h3', {}, c.name),
    h('p', {}, c.address, h('br'), t('search.distance', { km: decimal(c.distanceKm) }), ' · ', t('search.free', { count: number(c.freeFirstDoses) })),
    h('p', { class: 'label' }, t('search.chooseDay')),
    h('div', { class: 'days' }, dayButtons),
    times,
  );
}

function showTimes(container: HTMLElement, d: CenterAvailability['days'][number], zone: string, choose: Choose): void {
  fill(
    container,
    h('h4', { tabindex: -1 }, t('search.times', { day: day(d.date) })),
    h(
      'ul',
      { class: 'slots' },
      d.slots.map((s) =>
        h(
          'li',
          {},
          h(
            'button',
            {
              type: 'button',
              class: 'slot',
              'data-slot': String(s.id),
              'data-starts-at': s.startsAt,
              'data-zone': zone,
              onclick: (e: Event) => void choose(s.id, e.currentTarget as HTMLButtonElement),
            },
            t('common.clock', { time: clock(s.startsAt, zone) }),
            h('span', { class: 'free' }, t('search.free', { count: s.free })),
          ),
        ),
      ),
    ),
  );
  container.querySelector<HTMLElement>('h4')!.focus();
}

/** What a refused hold means for the person, and where to go next. */
function explainHoldError(err: unknown, releaseIdOfAdmission: number | undefined): HTMLElement {
  if (!(err instanceof ApiError)) return notice('problem', problemText(err));
  const roomLink = (releaseId: unknown) =>
    typeof releaseId === 'number' ? h('p', {}, h('a', { class: 'button', href: `/warteraum/${releaseId}` }, t('start.toRoom'))) : null;
  switch (err.code) {
    case 'SLOT_FULL':
      return notice('problem', t('search.taken'));
    case 'NO_SECOND_DOSE_SLOT':
      return notice('problem', t('search.noSecond'));
    case 'NOT_RELEASED':
      return notice(
        'problem',
        t('search.notReleased'),
        typeof err.details.opensAt === 'string' ? ' ' + t('start.opensAt', { when: when(err.details.opensAt) }) : '',
      );
    case 'ADMISSION_REQUIRED':
      return notice('problem', h('p', {}, t('search.needRoom')), roomLink(err.details.releaseId));
    case 'ADMISSION_EXPIRED':
    case 'ADMISSION_USED':
    case 'ADMISSION_INVALID':
      flow.setAdmission(null);
      return notice('problem', h('p', {}, t('search.admissionGone')), roomLink(err.details.releaseId ?? releaseIdOfAdmission));
    case 'ADMISSION_IN_USE':
      return notice('problem', t('search.alreadyHolding'), ' ', h('a', { href: '/termin' }, t('search.continueHold')));
    default:
      return notice('problem', problemText(err));
  }
}
