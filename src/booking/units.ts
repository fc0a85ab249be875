import type pg from 'pg';
import { PG, pgCode, pgConstraint, renumbered, run, type Sql } from '../db/pool.js';
import { AppError } from '../errors.js';
import * as sql from './repo.js';

/**
 * Taking capacity for many requests at once: one statement locks the first-dose slots, decides each
 * request in arrival order and takes all units of a slot by one UPDATE; second doses are then found,
 * locked and taken for the whole batch together. A request that is refused keeps nothing. The locks
 * are held to COMMIT, so the fewer round trips after the first one, the sooner the next batch on the
 * same slots may go (a round trip through a busy node is slow).
 */

export interface UnitRequest {
  slotId: number;
  /** The release an admission token lets this request into (public way only). */
  admittedRelease: number | null;
  /** The admission's ticket, locked by the caller: refused with ADMISSION_IN_USE if it holds a unit already. */
  ticketId?: string | null;
}

export interface TakenUnits {
  first: sql.TakenFirstUnit;
  second: sql.SlotRow | null;
}

/** What a request was granted, by id, before the second-dose slots' rows come back. */
export interface Granted {
  first: sql.TakenFirstUnit;
  secondSlotId: number | null;
}

/**
 * A statement that depends only on what each request was granted (the holds to write): sent with the last
 * second doses taken, in the same round trip, so the batch holds its slots' rows one round trip less.
 * Its returned rows come back as `after`; null when it was not sent that way (the caller sends its own).
 */
export type AndThen = (granted: (Granted | AppError)[]) => Sql | null;

export interface TakenMany {
  results: (TakenUnits | AppError)[];
  after: Record<string, unknown>[] | null;
}

export async function takeUnitsMany(q: pg.ClientBase, way: sql.Way, requests: UnitRequest[], andThen?: AndThen): Promise<TakenMany> {
  try {
    return await decideAndTake(q, way, requests, andThen);
  } catch (err) {
    // The conditional UPDATEs never let `taken` pass `capacity`; should one ever try, the
    // CHECK stops it and the person hears what it means.
    if (pgCode(err) === PG.checkViolation && pgConstraint(err) === 'slot_not_overbooked') throw new AppError('SLOT_FULL');
    throw err;
  }
}

async function decideAndTake(q: pg.ClientBase, way: sql.Way, requests: UnitRequest[], andThen?: AndThen): Promise<TakenMany> {
  const rows = (
    await run<sql.FirstDoseOutcome>(
      q,
      sql.takeFirstDoses(
        way,
        requests.map((r) => r.slotId),
        requests.map((r) => r.admittedRelease),
        requests.map((r) => r.ticketId ?? null),
      ),
    )
  ).rows;
  if (rows[0] && rows[0].took !== new Set(rows.filter((r) => r.refusal === null).map((r) => r.id)).size) {
    throw new Error('a locked slot refused the units decided for it');
  }
  const results: (TakenUnits | AppError)[] = rows.map((row) => (row.refusal ? refusal(row) : { first: row as sql.TakenFirstUnit, second: null }));
  if (!rows.some((r) => r.refusal === null)) return { results, after: null };

  const pairing = results.flatMap((r, i) => (r instanceof AppError || r.first.doses !== 2 ? [] : [i]));
  if (pairing.length === 0) return { results, after: null };
  // Once every first dose has its second, the caller's statement goes with the last of them.
  const complete = andThen
    ? (secondIds: number[]) => {
        const second = new Map(pairing.map((i, k) => [i, secondIds[k]!]));
        return andThen(results.map((r, i) => (r instanceof AppError ? r : { first: r.first, secondSlotId: second.get(i) ?? null })));
      }
    : undefined;
  const { found: seconds, after } = await takeSecondDoses(
    q,
    pairing.map((i) => (results[i] as TakenUnits).first),
    rows[0]!.second_doses ?? [],
    complete,
  );
  const giveBack: number[] = [];
  pairing.forEach((i, k) => {
    const taken = results[i] as TakenUnits;
    const second = seconds[k]!;
    if (second) taken.second = second;
    else {
      giveBack.push(taken.first.id);
      results[i] = new AppError('NO_SECOND_DOSE_SLOT', undefined, {
        minIntervalDays: taken.first.min_interval_days,
        maxIntervalDays: taken.first.max_interval_days,
      });
    }
  });
  if (giveBack.length > 0) await run(q, sql.giveBackUnits(giveBack));
  return { results, after };
}

/** One request, inside the caller's transaction: throws the refusal. */
export async function takeUnits(q: pg.ClientBase, way: sql.Way, slotId: number, admittedRelease: number | null = null): Promise<TakenUnits> {
  const [result] = (await takeUnitsMany(q, way, [{ slotId, admittedRelease }])).results;
  if (result instanceof AppError) throw result;
  return result!;
}

/** A refusal the statement decided, told with what the person needs to know. */
function refusal(row: sql.FirstDoseOutcome): AppError {
  switch (row.refusal) {
    case 'WRONG_DOSE':
      return new AppError('WRONG_DOSE', 'Choose a first-dose appointment; the second one is found for you.');
    case 'NOT_RELEASED':
      return new AppError('NOT_RELEASED', undefined, row.opens_at ? { opensAt: row.opens_at.toISOString() } : undefined);
    case 'ADMISSION_REQUIRED':
      return new AppError('ADMISSION_REQUIRED', undefined, { releaseId: row.release_id });
    case 'ADMISSION_INVALID':
      return new AppError('ADMISSION_INVALID', 'This admission is for another release.', { releaseId: row.release_id });
    default:
      return new AppError(row.refusal!);
  }
}

const MAX_ROUNDS = 20;

/**
 * Second doses for many first doses: the earliest free slots in each one's window, taken together.
 * First doses of the same slot share one need. The first look's candidates, found and locked in id order
 * with the first doses (`firstLook`), are shared out (earlier requests first) and taken in one UPDATE; a
 * need left short looks again past the slots that filled (found and locked by one statement), and gives up
 * only when no candidate is left. Returns null where none was found.
 */
async function takeSecondDoses(
  q: pg.ClientBase,
  firsts: sql.TakenFirstUnit[],
  firstLook: sql.SecondDoseCandidate[],
  complete?: (secondIds: number[]) => Sql | null,
): Promise<{ found: (sql.SlotRow | null)[]; after: Record<string, unknown>[] | null }> {
  const needs = new Map<number, sql.SecondDoseNeed & { owners: number[] }>();
  firsts.forEach((f, i) => {
    const need = needs.get(f.id) ?? {
      firstSlotId: f.id,
      centerId: f.center_id,
      campaignId: f.campaign_id,
      firstAt: f.starts_at,
      minDays: f.min_interval_days!,
      maxDays: f.max_interval_days!,
      need: 0,
      owners: [],
    };
    needs.set(f.id, need);
    need.need++;
    need.owners.push(i);
  });
  const order = new Map([...needs.keys()].map((firstSlotId, i) => [firstSlotId, i]));
  const found: (sql.SlotRow | null)[] = firsts.map(() => null);
  let after: Record<string, unknown>[] | null = null;
  const exhausted: number[] = [];
  let open = [...needs.values()];
  let candidates = firstLook;
  /** Whether a later look passed over a candidate another transaction held (lockSecondDoseCandidates). */
  let passedOver = false;
  for (let round = 0; round < MAX_ROUNDS && open.length > 0; round++) {
    if (round > 0) {
      const rows = (await run<sql.LaterSecondDoseCandidate>(q, sql.lockSecondDoseCandidates(open, exhausted))).rows;
      const held = rows.filter((c) => c.free === null);
      passedOver ||= held.length > 0;
      exhausted.push(...held.map((c) => c.id));
      candidates = rows.filter((c): c is sql.SecondDoseCandidate => c.free !== null);
    }
    if (candidates.length === 0) break;
    // Earlier requests' needs first, each need's candidates earliest first (a stable sort keeps their order).
    candidates = [...candidates].sort((a, b) => order.get(a.need)! - order.get(b.need)!);
    const ids = [...new Set(candidates.map((c) => c.id))];
    const free = new Map(candidates.map((c) => [c.id, c.free]));
    const shares = new Map<number, number>();
    const assigned: { need: sql.SecondDoseNeed & { owners: number[] }; slotId: number }[] = [];
    for (const c of candidates) {
      const need = needs.get(c.need)!;
      while (need.need > 0 && (free.get(c.id) ?? 0) > 0) {
        free.set(c.id, free.get(c.id)! - 1);
        shares.set(c.id, (shares.get(c.id) ?? 0) + 1);
        need.need--;
        assigned.push({ need, slotId: c.id });
      }
    }
    if (shares.size > 0) {
      const take = sql.takeUnitsOf([...shares.keys()], [...shares.values()]);
      // Every need met: each first dose's second is known by id now, and the caller's statement can go with this one.
      const last = complete && [...needs.values()].every((n) => n.need === 0) ? complete(secondIdsOf(found, assigned)) : null;
      const rows = (await run<sql.SlotRow & { after?: Record<string, unknown>[] | null }>(q, last ? withAfter(take, last) : take)).rows;
      if (rows.length !== shares.size) throw new Error('a locked second-dose slot refused the units shared out of it');
      if (last) after = rows[0]!.after ?? [];
      const taken = new Map(rows.map((r) => [r.id, r]));
      for (const a of assigned) found[a.need.owners.shift()!] = taken.get(a.slotId)!;
    }
    exhausted.push(...ids.filter((id) => (free.get(id) ?? 0) === 0));
    // A need that saw no candidate at all has none left; one that was short looks again.
    const seen = new Set(candidates.map((c) => c.need));
    open = open.filter((n) => n.need > 0 && seen.has(n.firstSlotId));
  }
  // A slot passed over may have had a unit for a request left without one: that is not "none left". The whole
  // batch runs again (tx() retries it), and its first look then locks in order and waits where it must.
  if (passedOver && found.includes(null)) throw Object.assign(new Error('a second-dose slot was held by another transaction'), { code: PG.lockNotAvailable });
  return { found, after };
}

/** Each first dose's second-dose slot id: those found in earlier rounds, and this round's shares in the order they are handed out. */
function secondIdsOf(found: (sql.SlotRow | null)[], assigned: { need: { owners: number[] }; slotId: number }[]): number[] {
  const ids = found.map((f) => f?.id ?? 0);
  const next = new Map<{ owners: number[] }, number>();
  for (const a of assigned) {
    const k = next.get(a.need) ?? 0;
    next.set(a.need, k + 1);
    ids[a.need.owners[k]!] = a.slotId;
  }
  return ids;
}

/** `take` (an UPDATE … RETURNING) and `then` in one statement: take's rows, each with then's rows as `after`. */
function withAfter(take: Sql, then: Sql): Sql {
  return {
    text: `WITH taken AS (${take.text}), after_taken AS (${renumbered(then, take.values.length)})
           SELECT taken.*, (SELECT json_agg(after_taken) FROM after_taken) AS after FROM taken`,
    values: [...take.values, ...then.values],
  };
}
