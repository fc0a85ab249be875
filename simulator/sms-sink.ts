import { createServer } from 'node:http';

/** The longest a reader waits for a code in one request (it asks again after). */
const MAX_WAIT_MS = 20_000;

/**
 * A local SMS gateway with the provider's throughput limit: above `perSecond` it answers 429, as
 * real gateways do. It keeps the last code sent to each number, so a virtual citizen can read it (in
 * this process directly, from the crowd's other processes at /codes?to=&after=). A reader waits for a
 * code sent at `after` or later, answered the moment it comes (a long poll): polling for thousands of
 * codes stuck behind the provider's limit would make the load generator the limit.
 */
export async function startSmsSink(perSecond: number, now: () => number = Date.now) {
  const codes = new Map<string, SmsCode>();
  const waiting = new Map<string, Set<(code: SmsCode | undefined) => void>>();
  const codeFor = (to: string, after: number, waitMs: number): Promise<SmsCode | undefined> => {
    const got = codes.get(to);
    if (got && got.at >= after) return Promise.resolve(got);
    return new Promise((resolve) => {
      const readers = waiting.get(to) ?? new Set();
      waiting.set(to, readers);
      const done = (code: SmsCode | undefined) => {
        clearTimeout(timer);
        readers.delete(done);
        if (readers.size === 0 && waiting.get(to) === readers) waiting.delete(to);
        resolve(code);
      };
      const timer = setTimeout(() => done(undefined), Math.min(waitMs, MAX_WAIT_MS));
      readers.add(done);
    });
  };
  let tokens = perSecond;
  let refilled = now();
  let accepted = 0;
  let refused = 0;
  const server = createServer((req, res) => {
    // The crowd's other processes read a number's last code here (crowd.ts).
    if (req.method === 'GET' && req.url?.startsWith('/codes?')) {
      const query = new URLSearchParams(req.url.slice('/codes?'.length));
      void codeFor(query.get('to') ?? '', Number(query.get('after') ?? 0), Number(query.get('waitMs') ?? 0)).then((got) =>
        res.writeHead(got ? 200 : 404, { 'content-type': 'application/json' }).end(JSON.stringify(got ?? null)),
      );
      return;
    }
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const at = now();
      tokens = Math.min(perSecond, tokens + ((at - refilled) / 1000) * perSecond);
      refilled = at;
      if (tokens < 1) {
        refused++;
        res.writeHead(429, { 'retry-after': '1' }).end();
        return;
      }
      tokens -= 1;
      accepted++;
      try {
        const { to, text } = JSON.parse(Buffer.concat(chunks).toString()) as { to: string; text: string };
        const code = /\b(\d{6})\b/.exec(text)?.[1];
        if (code) {
          codes.set(to, { code, at });
          for (const reader of [...(waiting.get(to) ?? [])]) reader({ code, at });
        }
      } catch {
        // not ours to judge
      }
      res.writeHead(202, { 'content-type': 'application/json' }).end('{"accepted":true}');
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address() as { port: number };
  return {
    url: `http://127.0.0.1:${address.port}/sms`,
    codesUrl: `http://127.0.0.1:${address.port}/codes`,
    code: (to: string, after: number, waitMs: number) => codeFor(to, after, waitMs),
    stats: () => ({ accepted, refused }),
    close: () => {
      for (const readers of waiting.values()) for (const reader of [...readers]) reader(undefined);
      return new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

export interface SmsCode {
  code: string;
  at: number;
}

/** Where a virtual citizen reads the code sent to their phone: the one sent at `after` or later, waiting up to `waitMs` for it. */
export interface SmsCodes {
  code(to: string, after: number, waitMs: number): Promise<SmsCode | undefined>;
}

/** The sink's codes read from another process. */
export function remoteCodes(codesUrl: string): SmsCodes {
  return {
    async code(to, after, waitMs) {
      const res = await fetch(`${codesUrl}?${new URLSearchParams({ to, after: String(after), waitMs: String(waitMs) })}`).catch(() => undefined);
      return res?.ok ? ((await res.json()) as SmsCode) : undefined;
    },
  };
}

export type SmsSink = Awaited<ReturnType<typeof startSmsSink>>;
