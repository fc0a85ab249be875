import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { SMTPServer } from 'smtp-server';
import { simpleParser, type ParsedMail } from 'mailparser';

/** A real SMTP server on loopback that keeps what it receives. */
export async function startSmtpSink(port = 0, received: ParsedMail[] = []) {
  const server = new SMTPServer({
    authOptional: true,
    disabledCommands: ['STARTTLS', 'AUTH'],
    logger: false,
    onData(stream, _session, callback) {
      simpleParser(stream).then((mail) => {
        received.push(mail);
        callback();
      }, callback);
    },
  });
  // A client that dies mid-session (a worker killed by a test) resets its connection; a real
  // server logs that and serves on, and so does this one.
  server.on('error', () => undefined);
  await new Promise<void>((resolve) => server.listen(port, '127.0.0.1', resolve));
  const bound = (server.server.address() as AddressInfo).port;
  return { url: `smtp://127.0.0.1:${bound}`, port: bound, received, close: () => new Promise<void>((r) => server.close(() => r())) };
}

export type GatewayMode = 'ok' | '429' | '500' | 'hang' | 'hang-once';

/** A local SMS gateway that can be told to answer 429, 500 or to hang. */
export async function startSmsGateway() {
  const requests: { to: string; text: string; key: string; answered: number | 'hung' }[] = [];
  const state = { mode: 'ok' as GatewayMode };
  const hung: ServerResponse[] = [];
  const server = createServer((req: IncomingMessage, res: ServerResponse) => {
    let body = '';
    req.on('data', (c: Buffer) => (body += c.toString()));
    req.on('end', () => {
      const { to, text } = JSON.parse(body) as { to: string; text: string };
      const key = String(req.headers['idempotency-key']);
      const mode = state.mode;
      if (mode === 'hang' || mode === 'hang-once') {
        if (mode === 'hang-once') state.mode = 'ok';
        requests.push({ to, text, key, answered: 'hung' });
        hung.push(res);
        return;
      }
      const status = mode === 'ok' ? 202 : Number(mode);
      requests.push({ to, text, key, answered: status });
      res.writeHead(status, { 'content-type': 'application/json' }).end('{}');
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as AddressInfo).port;
  return {
    url: `http://127.0.0.1:${port}/sms`,
    requests,
    setMode: (mode: GatewayMode) => void (state.mode = mode),
    /** Messages the gateway accepted, counted once per idempotency key (as a real gateway dedupes). */
    delivered: () => new Set(requests.filter((r) => r.answered === 202).map((r) => r.key)),
    close: () => {
      for (const r of hung) r.destroy();
      server.closeAllConnections();
      return new Promise<void>((r) => server.close(() => r()));
    },
  };
}
