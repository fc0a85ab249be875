import { api } from './api.js';
import { fill, h, notice } from './dom.js';
import { t, typedDate, when } from './i18n.js';
import { problemText } from './page.js';

interface PersonalData {
  booking: Record<string, string | null>;
  messages: { kind: string; channel: string; recipient: string; subject: string; text: string; state: string; createdAt: string }[];
  waitlistEntries: unknown[];
}

const FIELDS: [string, Parameters<typeof t>[0]][] = [
  ['first_name', 'details.firstName'],
  ['last_name', 'details.lastName'],
  ['date_of_birth', 'details.dob'],
  ['postal_code', 'details.postalCode'],
  ['email', 'data.email'],
  ['phone', 'data.phone'],
  ['priority_group', 'details.group'],
];

/**
 * "Your data" on the manage page: everything stored about the booking's person, readable and as a
 * file (GDPR art. 15), and cancelling with erasing (art. 17).
 */
export function personalDataSection(code: string, dob: string, onErased: () => void): HTMLElement {
  const path = `/api/v1/bookings/${encodeURIComponent(code)}`;
  const shown = h('div', {});
  const actions = h('div', { class: 'row' });
  const section = h(
    'section',
    { class: 'card', 'aria-labelledby': 'data-title' },
    h('h2', { id: 'data-title' }, t('data.title')),
    h('p', {}, t('data.intro')),
    h(
      'div',
      { class: 'row' },
      h('button', { type: 'button', class: 'secondary', onclick: () => void show() }, t('data.show')),
      h('a', { href: `${path}/data?dateOfBirth=${dob}&download=true`, download: `ansturm-daten-${code}.json` }, t('data.download')),
    ),
    shown,
    actions,
  );
  const askErase = () => {
    fill(
      actions,
      h('p', { id: 'erase-q' }, t('data.eraseSure')),
      h('button', { type: 'button', class: 'danger', 'aria-describedby': 'erase-q', onclick: () => void erase() }, t('data.eraseYes')),
      h('button', { type: 'button', class: 'secondary', onclick: () => fill(actions, eraseButton()) }, t('manage.cancelNo')),
    );
    actions.querySelector<HTMLElement>('button')!.focus();
  };
  const eraseButton = () => h('button', { type: 'button', class: 'danger', onclick: askErase }, t('data.erase'));
  fill(actions, eraseButton());

  async function show(): Promise<void> {
    try {
      const data = await api<PersonalData>('GET', `${path}/data?dateOfBirth=${dob}`);
      const b = data.booking;
      fill(
        shown,
        h(
          'dl',
          { class: 'facts' },
          FIELDS.flatMap(([key, label]) => [
            h('dt', {}, t(label)),
            h('dd', {}, b[key] ? (key === 'date_of_birth' ? typedDate(b[key]!) : b[key]) : t('data.none')),
          ]),
        ),
        h('h3', {}, t('data.messages')),
        data.messages.length === 0
          ? h('p', {}, t('data.none'))
          : h(
              'ul',
              {},
              data.messages.map((m) =>
                h(
                  'li',
                  {},
                  `${when(m.createdAt)}: ${m.channel === 'sms' ? 'SMS' : t('confirm.channel.email')} ${m.recipient} – ${m.subject || m.text.slice(0, 80)}`,
                ),
              ),
            ),
        h('p', {}, t('data.waitlist', { count: data.waitlistEntries.length })),
      );
    } catch (err) {
      fill(shown, notice('problem', problemText(err)));
    }
  }

  async function erase(): Promise<void> {
    try {
      await api('POST', `${path}/erase`, { body: { dateOfBirth: dob } });
      fill(section, h('h2', { id: 'data-title', tabindex: -1 }, t('data.title')), notice('success', t('data.erased')));
      section.querySelector<HTMLElement>('h2')!.focus();
      onErased();
    } catch (err) {
      fill(actions, notice('problem', problemText(err)));
    }
  }
  return section;
}
