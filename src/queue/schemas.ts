import { Type, type Static, type TSchema } from '@sinclair/typebox';
import { Id } from '../http/schemas.js';

/** The waiting room's public answers. Imports only TypeBox: the web app takes its types from here. */

/**
 * `t` or null, written as OpenAPI 3.0's `nullable`: fast-json-stringify writes it with a check for null, where a
 * union (anyOf) would try each branch with a schema validator on every answer, a whole object's for eta and admission.
 */
const Nullable = <T extends TSchema>(t: T) => Type.Unsafe<Static<T> | null>({ ...t, nullable: true });

export const Room = Type.Object({
  releaseId: Id,
  campaignId: Id,
  state: Type.String(),
  opensAt: Type.String(),
  prequeueOpensAt: Type.String(),
  seedHash: Type.String(),
  seed: Nullable(Type.String()),
  waiting: Type.Integer(),
  prequeue: Type.Integer(),
  admittedTotal: Type.Integer(),
  admissionsPerSecond: Type.Number(),
  abandoned: Type.Integer(),
  remainingFirstDoses: Type.Integer(),
  difficulty: Type.Integer(),
});

/** The status poll is the hottest answer of all: a schema lets Fastify serialise it with a compiled function. */
export const Status = Type.Object({
  ticketId: Type.String(),
  releaseId: Id,
  state: Type.String({ description: 'prequeue, waiting, admitted, used, skipped, lapsed, dropped or left' }),
  room: Room,
  position: Nullable(Type.Integer()),
  ahead: Nullable(Type.Integer()),
  remainingFirstDoses: Type.Integer(),
  outlook: Type.String({ description: 'likely, unlikely or sold_out' }),
  eta: Nullable(Type.Object({ minSeconds: Nullable(Type.Integer()), maxSeconds: Nullable(Type.Integer()) })),
  draw: Nullable(
    Type.Object({
      ticketId: Type.String(),
      hmac: Type.String(),
      rank: Type.Integer({ description: 'Your place in the drawn pre-queue: 1 is the lowest draw' }),
    }),
  ),
  admission: Nullable(Type.Object({ token: Type.String(), expiresAt: Type.String() })),
  soldOut: Nullable(
    Type.Object({
      nextRelease: Nullable(Type.Object({ id: Id, opensAt: Type.String() })),
      centersWithCapacity: Type.Array(Type.Object({ id: Id, name: Type.String(), postalCode: Type.String(), freeFirstDoses: Type.Integer() })),
      waitlist: Type.Object({ campaignId: Id, join: Type.String() }),
    }),
  ),
  pollAfterMs: Type.Integer(),
});

export type RoomShape = Static<typeof Room>;
export type StatusShape = Static<typeof Status>;
