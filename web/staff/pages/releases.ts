import { staffLocale, t } from '../i18n.js';
import { word } from '../words.js';
import { fill, formValues, h, notice } from '../../src/dom.js';
import { call } from '../session.js';
import { localInstant, dateTime, input, problem, table } from '../ui.js';
import { loadCampaigns, loadCenters } from './setup.js';

/** The most slots one release takes (the server's limit too). */
const MAX_RELEASE_SLOTS = 50_000;

interface Warning {
  code: string;
  message: string;
}

/**
 * Releases with their checklist: the plan is checked first, and it is scheduled only once the
 * person has read every warning and said so.
 */
export async function releasesPage(main: HTMLElement): Promise<void> {
  let campaigns: Awaited<ReturnType<typeof loadCampaigns>>;
  let centers: Awaited<ReturnType<typeof loadCenters>>;
  try {
    [campaigns, centers] = await Promise.all([loadCampaigns(), loadCenters()]);
  } catch (err) {
    fill(main, h('h1', {}, t('Freigaben')), problem(err));
    return;
  }
  const listing = h('div');
  const checklist = h('div', { 'aria-live': 'polite' });
  const outcome = h('div', { 'aria-live': 'polite' });
  let warnings: Warning[] | null = null;

  const el: HTMLFormElement = h(
    'form',
    { class: 'card', onsubmit: (e: Event) => (e.preventDefault(), void schedule()) },
    h('h2', {}, t('Neue Freigabe')),
    input({ name: 'campaignId', label: t('Kampagne'), options: campaigns.map((c) => [String(c.id), c.name]) }),
    input({ name: 'centerId', label: t('Impfzentrum'), options: [['', t('alle')], ...centers.map((c): [string, string] => [String(c.id), c.name])] }),
    input({ name: 'from', label: t('Erstimpfungen von (Tag)'), type: 'date', required: true }),
    input({ name: 'to', label: t('bis (Tag)'), type: 'date', required: true }),
    input({ name: 'opensAt', label: t('Freigabe am (Ortszeit)'), type: 'datetime-local', required: true }),
    input({ name: 'waitingRoom', label: t('Mit Warteraum'), type: 'checkbox', value: 'on' }),
    input({ name: 'prequeueMinutes', label: t('Warteraum öffnet … Minuten vorher'), type: 'number', value: 30, min: 0 }),
    input({ name: 'expectedCrowd', label: t('Erwartete Personen zur Öffnung'), type: 'number', min: 0 }),
    input({ name: 'phoneShare', label: t('Anteil für die Hotline (%)'), type: 'number', value: 0, min: 0, max: 90 }),
    input({ name: 'phoneUntil', label: t('Hotline-Anteil reserviert bis (Ortszeit)'), type: 'datetime-local' }),
    input({ name: 'waitlistShare', label: t('Anteil für die Warteliste (%)'), type: 'number', value: 0, min: 0, max: 100 }),
    h(
      'div',
      { class: 'row' },
      h('button', { type: 'button', class: 'secondary', onclick: () => void check() }, t('Checkliste prüfen')),
      h('button', { type: 'submit' }, t('Freigabe planen')),
    ),
    checklist,
    outcome,
  );

  async function plan() {
    const v = formValues(el);
    const campaignId = Number(v.campaignId);
    if (!v.opensAt) throw new Error(t('Bitte den Zeitpunkt der Freigabe angeben.'));
    // The server picks: the chosen days' unreleased first doses (days as the centre counts them), and every
    // unreleased second dose of the campaign there (their second appointments).
    const picked = (dose: number, days: Record<string, string>) =>
      call<{ slots: { id: number }[]; more: boolean }>(
        'GET',
        `/api/v1/admin/slots?${new URLSearchParams({ campaignId: String(campaignId), ...(v.centerId ? { centerId: v.centerId } : {}), dose: String(dose), ...days, unreleased: 'true', limit: String(MAX_RELEASE_SLOTS) })}`,
      );
    const [firsts, seconds] = await Promise.all([picked(1, v.from && v.to ? { from: v.from, to: v.to } : {}), picked(2, {})]);
    const slotIds = [...firsts.slots, ...seconds.slots].map((s) => s.id);
    if (firsts.more || seconds.more || slotIds.length > MAX_RELEASE_SLOTS) {
      throw new Error(
        t('Diese Auswahl hat mehr als {max} Termine. Bitte weniger Tage oder ein Impfzentrum wählen.', {
          max: MAX_RELEASE_SLOTS.toLocaleString(staffLocale()),
        }),
      );
    }
    const waitingRoom = (el.querySelector('[name="waitingRoom"]') as HTMLInputElement).checked;
    return {
      campaignId,
      slotIds,
      opensAt: localInstant(v.opensAt),
      waitingRoom,
      ...(waitingRoom ? { prequeueMinutes: Number(v.prequeueMinutes || 30) } : {}),
      ...(v.expectedCrowd ? { expectedCrowd: Number(v.expectedCrowd) } : {}),
      ...(Number(v.phoneShare) > 0 ? { phoneShare: Number(v.phoneShare) / 100, phoneUntil: v.phoneUntil ? localInstant(v.phoneUntil) : undefined } : {}),
      ...(Number(v.waitlistShare) > 0 ? { waitlistShare: Number(v.waitlistShare) / 100 } : {}),
    };
  }

  async function check(): Promise<void> {
    try {
      const body = await plan();
      if (body.slotIds.length === 0) {
        fill(checklist, notice('problem', t('Keine noch nicht freigegebenen Termine in dieser Auswahl.')));
        return;
      }
      warnings = (await call<{ warnings: Warning[] }>('POST', '/api/v1/admin/releases/checklist', body)).warnings;
      fill(
        checklist,
        warnings.length === 0
          ? notice('success', t('Checkliste ohne Warnung ({count} Termine).', { count: body.slotIds.length }))
          : notice(
              'problem',
              h('p', {}, t('Die Checkliste warnt ({count} Termine):', { count: body.slotIds.length })),
              h(
                'ul',
                { class: 'warnings' },
                warnings.map((w) => h('li', {}, h('strong', {}, w.code), ': ', w.message)),
              ),
              input({ name: 'acknowledged', label: t('Ich habe jede Warnung gelesen und plane die Freigabe trotzdem.'), type: 'checkbox' }),
            ),
      );
    } catch (err) {
      fill(checklist, err instanceof Error && !('code' in err) ? notice('problem', err.message) : problem(err));
    }
  }

  async function schedule(): Promise<void> {
    try {
      if (warnings === null) await check();
      if (warnings === null) return;
      const acknowledged = (el.querySelector('[name="acknowledged"]') as HTMLInputElement | null)?.checked ?? false;
      if (warnings.length > 0 && !acknowledged) {
        fill(outcome, notice('problem', t('Bitte die Warnungen lesen und bestätigen – oder den Plan ändern und neu prüfen.')));
        return;
      }
      const body = await plan();
      const created = await call<{ id: number }>('POST', '/api/v1/admin/releases', { ...body, acknowledge: warnings.map((w) => w.code) });
      warnings = null;
      fill(checklist);
      fill(outcome, notice('success', t('Freigabe Nr. {id} geplant ({count} Termine).', { id: created.id, count: body.slotIds.length })));
      await refresh();
    } catch (err) {
      fill(outcome, problem(err));
    }
  }
  // A changed plan must be checked again.
  el.addEventListener('input', (e) => {
    if ((e.target as HTMLInputElement).name !== 'acknowledged') warnings = null;
  });

  async function refresh(): Promise<void> {
    const campaignId = Number(formValues(el).campaignId);
    const releases = (
      await call<{
        releases: {
          id: number;
          opensAt: string;
          waitingRoom: boolean;
          slots: number;
          firstDoseUnits: number;
          firstDosesTaken: number;
          phoneReserved: number;
          roomState: string | null;
        }[];
      }>('GET', `/api/v1/admin/releases?campaignId=${campaignId}`)
    ).releases;
    fill(
      listing,
      table(
        [t('Nr.'), t('Öffnet'), t('Warteraum'), t('Termine'), t('Erstimpfungen'), 'gebucht', t('für Hotline')],
        releases.map((r) => [
          r.id,
          dateTime(r.opensAt),
          r.waitingRoom ? (r.roomState ? word('room', r.roomState) : t('ja')) : t('nein'),
          r.slots,
          r.firstDoseUnits,
          r.firstDosesTaken,
          r.phoneReserved,
        ]),
        t('Freigaben dieser Kampagne'),
      ),
    );
  }
  el.querySelector('[name="campaignId"]')!.addEventListener('change', () => void refresh());

  fill(main, h('h1', { tabindex: -1 }, t('Freigaben')), el, listing);
  await refresh().catch((err) => fill(listing, problem(err)));
}

/** Waiting-room controls: pause, resume, close; targets and difficulty, live. */
export async function roomsPage(main: HTMLElement): Promise<void> {
  const listing = h('div');
  fill(main, h('h1', { tabindex: -1 }, t('Warteräume steuern')), listing);
  const refresh = async () => {
    const d = await call<{ rooms: { releaseId: number; state: string; waiting: number; active: number; admissionsPerSecond: number }[] }>(
      'GET',
      '/api/v1/admin/dashboard',
    );
    fill(
      listing,
      d.rooms.length === 0 ? h('p', {}, t('Keine Warteräume.')) : null,
      d.rooms.map((room) => {
        const out = h('div', { 'aria-live': 'polite' });
        const act = (path: string) => async () => {
          try {
            await call('POST', `/api/v1/admin/queue/rooms/${room.releaseId}/${path}`);
            await refresh();
          } catch (err) {
            fill(out, problem(err));
          }
        };
        const settings: HTMLFormElement = h(
          'form',
          {
            onsubmit: async (e: Event) => {
              e.preventDefault();
              const v = formValues(settings);
              const body = Object.fromEntries(
                Object.entries(v)
                  .filter(([, x]) => x !== '')
                  .map(([k, x]) => [k, Number(x)]),
              );
              try {
                await call('PATCH', `/api/v1/admin/queue/rooms/${room.releaseId}`, body);
                fill(out, notice('success', t('Übernommen.')));
              } catch (err) {
                fill(out, problem(err));
              }
            },
          },
          input({ name: 'targetActive', label: t('Ziel aktive Sitzungen'), type: 'number', min: 0 }),
          input({ name: 'maxAdmissionsPerSecond', label: t('Höchstens Einlässe pro Sekunde'), type: 'number', min: 0, step: 'any' }),
          input({ name: 'difficulty', label: t('Schwierigkeit der Rechenaufgabe (Bits)'), type: 'number', min: 0, max: 32 }),
          h('button', { type: 'submit', class: 'secondary' }, t('Einstellungen übernehmen')),
        );
        return h(
          'section',
          { class: 'card', 'aria-labelledby': `room-${room.releaseId}` },
          h('h2', { id: `room-${room.releaseId}` }, t('Freigabe {id}: {state}', { id: room.releaseId, state: word('room', room.state) })),
          h('p', {}, t('{waiting} wartend, {active} aktiv, {rate} Einlässe/s', { waiting: room.waiting, active: room.active, rate: room.admissionsPerSecond })),
          h(
            'div',
            { class: 'row' },
            h('button', { type: 'button', class: 'secondary', onclick: act('pause') }, t('Anhalten')),
            h('button', { type: 'button', class: 'secondary', onclick: act('resume') }, t('Fortsetzen')),
            h('button', { type: 'button', class: 'danger', onclick: act('close') }, t('Schließen')),
          ),
          settings,
          out,
        );
      }),
    );
  };
  await refresh().catch((err) => fill(listing, problem(err)));
}
