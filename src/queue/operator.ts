import type { Db } from '../db/pool.js';
import { run, tx } from '../db/pool.js';
import { fail } from '../errors.js';
import type { Actor } from '../staff/auth.js';
import { audit } from '../staff/audit.js';
import * as sql from './repo.js';
import { retireKey, rotateKey, type KeyRing } from './signing.js';
import type { QueueView } from './view.js';

export type RoomState = sql.RoomRow['state'];

/**
 * What operators do to waiting rooms and signing keys, each in one audited transaction; this node's
 * memory of the rooms and keys is refreshed at once afterwards (other nodes within a refresh).
 */
export function queueOperator(db: Db, view: QueueView, keys: KeyRing) {
  return {
    /** Moves a room from one of `from` to `to` (pause, resume, close), or refuses with STATE_CONFLICT. */
    async transition(by: Actor, releaseId: number, action: string, from: RoomState[], to: RoomState) {
      const state = await tx(db, async (q) => {
        const room = (await run<sql.RoomRow>(q, sql.room(releaseId))).rows[0] ?? fail('QUEUE_NOT_FOUND');
        const res = await run<{ state: string }>(q, sql.operatorTransition(releaseId, from, to));
        if (res.rowCount === 0) fail('STATE_CONFLICT', `The waiting room is ${room.state}; it cannot be set to ${to} from there.`);
        await audit(q, by, `waiting room: ${action}`, { target: { releaseId }, before: { state: room.state }, after: { state: res.rows[0]!.state } });
        return res.rows[0]!.state;
      });
      await view.refresh();
      return { releaseId, state };
    },

    /** Changes a room's targets live; the audit log keeps what each named setting was and became. */
    async updateSettings(by: Actor, releaseId: number, change: sql.RoomSettings) {
      const after = await tx(db, async (q) => {
        const before = (await run<sql.RoomRow>(q, sql.room(releaseId))).rows[0] ?? fail('QUEUE_NOT_FOUND');
        await run(q, sql.updateRoomSettings(releaseId, change));
        const changed = (await run<sql.RoomRow>(q, sql.room(releaseId))).rows[0]!;
        const column = (k: string) => k.replace(/[A-Z]/g, (c) => `_${c.toLowerCase()}`);
        const settings = (r: sql.RoomRow) => Object.fromEntries(Object.keys(change).map((k) => [k, (r as unknown as Record<string, unknown>)[column(k)]]));
        await audit(q, by, 'waiting room: settings', { target: { releaseId }, before: settings(before), after: settings(changed) });
        return changed;
      });
      await view.refresh();
      return after;
    },

    /** A new key signs from now on; older keys still verify until retired. */
    async rotateKey(by: Actor) {
      const kid = await tx(db, async (q) => {
        const created = (await rotateKey(q)).rows[0]!.kid;
        await audit(q, by, 'rotate signing key', { after: { kid: created } });
        return created;
      });
      await keys.load();
      return { kid };
    },

    /** Tickets and tokens the key signed stop verifying; the last live key cannot be retired. */
    async retireKey(by: Actor, kid: number) {
      await tx(db, async (q) => {
        const res = await retireKey(q, kid);
        if (res.rowCount === 0) fail('NOT_FOUND', 'No such live key, or it is the last one.');
        await audit(q, by, 'retire signing key', { target: { kid } });
      });
      await keys.load();
      return { kid, retired: true };
    },
  };
}
