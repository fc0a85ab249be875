import { serverNow } from '../server-time.js';
import { ApiError, api, type Booking, type Campaign } from '../api.js';
import { appointmentList } from '../appointments.js';
import { announce, fill, h, notice } from '../dom.js';
import { lang, minutesSeconds, parseDate, t } from '../i18n.js';
import { flow } from '../flow.js';
import { heading, problemText, type Page } from '../page.js';
import { eligibilityProblem, isVerified, personFields, precheck, readPerson, verificationBox } from '../person-form.js';
import { dayIn } from '../../../src/time/zone.js';

/** The held appointments, the few fields a booking needs, and the time left on the hold. */
export const detailsPage: Page = async (main, { go }) => {
  const hold = flow.hold();
  if (!hold) {
    const expired = flow.lastHold() !== null;
    fill(
      main,
      heading(t('details.title')),
      notice(expired ? 'problem' : 'info', expired ? t('details.expired') : t('details.noHold')),
      h('p', {}, h('a', { class: 'button', href: '/suche' }, t('details.newSearch'))),
    );
    return;
  }
  const campaign = await api<{ campaigns: Campaign[] }>('GET', '/api/v1/campaigns')
    .then((r) => r.campaigns.find((c) => c.id === hold.campaignId))
    .catch(() => undefined);
  // Age and rules count on the first appointment's day at its centre (00:30 in Berlin is not yet that day in UTC).
  const first = hold.appointments[0]!;
  const firstDay = dayIn(new Date(first.startsAt), first.center.timeZone);

  const timer = h('p', { class: 'timer', role: 'timer', 'aria-live': 'off' });
  const problems = h('div', { class: 'messages' });
  const form: HTMLFormElement = h(
    'form',
    { novalidate: true, onsubmit: (e: Event) => (e.preventDefault(), void submit()) },
    personFields(campaign?.eligibility.priorityGroups ?? null, campaign?.requireVerifiedContact ?? false),
  );
  const needsVerification = campaign?.requireVerifiedContact ?? false;
  if (needsVerification) form.append(verificationBox(form, () => fill(problems)));
  form.append(h('p', { class: 'hint' }, t('details.privacy')), problems, h('button', { type: 'submit', class: 'primary' }, t('details.submit')));

  fill(
    main,
    heading(t('details.title')),
    h(
      'section',
      { class: 'card', 'aria-labelledby': 'reserved' },
      h('h2', { id: 'reserved' }, t('details.reserved')),
      appointmentList(hold.appointments, false),
      timer,
    ),
    form,
  );

  // Eligibility is checked as soon as the date of birth and postal code are there, not only on submit.
  const early = async () => {
    const dob = form.querySelector<HTMLInputElement>('[name="dateOfBirth"]')!.value;
    const plz = form.querySelector<HTMLInputElement>('[name="postalCode"]')!.value;
    if (!dob || !/^\d{5}$/.test(plz)) return;
    const dateOfBirth = parseDate(dob);
    if (!dateOfBirth) return;
    const group = form.querySelector<HTMLSelectElement>('[name="priorityGroup"]')?.value;
    const problem = await precheck(hold.campaignId, { dateOfBirth, postalCode: plz, ...(group ? { priorityGroup: group } : {}) }, firstDay);
    fill(problems, problem ? notice('problem', problem) : null);
  };
  form.querySelector('[name="dateOfBirth"]')!.addEventListener('change', () => void early());
  form.querySelector('[name="postalCode"]')!.addEventListener('change', () => void early());

  // The countdown: every second on screen, spoken only at 5, 2 and 1 minutes left.
  const spoken = new Set<number>();
  const tick = () => {
    const left = (Date.parse(hold.expiresAt) - serverNow()) / 1000;
    if (left <= 0) {
      clearInterval(interval);
      fill(
        main,
        heading(t('details.title')),
        notice('problem', t('details.expired')),
        h('p', {}, h('a', { class: 'button', href: '/suche' }, t('details.newSearch'))),
      );
      main.querySelector('h1')!.focus();
      return;
    }
    const soon = left < 120;
    timer.textContent = t(soon ? 'details.remainingSoon' : 'details.remaining', { time: minutesSeconds(left) });
    timer.classList.toggle('urgent', soon);
    for (const mark of [300, 120, 60]) {
      if (left <= mark && left > mark - 2 && !spoken.has(mark)) {
        spoken.add(mark);
        announce(timer.textContent);
      }
    }
  };
  const interval = window.setInterval(tick, 1000);
  tick();

  async function submit(): Promise<void> {
    fill(problems);
    const person = readPerson(form);
    if (!person) return;
    if (needsVerification && !(person.phone && isVerified('sms', person.phone)) && !(person.email && isVerified('email', person.email))) {
      fill(problems, notice('problem', t('details.contactRequired')));
      return;
    }
    const problem = await precheck(hold!.campaignId, person, firstDay);
    if (problem) {
      fill(problems, notice('problem', problem));
      return;
    }
    const button = form.querySelector<HTMLButtonElement>('button[type="submit"]')!;
    button.disabled = true;
    button.textContent = t('details.submitting');
    try {
      const booking = await api<Booking>('POST', '/api/v1/bookings', {
        body: { holdId: hold!.holdId, person, locale: lang() },
        idempotencyKey: hold!.confirmKey,
      });
      clearInterval(interval);
      flow.setHold(null);
      flow.setAdmission(null);
      flow.setBooking({ ...booking, dateOfBirth: person.dateOfBirth });
      go(`/bestaetigung/${booking.bookingCode}`);
    } catch (err) {
      button.disabled = false;
      button.textContent = t('details.submit');
      const eligibility = eligibilityProblem(err);
      if (err instanceof ApiError && (err.code === 'HOLD_EXPIRED' || err.code === 'HOLD_NOT_FOUND')) {
        fill(problems, notice('problem', t('details.expired'), ' ', h('a', { href: '/suche' }, t('details.newSearch'))));
      } else if (err instanceof ApiError && err.code === 'CONTACT_NOT_VERIFIED') {
        fill(problems, notice('problem', t('details.contactRequired')));
      } else {
        fill(problems, notice('problem', eligibility ?? problemText(err)));
      }
    }
  }

  return () => clearInterval(interval);
};
