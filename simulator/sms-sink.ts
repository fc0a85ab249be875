import { createServer } from 'node:http';

/**
 * A local SMS gateway with the provider's throughput limit: above `perSecond` it answers 429, as
 * real gateways do. It keeps the last code sent to each number, so a virtual citizen can read it.
 */
export async function startSmsSink(perSecond: number) {
  const codes = new Map<string, { code: string; at: number }>();
  let tokens = perSecond;
  let refilled = Date.now();
  let accepted = 0;
  let refused = 0;
  const server = createServer((req, res) => {
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
    code: (to: string) => codes.get(to),
    stats: () => ({ accepted, refused }),
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

export type SmsSink = Awaited<ReturnType<typeof startSmsSink>>;
