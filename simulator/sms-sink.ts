import { createServer } from 'node:http';

/**
 * A local SMS gateway with the provider's throughput limit: above `perSecond` it answers 429, as
 * real gateways do. It keeps the last code sent to each number, so a virtual citizen can read it (in
 * this process directly, from the crowd's other processes at /codes?to=).
 */
export async function startSmsSink(perSecond: number) {
  const codes = new Map<string, SmsCode>();
  let tokens = perSecond;
  let refilled = Date.now();
  let accepted = 0;
  let refused = 0;
  const server = createServer((req, res) => {
    // The crowd's other processes read a number's last code here (crowd.ts).
    if (req.method === 'GET' && req.url?.startsWith('/codes?')) {
      const got = codes.get(new URLSearchParams(req.url.slice('/codes?'.length)).get('to') ?? '');
      res.writeHead(got ? 200 : 404, { 'content-type': 'application/json' }).end(JSON.stringify(got ?? null));
      return;
    }
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const now = Date.now();
      tokens = Math.min(perSecond, tokens + ((now - refilled) / 1000) * perSecond);
      refilled = now;
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
        if (code) codes.set(to, { code, at: now });
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
    code: (to: string): Promise<SmsCode | undefined> => Promise.resolve(codes.get(to)),
    stats: () => ({ accepted, refused }),
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

export interface SmsCode {
  code: string;
  at: number;
}

/** Where a virtual citizen reads the code sent to their phone. */
export interface SmsCodes {
  code(to: string): Promise<SmsCode | undefined>;
}

/** The sink's codes read from another process. */
export function remoteCodes(codesUrl: string): SmsCodes {
  return {
    async code(to) {
      const res = await fetch(`${codesUrl}?to=${encodeURIComponent(to)}`).catch(() => undefined);
      return res?.ok ? ((await res.json()) as SmsCode) : undefined;
    },
  };
}

export type SmsSink = Awaited<ReturnType<typeof startSmsSink>>;
