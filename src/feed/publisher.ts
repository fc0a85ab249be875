import { createHash } from 'node:crypto';
import { gzipSync } from 'node:zlib';
import type { AvailabilityView } from '../availability/view.js';
import type { Clock } from '../time/clock.js';
import type { DataLicence } from '../config.js';
import { OPEN_DATA_TERMS } from './terms.js';
import * as fhir from './fhir.js';

/** The feed is rebuilt at most this often, however often it is asked for. */
export const REBUILD_MS = 1_000;
const COMPRESS_FROM_BYTES = 1_024;

/** A body served from memory with its validators. */
export interface Published {
  /** Encoded once per build: a 3 MB string would be encoded again for every request. */
  body: Buffer;
  /** Names the content (SHA-1 of the bytes): the same on every node that has the same data. */
  digest: string;
  /** When this file's content last changed, by the database's clock. */
  lastModified: number;
  /** Compressed when first asked for so; kept while the content stays the same. */
  gzip?: Buffer;
}

export interface FeedFile extends Published {
  name: string;
  type: 'Location' | 'Schedule' | 'Slot';
  /** The Länder whose data the file holds (a hint for clients that serve one region). */
  states?: string[];
}

export interface Feed {
  /** The view's snapshot this was built from. */
  basis: number;
  builtAt: number;
  manifest: Published;
  files: Map<string, FeedFile>;
}

export interface FeedOptions extends fhir.BookingWays {
  licence: DataLicence;
}

/**
 * The SMART Scheduling Links feed (`/fhir/$bulk-publish`), built from the node's availability view and
 * served from memory: no query per request, and at most one rebuild a second. Every node builds the
 * same bytes from the same data, so ETags agree across nodes and a CDN can carry the feed.
 */
export class FeedPublisher {
  private feed: Feed | undefined;

  constructor(
    private readonly view: AvailabilityView,
    private readonly clock: Clock,
    private readonly options: FeedOptions,
  ) {}

  current(): Feed {
    const now = this.clock.now();
    const feed = this.feed;
    if (feed && (feed.basis === this.view.loadedAt || now - feed.builtAt < REBUILD_MS)) return feed;
    return (this.feed = this.build(now, feed));
  }

  /** The compressed body of a file of the current feed (made once per version of the file). */
  static gzipped(file: Published): Buffer | undefined {
    if (file.body.length < COMPRESS_FROM_BYTES) return undefined;
    return (file.gzip ??= gzipSync(file.body, { level: 6 }));
  }

  private build(now: number, previous: Feed | undefined): Feed {
    const asOf = this.view.asOf;
    const schedules = this.view.published();
    const ways = this.options;
    const ndjson = (resources: object[]) => resources.map((r) => JSON.stringify(r) + '\n').join('');
    // A file whose bytes did not change keeps its Last-Modified (and its compressed copy).
    const file = (name: string, type: FeedFile['type'], text: string, states?: string[]): FeedFile => {
      const body = Buffer.from(text);
      const digest = digestOf(body);
      const before = previous?.files.get(name);
      if (before && before.digest === digest) return before;
      return { name, type, body, digest, lastModified: asOf, ...(states ? { states } : {}) };
    };

    const centers = new Map(schedules.map((s) => [s.center.id, s.center]));
    const files: FeedFile[] = [
      file('locations.ndjson', 'Location', ndjson([...centers.values()].sort((a, b) => a.id - b.id).map((c) => fhir.location(c, ways)))),
      file('schedules.ndjson', 'Schedule', ndjson(schedules.map(fhir.schedule))),
    ];
    // One slot file per Land and week: a finder that serves one region reads only its own, and a rush on
    // the next days changes one or two files while the others keep their ETag (and answer 304).
    const slotFiles = new Map<string, { land: string; lines: fhir.Slot[] }>();
    for (const s of schedules) {
      const land = fhir.jurisdiction(s.center);
      for (const slot of s.slots) {
        const name = `slots-${land.toLowerCase()}-week-${mondayOf(slot.day)}.ndjson`;
        let f = slotFiles.get(name);
        if (!f) slotFiles.set(name, (f = { land, lines: [] }));
        f.lines.push(...fhir.slots(s, slot, ways));
      }
    }
    for (const [name, f] of [...slotFiles].sort(([a], [b]) => a.localeCompare(b))) files.push(file(name, 'Slot', ndjson(f.lines), [f.land]));

    const url = (name: string) => `${ways.publicUrl}/fhir/${name}`;
    const manifest = Buffer.from(
      JSON.stringify({
        transactionTime: new Date(asOf).toISOString(),
        request: url('$bulk-publish'),
        output: files.map((f) => ({ type: f.type, url: url(f.name), ...(f.states ? { extension: { state: f.states } } : {}) })),
        error: [],
        // The bulk data manifest keeps `extension` free for the publisher's own information.
        extension: {
          license: this.options.licence.id,
          licenseUrl: this.options.licence.url,
          attribution: this.options.licence.attribution,
          terms: OPEN_DATA_TERMS,
        },
      }),
    );
    return {
      basis: this.view.loadedAt,
      builtAt: now,
      manifest: { body: manifest, digest: digestOf(manifest), lastModified: asOf },
      files: new Map(files.map((f) => [f.name, f])),
    };
  }
}

const digestOf = (body: Buffer): string => createHash('sha1').update(body).digest('base64url');

/** The Monday of a calendar day's week (both YYYY-MM-DD). */
const mondayOf = (day: string): string => {
  const date = new Date(`${day}T00:00:00Z`);
  date.setUTCDate(date.getUTCDate() - ((date.getUTCDay() + 6) % 7));
  return date.toISOString().slice(0, 10);
};
