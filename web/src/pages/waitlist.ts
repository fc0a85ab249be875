import { ApiError, api, type Campaign } from '../api.js';
import { announce, fieldError, fill, formValues, h, notice } from '../dom.js';
import { lang, parseDate, t, typedDate, weekdays } from '../i18n.js';
import { heading, problemText, type Page } from '../page.js';
import { isVerified, personFields, readPerson, verificationBox } from '../person-form.js';
import { kept } from '../storage.js';

interface Entry {
  entryId: number;
  campaignId: number;
  state: 'waiting' | 'offered' | 'booked' | 'left' | string;
  position: number | null;
  offerId: string | null;
}
/** What this browser keeps of a place on a wait list: enough to look it up and leave it. */
interface KeptEntry {
  entryId: number;
  secret: string;
}
const keptKey = (campaignId: number) => `waitlist:${campaignId}`;
const DISTANCES = [10, 25, 50, 100];

/**
 * The wait list of a campaign: join with wishes (centres or a distance from the postal code, days,
 * weekdays), the contact verified in the same form; then the place in line, an open offer, leaving.
 * A link from a message (`?eintrag=&secret=`) shows the same place on another device.
 */
export const waitlistPage: Page = async (main, { query }) => {
  let campaigns: Campaign[];
  try {
    campaigns = (await api<{ campaigns: Campaign[] }>('GET', '/api/v1/campaigns')).campaigns;
  } catch (err) {
    fill(main, heading(t('waitlist.title')), notice('problem', problemText(err)));
    return;
  }
  const campaign = campaigns.find((c) => c.id === Number(query.get('kampagne'))) ?? campaigns[0];
  if (!campaign) {
    fill(main, heading(t('waitlist.title')), notice('info', t('start.noCampaigns')));
    return;
  }
  const linked = query.get('eintrag') && query.get('secret') ? { entryId: Number(query.get('eintrag')), secret: query.get('secret')! } : null;
  if (linked) kept.set(keptKey(campaign.id), linked);
  const mine = linked ?? kept.get<KeptEntry>(keptKey(campaign.id));
  if (mine) return showPlace(main, campaign, mine);
  return showJoin(main, campaign);
};

async function showPlace(main: HTMLElement, campaign: Campaign, mine: KeptEntry): Promise<(() => void) | void> {
  const path = `/api/v1/waitlist/entries/${mine.entryId}`;
  const secret = `secret=${encodeURIComponent(mine.secret)}`;
  const status = h('div', { 'aria-live': 'polite' });
  const messages = h('div', { class: 'messages' });
  const leave = h('button', { type: 'button', class: 'secondary', onclick: () => void leaveList() }, t('waitlist.leave'));
  fill(main, heading(t('waitlist.title')), h('p', { class: 'lead' }, campaign.name), status, messages, h('p', {}, leave));

  const show = async (): Promise<void> => {
    let entry: Entry;
    try {
      entry = await api<Entry>('GET', `${path}?${secret}`);
    } catch (err) {
      if (err instanceof ApiError && err.code === 'NOT_FOUND') {
        kept.remove(keptKey(campaign.id));
        fill(
          status,
          notice('problem', t('waitlist.unknown')),
          h('p', {}, h('a', { class: 'button', href: `/warteliste?kampagne=${campaign.id}` }, t('waitlist.cta'))),
        );
        leave.hidden = true;
      } else fill(messages, notice('problem', problemText(err)));
      return;
    }
    leave.hidden = entry.state !== 'waiting' && entry.state !== 'offered';
    if (entry.state === 'left') {
      kept.remove(keptKey(campaign.id));
      fill(status, notice('info', t('waitlist.left')), h('p', {}, h('a', { href: '/' }, t('app.home'))));
      return;
    }
    if (entry.state === 'booked') {
      fill(status, notice('success', t('waitlist.booked')), h('p', {}, h('a', { href: '/verwalten' }, t('start.manage'))));
      return;
    }
    fill(
      status,
      notice(
        'success',
        h('p', {}, h('strong', {}, t('waitlist.onList'))),
        entry.position !== null ? h('p', { class: 'position' }, t('waitlist.position', { position: entry.position })) : null,
        h('p', {}, t('waitlist.howOffer')),
      ),
      entry.offerId
        ? notice(
            'info',
            h('p', {}, t('waitlist.offerOpen')),
            h('p', {}, h('a', { class: 'button', href: `/angebot/${entry.offerId}?${secret}` }, t('waitlist.toOffer'))),
          )
        : null,
    );
  };

  async function leaveList(): Promise<void> {
    if (!window.confirm(t('waitlist.leaveConfirm'))) return;
    leave.disabled = true;
    try {
      await api('DELETE', `${path}?${secret}`);
      announce(t('waitlist.left'));
      await show();
    } catch (err) {
      leave.disabled = false;
      fill(messages, notice('problem', problemText(err)));
    }
  }

  await show();
  // The place moves as others are served; a minute is often enough for a person waiting days.
  const timer = window.setInterval(() => void show(), 60_000);
  return () => clearInterval(timer);
}

function showJoin(main: HTMLElement, campaign: Campaign): void {
  const problems = h('div', { class: 'messages' });
  const centerList = h('div', { class: 'choices', id: 'centers' });
  const form: HTMLFormElement = h(
    'form',
    { novalidate: true, onsubmit: (e: Event) => (e.preventDefault(), void submit()) },
    h(
      'fieldset',
      {},
      h('legend', {}, t('waitlist.where')),
      h('label', { class: 'choice' }, h('input', { type: 'radio', name: 'where', value: 'distance', checked: true }), t('waitlist.nearMe')),
      h(
        'div',
        { class: 'field' },
        h('label', { for: 'f-maxDistanceKm' }, t('waitlist.distance')),
        h(
          'select',
          { id: 'f-maxDistanceKm', name: 'maxDistanceKm' },
          DISTANCES.map((km) => h('option', { value: String(km), selected: km === 25 }, t('waitlist.km', { km }))),
        ),
      ),
      h('label', { class: 'choice' }, h('input', { type: 'radio', name: 'where', value: 'centers' }), t('waitlist.someCenters')),
      centerList,
      h('p', { class: 'field-error', id: 'f-centers-error', hidden: true }),
    ),
    h(
      'fieldset',
      {},
      h('legend', {}, t('waitlist.when')),
      dateField('earliest', t('waitlist.earliest')),
      dateField('latest', t('waitlist.latest')),
      h('p', { class: 'label' }, t('waitlist.weekdays')),
      h(
        'div',
        { class: 'choices weekdays' },
        [1, 2, 3, 4, 5, 6, 7].map((d) =>
          h('label', { class: 'choice' }, h('input', { type: 'checkbox', name: 'weekday', value: String(d), checked: true }), weekdays([d])),
        ),
      ),
      h('p', { class: 'field-error', id: 'f-weekday-error', hidden: true }),
    ),
    h(
      'fieldset',
      {},
      h('legend', {}, t('waitlist.you')),
      h('p', { class: 'hint' }, t('waitlist.contactHint')),
      personFields(campaign.eligibility.priorityGroups, true),
    ),
  );
  form.append(
    verificationBox(form, () => fill(problems)),
    h('p', { class: 'hint' }, t('details.privacy')),
    problems,
    h('button', { type: 'submit' }, t('waitlist.submit')),
  );

  fill(main, heading(t('waitlist.title')), h('p', { class: 'lead' }, campaign.name), h('p', {}, t('waitlist.intro')), form);
  void api<{ centers: { id: number; name: string; address: string }[] }>('GET', `/api/v1/campaigns/${campaign.id}/centers`)
    .then(({ centers }) =>
      fill(
        centerList,
        centers.map((c) => h('label', { class: 'choice' }, h('input', { type: 'checkbox', name: 'centerId', value: String(c.id) }), `${c.name}, ${c.address}`)),
      ),
    )
    .catch(() => undefined);

  async function submit(): Promise<void> {
    const person = readPerson(form);
    const preferences = readWishes(form);
    if (!person || !preferences) return;
    if (!(person.email && isVerified('email', person.email)) && !(person.phone && isVerified('sms', person.phone))) {
      fill(problems, notice('problem', t('waitlist.verifyFirst')));
      form.querySelector<HTMLElement>('.verify button')?.focus();
      return;
    }
    try {
      const joined = await api<Entry & { secret: string }>('POST', '/api/v1/waitlist', {
        body: { campaignId: campaign.id, person, preferences, locale: lang() },
      });
      kept.set(keptKey(campaign.id), { entryId: joined.entryId, secret: joined.secret });
      await showPlace(main, campaign, { entryId: joined.entryId, secret: joined.secret });
      main.querySelector<HTMLElement>('h1')?.focus();
    } catch (err) {
      fill(problems, notice('problem', joinProblem(err)));
      if (err instanceof ApiError && err.code === 'UNKNOWN_POSTAL_CODE') fieldError(form, 'postalCode', t('search.unknownPostal'));
    }
  }
}

const dateField = (name: string, label: string) =>
  h(
    'div',
    { class: 'field' },
    h('label', { for: `f-${name}` }, label),
    h('p', { class: 'hint', id: `f-${name}-hint` }, t('waitlist.dateHint')),
    h('input', { id: `f-${name}`, name, inputmode: 'numeric', maxlength: 10, 'aria-describedby': `f-${name}-hint f-${name}-error` }),
    h('p', { class: 'field-error', id: `f-${name}-error`, hidden: true }),
  );

/** The wishes as the API takes them, each problem marked at its field; null if any. */
function readWishes(form: HTMLFormElement): Record<string, unknown> | null {
  const v = formValues(form);
  const data = new FormData(form);
  const wishes: Record<string, unknown> = {};
  let ok = true;
  const mark = (name: string, problem: string | null) => {
    const slot = form.querySelector<HTMLElement>(`#f-${name}-error`)!;
    slot.textContent = problem ?? '';
    slot.hidden = problem === null;
    if (problem) ok = false;
  };
  if (v.where === 'centers') {
    const ids = data.getAll('centerId').map(Number);
    mark('centers', ids.length === 0 ? t('waitlist.chooseCenter') : null);
    wishes.centerIds = ids;
  } else wishes.maxDistanceKm = Number(v.maxDistanceKm);
  for (const name of ['earliest', 'latest'] as const) {
    const day = v[name] ? parseDate(v[name]!) : null;
    fieldError(form, name, v[name] && !day ? t('waitlist.badDate') : null);
    if (v[name] && !day) ok = false;
    if (day) wishes[name] = day;
  }
  if (typeof wishes.earliest === 'string' && typeof wishes.latest === 'string' && wishes.latest < wishes.earliest) {
    fieldError(form, 'latest', t('waitlist.latestBeforeEarliest', { day: typedDate(wishes.earliest) }));
    ok = false;
  }
  const days = data.getAll('weekday').map(Number);
  mark('weekday', days.length === 0 ? t('waitlist.chooseWeekday') : null);
  if (days.length > 0 && days.length < 7) wishes.weekdays = days;
  if (!ok) form.querySelector<HTMLElement>('[aria-invalid="true"], .field-error:not([hidden])')?.focus();
  return ok ? wishes : null;
}

function joinProblem(err: unknown): string {
  if (!(err instanceof ApiError)) return problemText(err);
  switch (err.code) {
    case 'ALREADY_ON_WAITLIST':
      return t('waitlist.already');
    case 'ALREADY_BOOKED':
      return t('eligibility.alreadyBooked');
    case 'CONTACT_NOT_VERIFIED':
      return t('waitlist.verifyFirst');
    default:
      return problemText(err);
  }
}
