import nodemailer from 'nodemailer';
import type { Channel, ClaimedMessage } from './repo.js';

export type SendResult = { ok: true; deliveredTo: string } | { ok: false; retry: boolean; error: string };

/** Where a channel's messages go: a provider, or the local mailbox. */
export interface Transport {
  channel: Channel;
  send(message: ClaimedMessage): Promise<SendResult>;
  close?(): void;
}

/**
 * E-mail over SMTP. The Message-ID is the message's idempotency key, so a resend after a crash is
 * recognisable. Connections are pooled (one per send in flight) and kept open between messages.
 */
export function smtpTransport(url: string, from: string, timeoutMs: number, connections = 5): Transport {
  const u = new URL(url);
  const transporter = nodemailer.createTransport({
    pool: true,
    maxConnections: connections,
    host: u.hostname,
    port: Number(u.port) || (u.protocol === 'smtps:' ? 465 : 587),
    secure: u.protocol === 'smtps:',
    auth: u.username ? { user: decodeURIComponent(u.username), pass: decodeURIComponent(u.password) } : undefined,
    // A server that hangs must not outlive the claim's lease, or a second sender would step in.
    connectionTimeout: timeoutMs,
    greetingTimeout: timeoutMs,
    socketTimeout: timeoutMs,
    tls: { rejectUnauthorized: u.searchParams.get('tls_reject_unauthorized') !== 'false' },
  });
  return {
    channel: 'email',
    async send(m) {
      try {
        await transporter.sendMail({
          from,
          to: m.recipient,
          subject: m.subject,
          text: m.body_text,
          html: m.body_html ?? undefined,
          messageId: `<${m.idempotency_key}@ansturm>`,
          attachments: m.attachments.map((a) => ({ filename: a.filename, contentType: a.contentType, content: a.content })),
        });
        return { ok: true, deliveredTo: 'smtp' };
      } catch (err) {
        const code = (err as { responseCode?: number }).responseCode;
        // 5xx is the server's final word about this message (no such mailbox); anything else may pass later.
        return { ok: false, retry: !(code !== undefined && code >= 500), error: `smtp: ${code ?? ''} ${(err as Error).message}`.trim() };
      }
    },
    close: () => transporter.close(),
  };
}

/**
 * SMS through an HTTP gateway: POST { to, text, reference } with a bearer token and an
 * Idempotency-Key header (the message's key). 2xx is sent; 429, 5xx, timeouts and
 * network errors are retried; any other answer is final.
 */
export function smsGatewayTransport(url: string, token: string | undefined, timeoutMs: number): Transport {
  return {
    channel: 'sms',
    async send(m) {
      try {
        const res = await fetch(url, {
          method: 'POST',
          headers: {
            'content-type': 'application/json',
            'idempotency-key': m.idempotency_key,
            ...(token ? { authorization: `Bearer ${token}` } : {}),
          },
          body: JSON.stringify({ to: m.recipient, text: m.body_text, reference: m.idempotency_key }),
          signal: AbortSignal.timeout(timeoutMs),
        });
        await res.arrayBuffer().catch(() => undefined);
        if (res.ok) return { ok: true, deliveredTo: 'sms-gateway' };
        return { ok: false, retry: res.status === 429 || res.status >= 500, error: `sms gateway answered ${res.status}` };
      } catch (err) {
        return { ok: false, retry: true, error: `sms gateway: ${(err as Error).name === 'TimeoutError' ? 'timeout' : (err as Error).message}` };
      }
    },
  };
}

/** No provider configured: the message is kept in the outbox as delivered to the local mailbox (admin: /api/v1/admin/messages). */
export function mailboxTransport(channel: Channel): Transport {
  return { channel, send: async () => ({ ok: true, deliveredTo: 'mailbox' }) };
}
