import { t } from '../i18n.js';
import { word } from '../words.js';
import { ApiError } from '../../src/api.js';
import { fill, formValues, h, notice } from '../../src/dom.js';
import { call } from '../session.js';
import { dateOnly, dayOf, input, problem, table, time } from '../ui.js';

interface CheckinBooking {
  bookingCode: string;
  status: string;
  person: { firstName: string; lastName: string; dateOfBirth: string };
  appointments: { dose: number; centerName: string; startsAt: string; today: boolean; attendance: string | null }[];
  standby?: { slotId: number; startsAt: string } | null;
}

const dob = (iso: string) => iso.split('-').reverse().join('.');
const stateText = (s: string | null) => (s === null ? t('offen') : word('attendance', s));

/** The check-in desk: scan or type the code, check the ID, mark attended or no-show; the day's list. */
export async function checkinPage(main: HTMLElement): Promise<void | (() => void)> {
  let centers: { id: number; name: string }[];
  try {
    centers = (await call<{ centers: { id: number; name: string }[] }>('GET', '/api/v1/checkin/centers')).centers;
  } catch (err) {
    fill(main, h('h1', {}, t('Check-in')), problem(err));
    return;
  }
  const found = h('div', { 'aria-live': 'polite' });
  const list = h('div');
  const lookup: HTMLFormElement = h(
    'form',
    { class: 'card', onsubmit: (e: Event) => (e.preventDefault(), void find(formValues(lookup).code ?? '')) },
    h('h2', {}, t('Buchung suchen')),
    input({
      name: 'code',
      label: t('Buchungscode oder QR-Code scannen'),
      hint: t('Ein Handscanner tippt den QR-Code hier ein und drückt Enter.'),
      required: true,
    }),
    h('button', { type: 'submit' }, t('Suchen')),
  );
  const dayForm: HTMLFormElement = h(
    'form',
    { class: 'row', onsubmit: (e: Event) => (e.preventDefault(), void showDay()) },
    input({ name: 'centerId', label: t('Zentrum'), options: centers.map((c) => [String(c.id), c.name]) }),
    input({ name: 'day', label: t('Tag'), type: 'date', value: dayOf(new Date().toISOString()) }),
    h('button', { type: 'submit', class: 'secondary' }, t('Tagesliste')),
  );

  async function find(code: string): Promise<void> {
    try {
      show(await call<CheckinBooking>('GET', `/api/v1/checkin/bookings/${encodeURIComponent(code.trim())}`));
    } catch (err) {
      fill(
        found,
        err instanceof ApiError && err.code === 'BOOKING_NOT_FOUND' ? notice('problem', t('Keine Buchung mit diesem Code an Ihren Zentren.')) : problem(err),
      );
    }
    lookup.querySelector<HTMLInputElement>('input')!.select();
  }

  function show(b: CheckinBooking): void {
    const mark = (dose: number, state: 'attended' | 'no_show') => async () => {
      try {
        const r = await call<CheckinBooking>('POST', `/api/v1/checkin/bookings/${encodeURIComponent(b.bookingCode)}/attendance`, { dose, state });
        show(r);
        if (r.standby)
          fill(
            found,
            found.firstChild,
            notice('info', t('Die Dosis geht an die Standby-Liste: zusätzlicher Termin heute um {time} Uhr.', { time: time(r.standby.startsAt) })),
          );
        await showDay();
      } catch (err) {
        fill(found, found.firstChild, problem(err));
      }
    };
    fill(
      found,
      h(
        'section',
        { class: 'card', 'aria-labelledby': 'booking-title' },
        h('h2', { id: 'booking-title' }, `${b.bookingCode}: ${b.person.lastName}, ${b.person.firstName}`),
        h('p', { class: 'dob' }, t('Geburtsdatum {dob} – bitte mit dem Ausweis vergleichen.', { dob: dob(b.person.dateOfBirth) })),
        b.status !== 'active' ? notice('problem', t('Diese Buchung ist storniert.')) : null,
        table(
          [t('Impfung'), t('Zentrum'), t('Zeit'), t('Anwesenheit'), t('Erfassen')],
          b.appointments.map((a) => [
            `${a.dose}.`,
            a.centerName,
            `${dateOnly(a.startsAt)} ${time(a.startsAt)}`,
            stateText(a.attendance),
            a.today && a.attendance === null && b.status === 'active'
              ? h(
                  'div',
                  { class: 'row' },
                  h('button', { type: 'button', onclick: mark(a.dose, 'attended') }, t('Erschienen')),
                  h('button', { type: 'button', class: 'secondary', onclick: mark(a.dose, 'no_show') }, t('Nicht erschienen')),
                )
              : null,
          ]),
        ),
      ),
    );
  }

  async function showDay(): Promise<void> {
    const v = formValues(dayForm);
    try {
      const r = await call<{
        appointments: { startsAt: string; dose: number; bookingCode: string; name: string; attendance: string | null }[];
        counts: { booked: number; attended: number; noShow: number };
      }>('GET', `/api/v1/checkin/centers/${v.centerId}/days/${v.day}`);
      fill(
        list,
        h('p', {}, t('{booked} Termine, {attended} erschienen, {noShow} nicht erschienen.', r.counts)),
        table(
          [t('Zeit'), t('Impfung'), t('Code'), t('Name'), t('Anwesenheit')],
          r.appointments.map((a) => [
            time(a.startsAt),
            `${a.dose}.`,
            h('button', { type: 'button', class: 'linkish', onclick: () => void find(a.bookingCode) }, a.bookingCode),
            a.name,
            stateText(a.attendance),
          ]),
          t('Tagesliste'),
        ),
      );
    } catch (err) {
      fill(list, problem(err));
    }
  }

  const camera = cameraScanner((text) => {
    lookup.querySelector<HTMLInputElement>('input')!.value = text;
    void find(text);
  });
  if (camera) lookup.append(camera.button, camera.view);
  fill(main, h('h1', { tabindex: -1 }, t('Check-in')), lookup, found, h('h2', {}, t('Tagesliste')), dayForm, list);
  lookup.querySelector<HTMLInputElement>('input')!.focus();
  await showDay();
  return () => camera?.stop();
}

/** What the console needs of the Shape Detection API (not in TypeScript's DOM types yet). */
interface BarcodeDetectorLike {
  detect(source: HTMLVideoElement): Promise<{ rawValue: string }[]>;
}
type BarcodeDetectorClass = new (options: { formats: string[] }) => BarcodeDetectorLike;

/**
 * Scanning the confirmation's QR code with the device's camera, where the browser can read QR codes
 * (BarcodeDetector, e.g. Chrome on Android or a Mac) and has a camera; elsewhere nothing is shown and a
 * hand scanner or typing into the field works as before. Reads a few times a second and stops at the
 * first code, or when the desk stops it or leaves the page.
 */
function cameraScanner(onCode: (text: string) => void): { button: HTMLElement; view: HTMLElement; stop: () => void } | null {
  const Detector = (window as unknown as { BarcodeDetector?: BarcodeDetectorClass }).BarcodeDetector;
  if (!Detector || !navigator.mediaDevices?.getUserMedia) return null;
  const video = h('video', { muted: true, playsinline: true, 'aria-label': t('Kamerabild') });
  const status = h('p', { 'aria-live': 'polite' });
  const view = h('div', { class: 'camera', hidden: true }, video, status);
  let stream: MediaStream | null = null;
  let timer = 0;
  const stop = () => {
    clearInterval(timer);
    stream?.getTracks().forEach((track) => track.stop());
    stream = null;
    view.hidden = true;
    button.textContent = t('Mit der Kamera scannen');
  };
  const start = async () => {
    try {
      stream = await navigator.mediaDevices.getUserMedia({ video: { facingMode: 'environment' }, audio: false });
    } catch {
      fill(status, t('Die Kamera ist nicht verfügbar. Bitte den Code eintippen oder den Handscanner nutzen.'));
      view.hidden = false;
      return;
    }
    video.srcObject = stream;
    await video.play().catch(() => undefined);
    view.hidden = false;
    fill(status, t('Halten Sie den QR-Code der Bestätigung vor die Kamera.'));
    button.textContent = t('Kamera beenden');
    const detector = new Detector({ formats: ['qr_code'] });
    let busy = false;
    timer = window.setInterval(async () => {
      if (busy || !stream) return;
      busy = true;
      try {
        const [code] = await detector.detect(video);
        if (code?.rawValue) {
          stop();
          onCode(code.rawValue);
        }
      } catch {
        // A frame the detector could not read: the next one will do.
      } finally {
        busy = false;
      }
    }, 250);
  };
  const button: HTMLButtonElement = h(
    'button',
    { type: 'button', class: 'secondary', onclick: () => void (stream ? stop() : start()) },
    t('Mit der Kamera scannen'),
  );
  return { button, view, stop };
}
