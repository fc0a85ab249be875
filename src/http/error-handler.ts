import type { FastifyError, FastifyInstance } from 'fastify';
import { isDatabaseUnavailable, isPoolTimeout, PG, pgCode, pgConstraint } from '../db/pool.js';
import { AppError, errorStatus, isErrorCode, type ErrorCode } from '../errors.js';

/** How long a client should wait before retrying when this node sheds load. */
const RETRY_AFTER_SECONDS = 2;

/**
 * The constraints a race between two requests can hit, and what the loser is told. The database
 * decides who wins; the use cases check first and say the same, so these answer only the request
 * that lost in the instant between another's check and its commit.
 */
const CONSTRAINT_CODES: Record<string, ErrorCode> = {
  slot_not_overbooked: 'SLOT_FULL',
  one_live_hold_per_admission: 'ADMISSION_IN_USE',
  one_active_booking_per_person: 'ALREADY_BOOKED',
  bookings_hold_id_key: 'HOLD_ALREADY_USED',
  one_waitlist_entry_per_person: 'ALREADY_ON_WAITLIST',
  queue_one_place_per_person: 'DUPLICATE_PLACE',
  queue_tickets_challenge_id_key: 'CHALLENGE_USED',
  staff_username: 'USERNAME_TAKEN',
  attendance_pkey: 'ALREADY_RECORDED',
};

/** Unique, check and exclusion violations, and a deadlock or serialization failure that outlived its retries. */
const RACE_CODES = new Set<string>([
  PG.uniqueViolation,
  PG.checkViolation,
  PG.exclusionViolation,
  PG.deadlockDetected,
  PG.serializationFailure,
  PG.lockNotAvailable,
]);

/** Fastify's own request errors, named in our vocabulary. */
const FASTIFY_CODES: Record<string, ErrorCode> = {
  FST_ERR_CTP_INVALID_JSON_BODY: 'INVALID_JSON',
  FST_ERR_CTP_EMPTY_JSON_BODY: 'INVALID_JSON',
  FST_ERR_CTP_BODY_TOO_LARGE: 'PAYLOAD_TOO_LARGE',
  FST_ERR_CTP_INVALID_MEDIA_TYPE: 'UNSUPPORTED_MEDIA_TYPE',
  FST_ERR_CTP_INVALID_CONTENT_LENGTH: 'VALIDATION_FAILED',
};

/** The one place where errors become HTTP replies: `{ code, message, ...details }`. */
export function registerErrorHandling(app: FastifyInstance): void {
  app.setErrorHandler((error: FastifyError, request, reply) => {
    if (error instanceof AppError) {
      // A lockout says when it ends, as any 429 should.
      if (typeof error.details?.retryAfterSeconds === 'number') reply.header('retry-after', String(error.details.retryAfterSeconds));
      return reply.status(error.status).send({ code: error.code, message: error.message, ...error.details });
    }
    if (error.validation) {
      return reply.status(400).send({ code: 'VALIDATION_FAILED', message: error.message });
    }
    const mapped = error.code ? FASTIFY_CODES[error.code] : undefined;
    if (mapped) {
      const known = new AppError(mapped, mapped === 'INVALID_JSON' ? undefined : error.message);
      return reply.status(known.status).send({ code: known.code, message: known.message });
    }
    if (isErrorCode(error.code)) {
      // Plugins that speak our vocabulary (the join rate limit) keep their code and message.
      return reply.status(errorStatus(error.code)).send({ code: error.code, message: error.message });
    }
    // Shed, not failed: every database connection stayed busy (rather than queue forever), or
    // PostgreSQL is stopped, restarting or out of reach. Nothing was committed for this request
    // (or, if the connection broke during COMMIT, a retry with its Idempotency-Key finds the answer).
    const shed = isPoolTimeout(error) ? new AppError('OVERLOADED') : isDatabaseUnavailable(error) ? new AppError('UNAVAILABLE') : undefined;
    if (shed) {
      return reply.status(shed.status).header('retry-after', String(RETRY_AFTER_SECONDS)).send({ code: shed.code, message: shed.message });
    }
    const sqlState = pgCode(error);
    if (sqlState !== undefined && RACE_CODES.has(sqlState)) {
      // Lost a race another request won a moment earlier: a clear 409, never a 500.
      const known = CONSTRAINT_CODES[pgConstraint(error) ?? ''];
      if (!known) request.log.warn({ err: error }, 'a race ended in a constraint violation without its own code');
      const refusal = new AppError(known ?? 'CONFLICT');
      return reply.status(refusal.status).send({ code: refusal.code, message: refusal.message });
    }
    if (sqlState?.startsWith('22')) {
      // A data exception (class 22): a value PostgreSQL cannot store or compare, that the schemas let
      // through. The request is wrong, not the server; the transaction was rolled back whole.
      request.log.warn({ err: error }, 'data exception from PostgreSQL; the input schemas should have caught it');
      return reply.status(400).send({ code: 'VALIDATION_FAILED', message: 'A value in the request is out of range or not valid.' });
    }
    if (typeof error.statusCode === 'number' && error.statusCode >= 400 && error.statusCode < 500) {
      return reply.status(error.statusCode).send({ code: 'BAD_REQUEST', message: error.message });
    }
    request.log.error({ err: error }, 'unhandled error');
    return reply.status(500).send({ code: 'INTERNAL', message: 'Something went wrong on our side.' });
  });

  app.setNotFoundHandler((request, reply) =>
    reply.status(404).send({ code: 'NOT_FOUND', message: `No route for ${request.method} ${request.url.split('?')[0]}.` }),
  );
}
