import { randomInt } from 'node:crypto';

/** No 0/O or 1/I: a code read out over the phone or typed from paper cannot be misread. */
export const CODE_ALPHABET = '23456789ABCDEFGHJKLMNPQRSTUVWXYZ';
const LENGTH = 8; // 32^8 ≈ 10^12 codes, and a lookup also needs the date of birth

export function newBookingCode(): string {
  let code = '';
  for (let i = 0; i < LENGTH; i++) code += CODE_ALPHABET[randomInt(CODE_ALPHABET.length)];
  return code;
}

/** Accepts what people type: lower case, spaces or dashes. */
export function parseBookingCode(input: string): string | undefined {
  const code = input.toUpperCase().replace(/[\s-]/g, '');
  if (code.length !== LENGTH) return undefined;
  return [...code].every((c) => CODE_ALPHABET.includes(c)) ? code : undefined;
}

/** ABCD-EFGH: easier to read aloud and to copy by hand. */
export const formatBookingCode = (code: string): string => `${code.slice(0, 4)}-${code.slice(4)}`;
