import cors from '@fastify/cors';
import type { FastifyInstance, FastifyPluginAsync, FastifyRequest, preHandlerAsyncHookHandler } from 'fastify';

/**
 * The read routes that appointment finders and maps use from any web page (availability, campaigns,
 * the feed), in one scope: GET from any origin, the preflight answered for a day. Nothing personal
 * is sent and no cookie is read, so `*` is safe. The CORS headers go on these routes only.
 */
export const openDataRoutes =
  (...rooms: FastifyPluginAsync[]): FastifyPluginAsync =>
  async (app) => {
    // A page may read the validators it needs to ask again with If-None-Match, the licence and Retry-After.
    const exposedHeaders = ['ETag', 'Link', 'Retry-After'];
    await app.register(cors, { origin: '*', methods: ['GET'], exposedHeaders, maxAge: 86_400, strictPreflight: false });
    for (const room of rooms) await app.register(room);
  };

/** A request from another site's page (a CORS request), as opposed to the citizen app on this origin. */
export const isCrossOrigin = (request: FastifyRequest, ownOrigin: string): boolean => {
  const origin = request.headers.origin;
  return origin !== undefined && origin !== ownOrigin && origin !== `${request.protocol}://${request.host}`;
};

/**
 * The open-data limit: its own per-address budget, separate from the citizens' limits. Every request
 * for the feed counts, and every read of the API from another site's page; the citizen app's own
 * searches never do, so a finder's polling cannot use up a citizen's budget, nor a rush a finder's.
 * Off (undefined) when `perMinute` is 0. Counted per node, like the other limits.
 */
export function openDataLimit(app: FastifyInstance, perMinute: number, publicUrl: string): preHandlerAsyncHookHandler | undefined {
  if (perMinute <= 0) return undefined;
  const ownOrigin = new URL(publicUrl).origin;
  return app.rateLimit({
    max: perMinute,
    timeWindow: 60_000,
    keyGenerator: (request) => `open-data:${request.ip}`,
    allowList: (request) => !request.url.startsWith('/fhir/') && !isCrossOrigin(request, ownOrigin),
  });
}
