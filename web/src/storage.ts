/**
 * What the app remembers. Places in line survive closing the browser (localStorage);
 * personal data and holds live only as long as the tab (sessionStorage). Private modes
 * that refuse storage degrade to memory.
 */
const memory = new Map<string, string>();

function backend(kind: 'local' | 'session'): Storage | null {
  try {
    const s = kind === 'local' ? window.localStorage : window.sessionStorage;
    s.setItem('ansturm-probe', '1');
    s.removeItem('ansturm-probe');
    return s;
  } catch {
    return null;
  }
}

function store(kind: 'local' | 'session') {
  const s = backend(kind);
  const key = (k: string) => `ansturm:${kind}:${k}`;
  return {
    get<T>(k: string): T | null {
      const raw = s ? s.getItem(key(k)) : memory.get(key(k));
      if (raw === null || raw === undefined) return null;
      try {
        return JSON.parse(raw) as T;
      } catch {
        return null;
      }
    },
    set(k: string, value: unknown): void {
      const raw = JSON.stringify(value);
      if (s) s.setItem(key(k), raw);
      else memory.set(key(k), raw);
    },
    remove(k: string): void {
      if (s) s.removeItem(key(k));
      else memory.delete(key(k));
    },
  };
}

export const kept = store('local');
export const tab = store('session');

/** A random id for Idempotency-Key headers: a retry of the same action carries the same one. */
export function randomKey(): string {
  const bytes = new Uint8Array(16);
  crypto.getRandomValues(bytes);
  return Array.from(bytes, (b) => b.toString(16).padStart(2, '0')).join('');
}
