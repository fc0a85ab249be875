import { Type, type Static, type StringOptions, type TSchema } from '@sinclair/typebox';
import { LANGUAGES } from '../languages.js';

/** Schemas shared by several rooms. Objects reject unknown fields. */
export const Strict = <T extends Record<string, TSchema>>(props: T, options: Record<string, unknown> = {}) =>
  Type.Object(props, { additionalProperties: false, ...options });

/**
 * Text as a person types it: no control characters, valid Unicode (the `text` format, see
 * http/formats.ts). Every string a route takes is Text, a date, an instant, a uuid, an e-mail
 * address or matches an anchored pattern; the OpenAPI test checks that none is left out.
 */
export const Text = (options: StringOptions = {}) => Type.String({ format: 'text', ...options });
/** Text from a text area: line breaks allowed, other control characters not. */
export const Paragraphs = (options: StringOptions = {}) => Type.String({ format: 'paragraphs', ...options });

export const Id = Type.Integer({ minimum: 1, maximum: 2 ** 53 - 1 });
export const Day = Type.String({ format: 'date', description: 'A calendar day, YYYY-MM-DD' });
export const Instant = Type.String({ format: 'date-time', description: 'An instant with offset, ISO 8601' });
/** A language a citizen can use (src/languages.ts); the messages to them are written in it. */
export const LanguageSchema = Type.Union(
  LANGUAGES.map((l) => Type.Literal(l)),
  { description: 'Language of the messages (default de)' },
);
export const PostalCode = Type.String({ pattern: '^[0-9]{5}$', description: 'German postal code (5 digits)' });

export const ErrorReply = Type.Object(
  { code: Type.String({ description: 'Stable UPPER_SNAKE error code' }), message: Type.String() },
  { additionalProperties: true, $id: 'Error' },
);

export const Center = Type.Object({
  id: Id,
  name: Type.String(),
  address: Type.String(),
  postalCode: Type.String(),
  lat: Type.Number(),
  lon: Type.Number(),
  timeZone: Type.String({ description: 'The centre’s IANA time zone: its appointments’ local times are in it' }),
});

export const Appointment = Type.Object({
  slotId: Id,
  dose: Type.Integer({ minimum: 1, maximum: 2 }),
  startsAt: Instant,
  durationMinutes: Type.Integer(),
  center: Center,
});

/** The error replies a route documents, by status. */
export const errors = (...statuses: number[]) => Object.fromEntries(statuses.map((s) => [s, Type.Ref(ErrorReply)]));

/** The identity fields of a person: what makes "one booking per person" and "one place per person". */
export const Identity = Strict({
  firstName: Text({ minLength: 1, maxLength: 100, pattern: '\\S' }),
  lastName: Text({ minLength: 1, maxLength: 100, pattern: '\\S' }),
  dateOfBirth: Type.String({ format: 'date', formatMinimum: '1900-01-01' }),
});

/** A person booking or waiting: identity, where they live, how to reach them. */
export const Person = Strict({
  ...Identity.properties,
  postalCode: PostalCode,
  email: Type.Optional(Type.String({ format: 'email', maxLength: 254 })),
  phone: Type.Optional(Type.String({ pattern: '^\\+?[0-9][0-9 ()/-]{5,24}$' })),
  priorityGroup: Type.Optional(Text({ minLength: 1, maxLength: 50 })),
});

/** A hold: the appointments kept for this person until `expiresAt`. */
export const HoldAnswer = Type.Object({
  holdId: Type.String({ format: 'uuid' }),
  expiresAt: Type.String(),
  campaignId: Id,
  appointments: Type.Array(Appointment),
});

/** A booking as its person sees it. */
export const BookingView = Type.Object({
  bookingCode: Type.String(),
  status: Type.Union([Type.Literal('active'), Type.Literal('cancelled')]),
  campaignId: Id,
  appointments: Type.Array(Appointment),
  person: Type.Object({ firstName: Type.String(), lastName: Type.String() }),
  createdAt: Type.String(),
  cancelledAt: Type.Union([Type.String(), Type.Null()]),
});

/** A booking just made. */
export const BookingAnswer = Type.Object({ bookingCode: Type.String(), campaignId: Id, appointments: Type.Array(Appointment) });

/*
 * The TypeScript types of these answers, derived from the schemas that validate and serialise them.
 * The web app imports them (type-only), so the browser and the server cannot drift apart.
 */
export type CenterShape = Static<typeof Center>;
export type AppointmentShape = Static<typeof Appointment>;
export type PersonShape = Static<typeof Person>;
export type HoldShape = Static<typeof HoldAnswer>;
export type BookingViewShape = Static<typeof BookingView>;
export type BookingAnswerShape = Static<typeof BookingAnswer>;
