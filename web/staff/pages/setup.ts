import { t } from '../i18n.js';
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
        [t('Nr.'), t('Name'), t('Adresse'), 'PLZ', t('Kreis')],
        (await loadCenters()).map((c) => [c.id, c.name, c.address, c.postalCode, c.district]),
        t('Impfzentren'),
      ),
    );
  fill(
    main,
    h('h1', { tabindex: -1 }, t('Impfzentren')),
    form(
      t('Neues Impfzentrum'),
      [
        { name: 'name', label: t('Name'), required: true },
        { name: 'address', label: t('Adresse (Straße, PLZ Ort)'), required: true },
        { name: 'postalCode', label: t('Postleitzahl'), required: true },
        { name: 'district', label: t('Kreis / kreisfreie Stadt'), required: true },
        { name: 'lat', label: t('Breitengrad'), type: 'number', step: 'any', required: true },
        { name: 'lon', label: t('Längengrad'), type: 'number', step: 'any', required: true },
        {
          name: 'state',
          label: t('Bundesland (seine Feiertage fallen aus den Terminserien)'),
          options: [['', t('nicht angegeben (nur bundesweite Feiertage)')], ...LAENDER],
        },
      ],
      t('Anlegen'),
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
        return t('Impfzentrum Nr. {id} angelegt.', { id: created.id });
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
        [t('Nr.'), t('Name'), t('Impfstoff'), t('Alter'), t('Kreise'), t('Gruppen')],
        (await loadCampaigns()).map((c) => [
          c.id,
          c.name,
          c.vaccine.doses === 2
            ? t('{vaccine} (2 Dosen, {min}–{max} Tage)', { vaccine: c.vaccine.name, min: c.vaccine.minIntervalDays, max: c.vaccine.maxIntervalDays })
            : t('{vaccine} (1 Dosis)', { vaccine: c.vaccine.name }),
          [c.eligibility.minAge ?? '', c.eligibility.maxAge ?? ''].join('–'),
          c.eligibility.districts?.join(', ') ?? t('alle'),
          c.eligibility.priorityGroups?.join(', ') ?? t('alle'),
        ]),
        t('Kampagnen'),
      ),
    );
  fill(
    main,
    h('h1', { tabindex: -1 }, t('Kampagnen und Regeln')),
    form(
      t('Neue Kampagne'),
      [
        { name: 'name', label: t('Name'), required: true },
        { name: 'vaccine', label: t('Impfstoff'), required: true },
        {
          name: 'doses',
          label: t('Dosen'),
          options: [
            ['2', t('2 Dosen')],
            ['1', t('1 Dosis')],
          ],
        },
        { name: 'minIntervalDays', label: t('Abstand mindestens (Tage)'), type: 'number', value: 21, min: 1 },
        { name: 'maxIntervalDays', label: t('Abstand höchstens (Tage)'), type: 'number', value: 42, min: 1 },
        { name: 'minAge', label: t('Mindestalter (am Impftag)'), type: 'number', min: 0 },
        { name: 'maxAge', label: t('Höchstalter'), type: 'number', min: 0 },
        { name: 'districts', label: t('Nur für Kreise (durch Komma getrennt, leer = alle)') },
        { name: 'priorityGroups', label: t('Nur für Gruppen (durch Komma getrennt, leer = alle)') },
        { name: 'requireVerifiedContact', label: t('Bestätigte Handynummer oder E-Mail nötig'), type: 'checkbox' },
      ],
      t('Anlegen'),
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
        return t('Kampagne Nr. {id} angelegt.', { id: created.id });
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
    fill(main, h('h1', {}, t('Terminserien')), problem(err));
    return;
  }
  const today = new Date().toISOString().slice(0, 10);
  fill(
    main,
    h('h1', { tabindex: -1 }, t('Terminserien')),
    h(
      'p',
      {},
      t(
        'Eine Serie legt Termine für jeden gewählten Wochentag zwischen zwei Tagen an: Öffnungszeit × Takt × Kapazität. Bundesweite Feiertage werden übersprungen; Landesfeiertage als zusätzliche Tage angeben.',
      ),
    ),
    form(
      t('Neue Terminserie'),
      [
        { name: 'centerId', label: t('Impfzentrum'), options: centers.map((c) => [String(c.id), c.name]) },
        { name: 'campaignId', label: t('Kampagne'), options: campaigns.map((c) => [String(c.id), c.name]) },
        {
          name: 'dose',
          label: t('Dosis'),
          options: [
            ['1', t('1. Impfung')],
            ['2', t('2. Impfung')],
          ],
        },
        { name: 'from', label: t('Von (Tag)'), type: 'date', value: today, required: true },
        { name: 'to', label: t('Bis (Tag)'), type: 'date', value: today, required: true },
        { name: 'weekdays', label: t('Wochentage (1 = Mo … 7 = So, durch Komma getrennt)'), value: '1,2,3,4,5,6' },
        { name: 'opens', label: t('Öffnet'), type: 'time', value: '08:00', required: true },
        { name: 'closes', label: t('Schließt'), type: 'time', value: '18:00', required: true },
        { name: 'intervalMinutes', label: t('Takt (Minuten)'), type: 'number', value: 10, min: 1 },
        { name: 'capacity', label: t('Personen je Termin'), type: 'number', value: 6, min: 0 },
        { name: 'skipDates', label: t('Zusätzlich auslassen (Tage JJJJ-MM-TT, durch Komma getrennt)') },
        { name: 'skipHolidays', label: t('Bundesweite Feiertage auslassen'), type: 'checkbox', value: 'on' },
      ],
      t('Termine anlegen'),
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
        return notice('success', t('{count} Termine angelegt. Freigeben unter „Freigaben“.', { count: created.slots.length }));
      },
    ),
  );
}
