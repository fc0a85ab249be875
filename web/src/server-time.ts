import { api, type Hotline } from './api.js';
import { setInstallationZone } from './i18n.js';

export interface InstallationInfo {
  hotline: Hotline;
  timeZone: string;
  /** The server's clock when it answered. */
  now: string;
}

/**
 * The server's clock as this page knows it. Many phones run minutes off; a countdown to a release,
 * an admission window or a hold must end when the server says, not when the phone does. The offset
 * is measured once per page load against /api/v1/info (the server read its clock about halfway
 * through the round trip), and 0 until then.
 */
let offsetMs = 0;
let info: Promise<InstallationInfo | null> | undefined;

/** Now, by the server's clock. */
export const serverNow = (): number => Date.now() + offsetMs;

/** The installation's hotline, time zone and clock (asked once; null while it cannot be reached, asked again next time). */
export function installationInfo(): Promise<InstallationInfo | null> {
  info ??= (async () => {
    const sent = Date.now();
    // One attempt: a retried answer's round trip would blur the offset. A failed one is asked again.
    const answer = await api<InstallationInfo>('GET', '/api/v1/info', { maxAttempts: 1 });
    const received = Date.now();
    offsetMs = Date.parse(answer.now) - (sent + received) / 2;
    setInstallationZone(answer.timeZone);
    return answer;
  })().catch(() => {
    info = undefined;
    return null;
  });
  return info;
}
