import { api, type Booking } from '../api.js';
import { appointmentList } from '../appointments.js';
import { announce, field, fieldError, fill, formValues, h, notice } from '../dom.js';
import { parseDate, t, typedDate } from '../i18n.js';
import { flow } from '../flow.js';
import { heading, lookupProblem, problemText, type Page } from '../page.js';
import { personalDataSection } from '../personal-data.js';

/** Find a booking by code and date of birth; view, cancel or move it. */
export const managePage: Page = (main, { go }) => {
  const result = h('div', { class: 'result' });
  const problems = h('div');
  const last = flow.rebook();
  const form: HTMLFormElement = h(
    'form',
    { novalidate: true, onsubmit: (e: Event) => (e.preventDefault(), void find()) },
    field({
      name: 'bookingCode',
      label: t('manage.code'),
      hint: t('manage.codeHint'),
      autocomplete: 'off',
      required: true,
      maxlength: 12,
      value: last?.bookingCode,
    }),
    field({
      name: 'dateOfBirth',
      label: t('details.dob'),
      hint: t('details.dobHint'),
      inputmode: 'numeric',
      autocomplete: 'bday',
      required: true,
      maxlength: 10,
      value: last ? typedDate(last.dateOfBirth) : '',
    }),
    problems,
    h('button', { type: 'submit' }, t('manage.find')),
  );
  fill(main, heading(t('manage.title')), h('p', {}, t('manage.intro')), form, result);

  async function find(): Promise<void> {
    const v = formValues(form);
    const code = (v.bookingCode ?? '').toUpperCase();
    const dob = parseDate(v.dateOfBirth ?? '');
    fieldError(form, 'bookingCode', code ? null : t('details.required'));
    fieldError(form, 'dateOfBirth', dob ? null : t('details.badDob'));
    if (!code || !dob) return;
    fill(problems);
    try {
      show(await api<Booking>('GET', `/api/v1/bookings/${encodeURIComponent(code)}?dateOfBirth=${dob}`), dob);
    } catch (err) {
      fill(result);
      fill(problems, notice('problem', lookupProblem(err)));
    }
  }

  function show(booking: Booking, dob: string): void {
    const active = booking.status === 'active';
    const actions = h('div', { class: 'row' });
    const confirmCancel = () => {
      fill(
        actions,
        h('p', { id: 'cancel-q' }, t('manage.cancelSure')),
        h('button', { type: 'button', class: 'danger', 'aria-describedby': 'cancel-q', onclick: () => void cancel() }, t('manage.cancelYes')),
        h('button', { type: 'button', class: 'secondary', onclick: () => show(booking, dob) }, t('manage.cancelNo')),
      );
      actions.querySelector<HTMLElement>('button')!.focus();
    };
    const cancel = async () => {
      try {
        const cancelled = await api<Booking>('DELETE', `/api/v1/bookings/${encodeURIComponent(booking.bookingCode)}?dateOfBirth=${dob}`);
        show(cancelled, dob);
        announce(t('manage.cancelled'));
      } catch (err) {
        fill(actions, notice('problem', problemText(err)));
      }
    };
    const rebook = () => {
      flow.setRebook({ bookingCode: booking.bookingCode, dateOfBirth: dob, campaignId: booking.campaignId });
      go(`/suche?kampagne=${booking.campaignId}&verschieben=1`);
    };
    if (active) {
      fill(
        actions,
        h('button', { type: 'button', class: 'secondary', onclick: rebook }, t('manage.rebook')),
        h('button', { type: 'button', class: 'danger', onclick: confirmCancel }, t('manage.cancel')),
      );
    }
    fill(
      result,
      h(
        'section',
        { class: 'card', 'aria-labelledby': 'booking-title' },
        h('h2', { id: 'booking-title', tabindex: -1 }, booking.bookingCode, ' – ', t(active ? 'manage.status.active' : 'manage.status.cancelled')),
        booking.person ? h('p', {}, t('manage.for', { name: `${booking.person.firstName} ${booking.person.lastName}` })) : null,
        active ? null : notice('info', t('manage.cancelled')),
        appointmentList(booking.appointments, active),
        active
          ? h(
              'p',
              {},
              h(
                'a',
                {
                  href: `/api/v1/bookings/${encodeURIComponent(booking.bookingCode)}/calendar.ics?dateOfBirth=${dob}`,
                  download: `termin-${booking.bookingCode}.ics`,
                },
                t('confirm.calendar'),
              ),
            )
          : null,
        actions,
      ),
      personalDataSection(booking.bookingCode, dob, () => fill(actions)),
    );
    result.querySelector<HTMLElement>('h2')!.focus();
  }
};
