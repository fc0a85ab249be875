/**
 * The FHIR R4 resources of SMART Scheduling Links (specification.md of smart-on-fhir/smart-scheduling-links):
 * a Location per centre, a Schedule per centre and campaign, Slots with their capacity. Only what the
 * specification uses is typed here; every field comes from the availability view, nothing personal.
 */
import type { PublishedSchedule, SlotEntry } from '../availability/view.js';
import type { CenterRow } from '../availability/repo.js';

const REGISTRY = 'http://fhir-registry.smarthealthit.org';
export const EXTENSION = {
  bookingDeepLink: `${REGISTRY}/StructureDefinition/booking-deep-link`,
  bookingPhone: `${REGISTRY}/StructureDefinition/booking-phone`,
  slotCapacity: `${REGISTRY}/StructureDefinition/slot-capacity`,
  vaccineDose: `${REGISTRY}/StructureDefinition/vaccine-dose`,
} as const;

interface Coding {
  system: string;
  code: string;
  display: string;
}

export interface Location {
  resourceType: 'Location';
  id: string;
  identifier: { system: string; value: string }[];
  name: string;
  telecom: { system: 'phone' | 'url'; value: string }[];
  address: { text: string; line: string[]; city: string; district: string; state: string; postalCode: string; country: 'DE' };
  position: { latitude: number; longitude: number };
}

export interface Schedule {
  resourceType: 'Schedule';
  id: string;
  serviceType: { coding: Coding[]; text: string }[];
  actor: [{ reference: string }];
  extension: { url: string; valueInteger: number }[];
}

type SlotExtension = { url: string; valueUrl: string } | { url: string; valueString: string } | { url: string; valueInteger: number };

export interface Slot {
  resourceType: 'Slot';
  id: string;
  schedule: { reference: string };
  status: 'free' | 'busy';
  start: string;
  end: string;
  extension: SlotExtension[];
}

/** What the publisher adds to the view's data: where people book. */
export interface BookingWays {
  /** The installation's public address (ANSTURM_PUBLIC_URL), without a trailing slash. */
  publicUrl: string;
  /** The hotline, where agents book for callers. */
  phone: string;
}

const IMMUNIZATION: Coding = { system: 'http://terminology.hl7.org/CodeSystem/service-type', code: '57', display: 'Immunization' };
const COVID19: Coding = { system: `${REGISTRY}/CodeSystem/service-type`, code: 'covid19-immunization', display: 'COVID-19 Immunization Appointment' };
/** The specification asks COVID-19 schedules to carry its second coding; we know one by its campaign's or vaccine's name. */
const COVID_NAMES = /covid|sars-cov-2|corona/i;

/** The centre finder, where the identifier of a centre means something to a person. */
const finderUrl = (ways: BookingWays) => `${ways.publicUrl}/suche`;

/**
 * The specification requires a state: the centre's Land (its two-letter code), or the country's code
 * where staff did not give one, so that a finder filtering by region still sees the centre.
 */
export const jurisdiction = (center: CenterRow): string => center.state ?? 'DE';

export const scheduleId = (s: { campaign: { id: number }; center: { id: number } }) => `${s.campaign.id}-${s.center.id}`;

export function location(center: CenterRow, ways: BookingWays): Location {
  return {
    resourceType: 'Location',
    id: String(center.id),
    identifier: [{ system: finderUrl(ways), value: String(center.id) }],
    name: center.name,
    telecom: [
      { system: 'phone', value: ways.phone },
      { system: 'url', value: `${finderUrl(ways)}?zentrum=${center.id}` },
    ],
    address: { text: center.address, ...addressParts(center), district: center.district, state: jurisdiction(center), country: 'DE' },
    position: { latitude: center.lat, longitude: center.lon },
  };
}

/**
 * A German address as written on a letter, "Kölner Straße 22, 58332 Schwelm": its last part names the
 * postal code and the town. Written otherwise, the whole text is the line and the district the town.
 */
function addressParts(center: CenterRow): { line: string[]; city: string; postalCode: string } {
  const parts = center.address.split(',').map((p) => p.trim());
  const town = /^(\d{5})\s+(.+)$/.exec(parts[parts.length - 1] ?? '');
  if (parts.length > 1 && town) return { line: parts.slice(0, -1), city: town[2]!, postalCode: town[1]! };
  return { line: [center.address], city: center.district, postalCode: center.postal_code };
}

export function schedule(s: PublishedSchedule): Schedule {
  const covid = COVID_NAMES.test(s.campaign.name) || COVID_NAMES.test(s.campaign.vaccine.name);
  return {
    resourceType: 'Schedule',
    id: scheduleId(s),
    serviceType: [{ coding: covid ? [IMMUNIZATION, COVID19] : [IMMUNIZATION], text: `${s.campaign.name} (${s.campaign.vaccine.name})` }],
    actor: [{ reference: `Location/${s.center.id}` }],
    // A published slot is a first-dose appointment; where a second dose is needed it is booked with it,
    // never on its own, so the schedule does not claim second-dose appointments.
    extension: [{ url: EXTENSION.vaccineDose, valueInteger: 1 }],
  };
}

/**
 * One slot as up to two lines: its free units and its busy ones, each with the capacity extension
 * (the specification's way to aggregate otherwise identical slots). Busy counts what the public
 * cannot take: booked, held, kept for the hotline or the wait list, or without a second dose.
 */
export function slots(s: PublishedSchedule, slot: SlotEntry, ways: BookingWays): Slot[] {
  const start = new Date(slot.startsAt);
  const line = (id: string, status: Slot['status'], extension: SlotExtension[]): Slot => ({
    resourceType: 'Slot',
    id,
    schedule: { reference: `Schedule/${scheduleId(s)}` },
    status,
    start: start.toISOString(),
    end: new Date(start.getTime() + slot.durationMinutes * 60_000).toISOString(),
    extension,
  });
  const lines: Slot[] = [];
  if (slot.free > 0) {
    const link = `${finderUrl(ways)}?kampagne=${s.campaign.id}&zentrum=${s.center.id}&tag=${slot.day}&termin=${slot.id}`;
    lines.push(
      line(`${slot.id}-free`, 'free', [
        { url: EXTENSION.bookingDeepLink, valueUrl: link },
        { url: EXTENSION.bookingPhone, valueString: ways.phone },
        { url: EXTENSION.slotCapacity, valueInteger: slot.free },
      ]),
    );
  }
  const busy = slot.capacity - slot.free;
  if (busy > 0) lines.push(line(`${slot.id}-busy`, 'busy', [{ url: EXTENSION.slotCapacity, valueInteger: busy }]));
  return lines;
}
