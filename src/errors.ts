/**
 * Every error a client can see, in one place: a stable code, an HTTP status and a
 * default human message. Domain code throws these; only error-handler.ts turns them
 * into replies.
 */
const REGISTRY = {
  VALIDATION_FAILED: { status: 400, message: 'The request is not valid.' },
  INVALID_JSON: { status: 400, message: 'The request body is not valid JSON.' },
  INVALID_DATE: { status: 400, message: 'A date is not a real calendar date.' },
  UNKNOWN_POSTAL_CODE: { status: 400, message: 'This postal code is not known.' },
  UNAUTHORIZED: { status: 401, message: 'Authentication is required.' },
  FORBIDDEN: { status: 403, message: 'You may not do this.' },
  NOT_FOUND: { status: 404, message: 'Not found.' },
  SLOT_NOT_FOUND: { status: 404, message: 'This appointment slot does not exist.' },
  HOLD_NOT_FOUND: { status: 404, message: 'This reservation does not exist.' },
  BOOKING_NOT_FOUND: { status: 404, message: 'No booking matches this code and date of birth.' },
  CENTER_NOT_FOUND: { status: 404, message: 'This vaccination centre does not exist.' },
  CAMPAIGN_NOT_FOUND: { status: 404, message: 'This campaign does not exist.' },
  METHOD_NOT_ALLOWED: { status: 405, message: 'This method is not allowed here.' },
  SLOT_FULL: { status: 409, message: 'This appointment is no longer free.' },
  NOT_RELEASED: { status: 409, message: 'These appointments are not open for booking yet.' },
  NO_SECOND_DOSE_SLOT: {
    status: 409,
    message: 'There is no free second-dose appointment at this centre in the required interval.',
  },
  ALREADY_BOOKED: { status: 409, message: 'This person already has a booking in this campaign.' },
  ALREADY_CANCELLED: { status: 409, message: 'This booking has already been cancelled.' },
  HOLD_ALREADY_USED: { status: 409, message: 'This reservation has already been used for a booking.' },
  SLOT_ALREADY_RELEASED: { status: 409, message: 'A slot is already part of another release.' },
  SLOT_IN_PAST: { status: 409, message: 'This appointment has already begun.' },
  WRONG_DOSE: { status: 409, message: 'This slot is for a different dose.' },
  CAMPAIGN_MISMATCH: { status: 409, message: 'The slot belongs to a different campaign.' },
  CHALLENGE_INVALID: { status: 400, message: 'The join challenge is not valid or has expired; fetch a new one.' },
  CHALLENGE_UNSOLVED: { status: 400, message: 'The nonce does not solve the join challenge.' },
  TICKET_INVALID: { status: 403, message: 'This queue ticket is not valid.' },
  ADMISSION_REQUIRED: { status: 403, message: 'This release is booked through its waiting room: join the line first.' },
  ADMISSION_INVALID: { status: 403, message: 'This admission token is not valid.' },
  ADMISSION_EXPIRED: { status: 403, message: 'Your admission has expired.' },
  ADMISSION_OTHER_PERSON: {
    status: 403,
    message: 'This place in line belongs to another person: the appointment can be booked only for the person entered while waiting.',
  },
  ADMISSION_USED: { status: 403, message: 'This admission has already been used for a booking.' },
  QUEUE_NOT_FOUND: { status: 404, message: 'There is no waiting room for this release.' },
  RESUME_CODE_UNKNOWN: { status: 404, message: 'No place in line matches this code.' },
  QUEUE_NOT_OPEN: { status: 409, message: 'The waiting room does not take people yet.' },
  QUEUE_CLOSED: { status: 409, message: 'This waiting room is closed.' },
  SOLD_OUT: { status: 409, message: 'All appointments of this release are taken.' },
  CHALLENGE_USED: { status: 409, message: 'This challenge was already used to join; fetch a new one.' },
  ADMISSION_IN_USE: { status: 409, message: 'You already hold an appointment with this admission.' },
  DUPLICATE_PLACE: { status: 409, message: 'This person already has a better place in this line; this ticket was withdrawn.' },
  TICKET_INACTIVE: { status: 409, message: 'This ticket is no longer in the line.' },
  CONFLICT: { status: 409, message: 'Someone changed this at the same moment. Please reload and try again.' },
  STATE_CONFLICT: { status: 409, message: 'The waiting room is not in a state that allows this.' },
  CONTACT_INVALID: { status: 400, message: 'This is not a valid phone number or e-mail address.' },
  CODE_INVALID: { status: 422, message: 'The code is wrong or has expired.' },
  CONTACT_NOT_VERIFIED: { status: 422, message: 'This campaign needs a verified phone number or e-mail address.' },
  VERIFICATION_LOCKED: { status: 429, message: 'Too many wrong codes. Please wait before trying again.' },
  ALREADY_ON_WAITLIST: { status: 409, message: 'This person is already on the wait list of this campaign.' },
  OFFER_CLOSED: { status: 409, message: 'This offer has already been answered.' },
  OFFER_EXPIRED: { status: 410, message: 'The time to accept this offer has passed.' },
  IDEMPOTENCY_KEY_REUSED: {
    status: 422,
    message: 'This Idempotency-Key was already used for a different request.',
  },
  NOT_ELIGIBLE: { status: 422, message: 'This person is not eligible for this campaign.' },
  HOLD_EXPIRED: { status: 410, message: 'The reservation has expired. Please choose an appointment again.' },
  PAYLOAD_TOO_LARGE: { status: 413, message: 'The request body is too large.' },
  UNSUPPORTED_MEDIA_TYPE: { status: 415, message: 'Send the request body as application/json.' },
  RATE_LIMITED: { status: 429, message: 'Too many requests. Please wait and try again.' },
  INVALID_CREDENTIALS: { status: 401, message: 'Username or password is wrong.' },
  TOO_MANY_LOOKUPS: {
    status: 429,
    message: 'Too many wrong tries for this booking code. For your protection it is locked for a while; please try again later or call the hotline.',
  },
  LOCKED_OUT: { status: 429, message: 'Too many failed logins for this username. Please wait before trying again.' },
  CSRF_FAILED: { status: 403, message: 'The request lacks the X-CSRF-Token of your session; reload the console.' },
  USERNAME_TAKEN: { status: 409, message: 'This username is already taken.' },
  RELEASE_CHECKLIST: { status: 409, message: 'The release checklist has warnings; review them and acknowledge each to schedule anyway.' },
  NOT_TODAY: { status: 409, message: 'Attendance can be recorded only on the day of the appointment, from its start.' },
  ALREADY_RECORDED: { status: 409, message: 'Attendance for this appointment has already been recorded.' },
  OVERLOADED: { status: 503, message: 'The service is busy. Please try again in a moment.' },
  UNAVAILABLE: { status: 503, message: 'The service is briefly unavailable. Please try again in a moment; nothing you sent was lost.' },
  INTERNAL: { status: 500, message: 'Something went wrong on our side.' },
} as const satisfies Record<string, { status: number; message: string }>;

export type ErrorCode = keyof typeof REGISTRY;

export class AppError extends Error {
  readonly status: number;
  constructor(
    readonly code: ErrorCode,
    message?: string,
    readonly details?: Record<string, unknown>,
  ) {
    super(message ?? REGISTRY[code].message);
    this.status = REGISTRY[code].status;
  }
}

export const fail = (code: ErrorCode, message?: string, details?: Record<string, unknown>): never => {
  throw new AppError(code, message, details);
};

export const errorStatus = (code: ErrorCode): number => REGISTRY[code].status;

/** Every code, for the test that keeps docs/errors.md complete. */
export const REGISTERED_CODES = Object.keys(REGISTRY) as ErrorCode[];

export const isErrorCode = (code: unknown): code is ErrorCode => typeof code === 'string' && Object.prototype.hasOwnProperty.call(REGISTRY, code);
