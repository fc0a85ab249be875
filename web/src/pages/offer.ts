import { ApiError, api, type Booking } from '../api.js';
import { fill, h, notice } from '../dom.js';
import { clock, longDay, t, when } from '../i18n.js';
import { flow } from '../flow.js';
import { heading, problemText, type Page } from '../page.js';

interface Offer {
  offerId: string;
  state: string;
  expiresAt: string;
  appointments: { slotId: number; dose: number; startsAt: string; centerName: string; centerAddress: string }[];
}

/** A wait-list offer opened from its message: the appointments, the deadline, accept or decline. */
export const offerPage: Page = async (main, { params, query, go }) => {
  const offerId = params[0]!;
  const secret = query.get('secret') ?? '';
  const path = `/api/v1/waitlist/offers/${offerId}`;
  let offer: Offer;
  try {
    offer = await api<Offer>('GET', `${path}?secret=${encodeURIComponent(secret)}`);
  } catch (err) {
    fill(
      main,
      heading(t('offer.title')),
      notice('problem', err instanceof ApiError && (err.code === 'NOT_FOUND' || err.code === 'VALIDATION_FAILED') ? t('offer.missing') : problemText(err)),
    );
    return;
  }
  const problems = h('div');
  const open = offer.state === 'open';
  fill(
    main,
    heading(t('offer.title')),
    h(
      'ul',
      { class: 'appointments' },
      offer.appointments.map((a) =>
        h(
          'li',
          {},
          h('p', { class: 'dose' }, t('confirm.dose', { dose: a.dose })),
          h('p', { class: 'when' }, longDay(a.startsAt), h('br'), t('common.clock', { time: clock(a.startsAt) })),
          h('p', {}, a.centerName, h('br'), a.centerAddress),
        ),
      ),
    ),
    open
      ? h('p', {}, h('strong', {}, t('offer.until', { when: when(offer.expiresAt) })))
      : notice('info', offer.state === 'expired' ? t('offer.expired') : t('offer.closed')),
    problems,
    open
      ? h(
          'div',
          { class: 'row' },
          h('button', { type: 'button', class: 'primary', onclick: () => void answer('accept') }, t('offer.accept')),
          h('button', { type: 'button', class: 'secondary', onclick: () => void answer('decline') }, t('offer.decline')),
        )
      : null,
  );

  async function answer(choice: 'accept' | 'decline'): Promise<void> {
    try {
      if (choice === 'accept') {
        const booking = await api<Booking & { dateOfBirth?: string }>('POST', `${path}/accept`, { body: { secret } });
        flow.setBooking(booking);
        go(`/bestaetigung/${booking.bookingCode}`);
      } else {
        await api('POST', `${path}/decline`, { body: { secret } });
        fill(problems, notice('success', t('offer.declined')));
        main.querySelector('.row')?.remove();
      }
    } catch (err) {
      const code = err instanceof ApiError ? err.code : '';
      fill(problems, notice('problem', code === 'OFFER_EXPIRED' ? t('offer.expired') : code === 'OFFER_CLOSED' ? t('offer.closed') : problemText(err)));
    }
  }
};
