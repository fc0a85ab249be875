import { ApiError, api } from '../src/api.js';

/** Who is logged in to the console, and the CSRF token every change must carry. */
export interface Me {
  actor: string;
  role: 'admin' | 'agent' | 'checkin';
  centerIds: number[] | null;
  csrfToken: string | null;
  account: { username: string; displayName: string } | null;
}

let me: Me | null = null;

export const current = (): Me | null => me;

export async function loadMe(): Promise<Me | null> {
  try {
    me = await api<Me>('GET', '/api/v1/staff/me', { maxAttempts: 3 });
  } catch (err) {
    if (err instanceof ApiError && err.status === 401) me = null;
    else throw err;
  }
  return me;
}

export async function login(username: string, password: string): Promise<Me> {
  await api('POST', '/api/v1/staff/login', { body: { username, password }, maxAttempts: 3 });
  return (await loadMe())!;
}

export async function logout(): Promise<void> {
  await call('POST', '/api/v1/staff/logout');
  me = null;
}

/** The API with the session's CSRF token on every change. */
export function call<T>(method: string, path: string, body?: unknown): Promise<T> {
  const headers: Record<string, string> = me?.csrfToken && method !== 'GET' ? { 'x-csrf-token': me.csrfToken } : {};
  return api<T>(method, path, { body, headers, maxAttempts: 5 });
}

export const isAdmin = () => me?.role === 'admin';
