import { api, type Booking } from '../api.js';
import { appointmentList } from '../appointments.js';
import { announce, field, fieldError, fill, formValues, h, notice } from '../dom.js';
import { parseDate, t } from '../i18n.js';
import { flow } from '../flow.js';
import { heading, lookupProblem, type Page } from '../page.js';

interface MessageState {
  kind: string;
  channel: 'email' | 'sms';
  state: 'queued' | 'delayed' | 'sent' | 'failed' | 'cancelled';
}

/** The booking code large and copyable, both appointments, calendar file, print, and how the confirmation travels. */
export const confirmationPage: Page = async (main, { params, query }) => {
  const code = params[0]!.toUpperCase();
  const known = flow.booking(code);
  if (!known?.dateOfBirth) {
    askForDateOfBirth(main, code);
    return;
  }
  const booking: Booking = known;
  const dob = known.dateOfBirth;
  const status = h('ul', { class: 'message-states' });
  const copied = h('p', { class: 'hint', 'aria-live': 'polite' });
  const base = `/api/v1/bookings/${encodeURIComponent(code)}`;

  fill(
    main,
    heading(booking.status === 'cancelled' ? t('manage.cancelled') : query.has('verschoben') ? t('search.rebooked') : t('confirm.title')),
    h(
      'section',
      { class: 'card code-card', 'aria-labelledby': 'code-title' },
      h('h2', { id: 'code-title' }, t('confirm.code')),
      h('p', { class: 'booking-code', id: 'booking-code' }, booking.bookingCode),
      h(
        'button',
        {
          type: 'button',
          class: 'secondary no-print',
          onclick: async () => {
            try {
              await navigator.clipboard.writeText(booking.bookingCode);
            } catch {
              // Older browsers: select the code so the person can copy it by hand.
              getSelection()?.selectAllChildren(document.getElementById('booking-code')!);
            }
            copied.textContent = t('confirm.copied');
          },
        },
        t('confirm.copy'),
      ),
      copied,
      h('p', {}, t('confirm.codeHint')),
      h('img', { class: 'qr', src: `${base}/qr.svg?dateOfBirth=${dob}`, alt: `${t('confirm.qr')}: ${booking.bookingCode}`, width: 160, height: 160 }),
    ),
    h('section', { 'aria-labelledby': 'appts-title' }, h('h2', { id: 'appts-title' }, t('confirm.appointments')), appointmentList(booking.appointments)),
    h('p', {}, t('confirm.bring')),
    h(
      'div',
      { class: 'row no-print' },
      h(
        'a',
        { class: 'button secondary', href: `${base}/calendar.ics?dateOfBirth=${dob}`, download: `termin-${booking.bookingCode}.ics` },
        t('confirm.calendar'),
      ),
      h('button', { type: 'button', class: 'secondary', onclick: () => window.print() }, t('confirm.print')),
    ),
    h('section', { class: 'no-print', 'aria-labelledby': 'msg-title' }, h('h2', { id: 'msg-title' }, t('confirm.messages')), status),
    h('p', { class: 'no-print' }, h('a', { href: '/verwalten' }, t('start.manage'))),
  );

  // The confirmation usually leaves within a second; follow it for two minutes, then leave it.
  let timer = 0;
  const started = Date.now();
  const poll = async () => {
    try {
      const { messages } = await api<{ messages: MessageState[] }>('GET', `${base}/messages?dateOfBirth=${dob}`, { maxAttempts: 2 });
      const shown = latestPerChannel(messages.filter((m) => m.kind === 'confirmation'));
      fill(
        status,
        shown.length === 0
          ? h('li', {}, t('confirm.msg.none'))
          : shown.map((m) => h('li', {}, `${t(m.channel === 'sms' ? 'confirm.channel.sms' : 'confirm.channel.email')}: ${t(`confirm.msg.${m.state}`)}`)),
      );
      if (shown.some((m) => m.state === 'queued' || m.state === 'delayed') && Date.now() - started < 120_000) timer = window.setTimeout(poll, 3000);
    } catch {
      timer = window.setTimeout(poll, 10_000);
    }
  };
  void poll();
  return () => clearTimeout(timer);
};

function latestPerChannel(messages: MessageState[]): MessageState[] {
  const byChannel = new Map<string, MessageState>();
  for (const m of messages) byChannel.set(m.channel, m);
  return [...byChannel.values()];
}

/** Opened from a link or another tab: the date of birth unlocks the booking. */
function askForDateOfBirth(main: HTMLElement, code: string): void {
  const problems = h('div');
  const form: HTMLFormElement = h(
    'form',
    {
      novalidate: true,
      onsubmit: async (e: Event) => {
        e.preventDefault();
        const dob = parseDate(formValues(form).dateOfBirth ?? '');
        fieldError(form, 'dateOfBirth', dob ? null : t('details.badDob'));
        if (!dob) return;
        try {
          const booking = await api<Booking>('GET', `/api/v1/bookings/${encodeURIComponent(code)}?dateOfBirth=${dob}`);
          flow.setBooking({ ...booking, dateOfBirth: dob });
          window.dispatchEvent(new PopStateEvent('popstate'));
        } catch (err) {
          fill(problems, notice('problem', lookupProblem(err)));
        }
      },
    },
    field({ name: 'dateOfBirth', label: t('details.dob'), hint: t('details.dobHint'), inputmode: 'numeric', autocomplete: 'bday', required: true }),
    problems,
    h('button', { type: 'submit' }, t('confirm.show')),
  );
  fill(main, heading(t('confirm.code') + ' ' + code), h('p', {}, t('confirm.needDob')), form);
  announce(t('confirm.needDob'));
}
