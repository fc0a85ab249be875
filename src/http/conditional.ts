import { createHash } from 'node:crypto';
import fresh from 'fresh';
import type { FastifyReply, FastifyRequest } from 'fastify';

/**
 * A validator computed from the bytes, so every node gives the same answer the same ETag and a CDN
 * in front of several nodes keeps its copy. Weak (W/), because the same answer also goes out gzipped.
 */
export const etagOf = (body: string | Buffer): string => weakEtag(createHash('sha1').update(body).digest('base64url'));

/** The ETag of content named by a digest computed elsewhere (the feed names its files once per build). */
export const weakEtag = (digest: string): string => `W/"${digest}"`;

export interface Validators {
  etag: string;
  /** When the content last changed (ms since the epoch). */
  lastModified?: number;
}

/**
 * Sets ETag (and Last-Modified) on the reply and says whether the client's copy is still current
 * (If-None-Match, else If-Modified-Since, as RFC 9110 orders them): then answer 304 with no body.
 */
export function notModified(request: FastifyRequest, reply: FastifyReply, v: Validators): boolean {
  reply.header('etag', v.etag);
  const lastModified = v.lastModified === undefined ? undefined : new Date(v.lastModified).toUTCString();
  if (lastModified) reply.header('last-modified', lastModified);
  if (request.method !== 'GET' && request.method !== 'HEAD') return false;
  return fresh(request.headers, { etag: v.etag, 'last-modified': lastModified });
}
