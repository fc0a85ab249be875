import { fill, h, notice } from '../../src/dom.js';
import { call } from '../session.js';
import { form, problem, table } from '../ui.js';

interface Center {
  id: number;
  name: string;
  address: string;
  postalCode: string;
  district: string;
}
interface Campaign {
  id: number;
  name: string;
  vaccine: { name: string; doses: number; minIntervalDays: number; maxIntervalDays: number };
  eligibility: { minAge: number | null; maxAge: number | null; districts: string[] | null; priorityGroups: string[] | null };
}

/** The Länder by their ISO 3166-2 code, as the API takes them. */
const LAENDER: [string, string][] = [
  ['BW', 'Baden-Württemberg'],
  ['BY', 'Bayern'],
  ['BE', 'Berlin'],
  ['BB', 'Brandenburg'],
  ['HB', 'Bremen'],
  ['HH', 'Hamburg'],
  ['HE', 'Hessen'],
  ['MV', 'Mecklenburg-Vorpommern'],
  ['NI', 'Niedersachsen'],
  ['NW', 'Nordrhein-Westfalen'],
  ['RP', 'Rheinland-Pfalz'],
  ['SL', 'Saarland'],
  ['SN', 'Sachsen'],
  ['ST', 'Sachsen-Anhalt'],
  ['SH', 'Schleswig-Holstein'],
  ['TH', 'Thüringen'],
];

export const loadCenters = async () => (await call<{ centers: Center[] }>('GET', '/api/v1/admin/centers')).centers;
export const loadCampaigns = async () => (await call<{ campaigns: Campaign[] }>('GET', '/api/v1/campaigns')).campaigns;
const list = (text: string) =>
  text
    .split(',')
    .map((x) => x.trim())
    .filter(Boolean);
const optionalNumber = (text: string | undefined) => (text ? Number(text) : undefined);

/** Centres. */
export async function centersPage(main: HTMLElement): Promise<void> {
  const listing = h('div');
  const refresh = async () =>
    fill(
      listing,
      table(
        ['Nr.', 'Name', 'Adresse', 'PLZ', 'Kreis'],
        (await loadCenters()).map((c) => [c.id, c.name, c.address, c.postalCode, c.district]),
        'Impfzentren',
      ),
    );
  fill(
    main,
    h('h1', { tabindex: -1 }, 'Impfzentren'),
    form(
      'Neues Impfzentrum',
      [
        { name: 'name', label: 'Name', required: true },
        { name: 'address', label: 'Adresse (Straße, PLZ Ort)', required: true },
        { name: 'postalCode', label: 'Postleitzahl', required: true },
        { name: 'district', label: 'Kreis / kreisfreie Stadt', required: true },
        { name: 'lat', label: 'Breitengrad', type: 'number', step: 'any', required: true },
        { name: 'lon', label: 'Längengrad', type: 'number', step: 'any', required: true },
        {
          name: 'state',
          label: 'Bundesland (seine Feiertage fallen aus den Terminserien)',
          options: [['', 'nicht angegeben (nur bundesweite Feiertage)'], ...LAENDER],
        },
      ],
      'Anlegen',
      async (v) => {
        const created = await call<{ id: number }>('POST', '/api/v1/admin/centers', {
          name: v.name,
          address: v.address,
          postalCode: v.postalCode,
          district: v.district,
          lat: Number(v.lat),
          lon: Number(v.lon),
          ...(v.state ? { state: v.state } : {}),
        });
        await refresh();
        return `Impfzentrum Nr. ${created.id} angelegt.`;
      },
    ),
    listing,
  );
  await refresh().catch((err) => fill(listing, problem(err)));
}

/** Campaigns and their eligibility rules. */
export async function campaignsPage(main: HTMLElement): Promise<void> {
  const listing = h('div');
  const refresh = async () =>
    fill(
      listing,
      table(
        ['Nr.', 'Name', 'Impfstoff', 'Alter', 'Kreise', 'Gruppen'],
        (await loadCampaigns()).map((c) => [
          c.id,
          c.name,
          `${c.vaccine.name} (${c.vaccine.doses === 2 ? `2 Dosen, ${c.vaccine.minIntervalDays}–${c.vaccine.maxIntervalDays} Tage` : '1 Dosis'})`,
          [c.eligibility.minAge ?? '', c.eligibility.maxAge ?? ''].join('–'),
          c.eligibility.districts?.join(', ') ?? 'alle',
          c.eligibility.priorityGroups?.join(', ') ?? 'alle',
        ]),
        'Kampagnen',
      ),
    );
  fill(
    main,
    h('h1', { tabindex: -1 }, 'Kampagnen und Regeln'),
    form(
      'Neue Kampagne',
      [
        { name: 'name', label: 'Name', required: true },
        { name: 'vaccine', label: 'Impfstoff', required: true },
        {
          name: 'doses',
          label: 'Dosen',
          options: [
            ['2', '2 Dosen'],
            ['1', '1 Dosis'],
          ],
        },
        { name: 'minIntervalDays', label: 'Abstand mindestens (Tage)', type: 'number', value: 21, min: 1 },
        { name: 'maxIntervalDays', label: 'Abstand höchstens (Tage)', type: 'number', value: 42, min: 1 },
        { name: 'minAge', label: 'Mindestalter (am Impftag)', type: 'number', min: 0 },
        { name: 'maxAge', label: 'Höchstalter', type: 'number', min: 0 },
        { name: 'districts', label: 'Nur für Kreise (durch Komma getrennt, leer = alle)' },
        { name: 'priorityGroups', label: 'Nur für Gruppen (durch Komma getrennt, leer = alle)' },
        { name: 'requireVerifiedContact', label: 'Bestätigte Handynummer oder E-Mail nötig', type: 'checkbox' },
      ],
      'Anlegen',
      async (v) => {
        const doses = Number(v.doses);
        const created = await call<{ id: number }>('POST', '/api/v1/admin/campaigns', {
          name: v.name,
          vaccine:
            doses === 2
              ? { name: v.vaccine, doses: 2, minIntervalDays: Number(v.minIntervalDays), maxIntervalDays: Number(v.maxIntervalDays) }
              : { name: v.vaccine, doses: 1 },
          eligibility: {
            ...(v.minAge ? { minAge: optionalNumber(v.minAge) } : {}),
            ...(v.maxAge ? { maxAge: optionalNumber(v.maxAge) } : {}),
            ...(v.districts ? { districts: list(v.districts) } : {}),
            ...(v.priorityGroups ? { priorityGroups: list(v.priorityGroups) } : {}),
          },
          ...(v.requireVerifiedContact ? { requireVerifiedContact: true } : {}),
        });
        await refresh();
        return `Kampagne Nr. ${created.id} angelegt.`;
      },
    ),
    listing,
  );
  await refresh().catch((err) => fill(listing, problem(err)));
}

/** Slot series: opening hours x interval x capacity over a range of days, holidays skipped. */
export async function slotsPage(main: HTMLElement): Promise<void> {
  let centers: Center[];
  let campaigns: Campaign[];
  try {
    [centers, campaigns] = await Promise.all([loadCenters(), loadCampaigns()]);
  } catch (err) {
    fill(main, h('h1', {}, 'Terminserien'), problem(err));
    return;
  }
  const today = new Date().toISOString().slice(0, 10);
  fill(
    main,
    h('h1', { tabindex: -1 }, 'Terminserien'),
    h(
      'p',
      {},
      'Eine Serie legt Termine für jeden gewählten Wochentag zwischen zwei Tagen an: Öffnungszeit × Takt × Kapazität. Bundesweite Feiertage werden übersprungen; Landesfeiertage als zusätzliche Tage angeben.',
    ),
    form(
      'Neue Terminserie',
      [
        { name: 'centerId', label: 'Impfzentrum', options: centers.map((c) => [String(c.id), c.name]) },
        { name: 'campaignId', label: 'Kampagne', options: campaigns.map((c) => [String(c.id), c.name]) },
        {
          name: 'dose',
          label: 'Dosis',
          options: [
            ['1', '1. Impfung'],
            ['2', '2. Impfung'],
          ],
        },
        { name: 'from', label: 'Von (Tag)', type: 'date', value: today, required: true },
        { name: 'to', label: 'Bis (Tag)', type: 'date', value: today, required: true },
        { name: 'weekdays', label: 'Wochentage (1 = Mo … 7 = So, durch Komma getrennt)', value: '1,2,3,4,5,6' },
        { name: 'opens', label: 'Öffnet', type: 'time', value: '08:00', required: true },
        { name: 'closes', label: 'Schließt', type: 'time', value: '18:00', required: true },
        { name: 'intervalMinutes', label: 'Takt (Minuten)', type: 'number', value: 10, min: 1 },
        { name: 'capacity', label: 'Personen je Termin', type: 'number', value: 6, min: 0 },
        { name: 'skipDates', label: 'Zusätzlich auslassen (Tage JJJJ-MM-TT, durch Komma getrennt)' },
        { name: 'skipHolidays', label: 'Bundesweite Feiertage auslassen', type: 'checkbox', value: 'on' },
      ],
      'Termine anlegen',
      async (v) => {
        const created = await call<{ slots: { id: number }[] }>('POST', '/api/v1/admin/slots', {
          series: {
            centerId: Number(v.centerId),
            campaignId: Number(v.campaignId),
            dose: Number(v.dose),
            from: v.from,
            to: v.to,
            weekdays: list(v.weekdays ?? '').map(Number),
            opens: v.opens,
            closes: v.closes,
            intervalMinutes: Number(v.intervalMinutes),
            capacity: Number(v.capacity),
            ...(v.skipDates ? { skipDates: list(v.skipDates) } : {}),
            skipHolidays: v.skipHolidays === 'on',
          },
        });
        return notice('success', `${created.slots.length} Termine angelegt. Freigeben unter „Freigaben“.`);
      },
    ),
  );
}
