import type { Appointment } from './api.js';
import { h } from './dom.js';
import { clock, longDay, t } from './i18n.js';

/** Both appointments as a list a person can read aloud: dose, day, time, place, and a map link. */
export function appointmentList(appointments: Appointment[], withMap = true): HTMLElement {
  return h(
    'ul',
    { class: 'appointments' },
    appointments.map((a) =>
      h(
        'li',
        {},
        h('p', { class: 'dose' }, t('confirm.dose', { dose: a.dose })),
        h('p', { class: 'when' }, longDay(a.startsAt, a.center.timeZone), h('br'), t('common.clock', { time: clock(a.startsAt, a.center.timeZone) })),
        h('p', {}, a.center.name, h('br'), a.center.address),
        withMap
          ? h(
              'p',
              {},
              h(
                'a',
                { href: `https://www.openstreetmap.org/?mlat=${a.center.lat}&mlon=${a.center.lon}#map=17/${a.center.lat}/${a.center.lon}`, rel: 'noopener' },
                t('confirm.map'),
                h('span', { class: 'visually-hidden' }, `: ${a.center.name}`),
              ),
            )
          : null,
      ),
    ),
  );
}
