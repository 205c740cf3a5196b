import { inject, reactive, type InjectionKey } from 'vue';

/**
 * The signed-in session of the editor's desk.
 *
 * The API hands out sessions as bearer tokens (`signIn` returns one; every
 * request sends `Authorization: Bearer …`), the same credential any third
 * party uses. The desk keeps the token in localStorage, not in a cookie: a
 * browser never attaches it to a request by itself, so a page on another
 * site cannot make a signed-in request on the editor's behalf (no CSRF
 * surface beyond the API's own rule), and the token survives a reload and
 * is shared by the editor's tabs. Signing out, or the API answering 401 for
 * it, removes it (in every tab, through the storage event).
 */
export interface StoredSession {
  token: string;
  /** ISO time; past it the token is dropped without asking the API. */
  expiresAt: string | null;
}

export const SESSION_STORAGE_KEY = 'colloquy.admin.session';

export interface Session {
  /** The current token, or null when signed out. */
  readonly state: { token: string | null; expiresAt: string | null };
  signedIn(session: StoredSession): void;
  /** Forgets the token (signed out here, in another tab, or refused by the API). */
  forget(): void;
}

function readStored(storage: Storage | null): StoredSession | null {
  try {
    const raw = storage?.getItem(SESSION_STORAGE_KEY);
    if (!raw) return null;
    const parsed = JSON.parse(raw) as Partial<StoredSession>;
    if (typeof parsed.token !== 'string' || !parsed.token) return null;
    const expiresAt = typeof parsed.expiresAt === 'string' ? parsed.expiresAt : null;
    if (expiresAt && Date.parse(expiresAt) <= Date.now()) return null;
    return { token: parsed.token, expiresAt };
  } catch {
    // Storage refused (private mode) or garbled: signed out.
    return null;
  }
}

function storageOf(win: Window | undefined): Storage | null {
  try {
    return win?.localStorage ?? null;
  } catch {
    return null;
  }
}

export function createSession(win: Window | undefined = globalThis.window): Session {
  const storage = storageOf(win);
  const stored = readStored(storage);
  const state = reactive({
    token: stored?.token ?? null,
    expiresAt: stored?.expiresAt ?? null,
  });
  const session: Session = {
    state,
    signedIn(next) {
      state.token = next.token;
      state.expiresAt = next.expiresAt;
      try {
        storage?.setItem(SESSION_STORAGE_KEY, JSON.stringify(next));
      } catch {
        // Not kept across reloads, but this tab stays signed in.
      }
    },
    forget() {
      state.token = null;
      state.expiresAt = null;
      try {
        storage?.removeItem(SESSION_STORAGE_KEY);
      } catch {
        // Nothing was kept.
      }
    },
  };
  // Another tab signed in or out.
  win?.addEventListener('storage', (event) => {
    if (event.key !== SESSION_STORAGE_KEY) return;
    const now = readStored(storage);
    state.token = now?.token ?? null;
    state.expiresAt = now?.expiresAt ?? null;
  });
  return session;
}

export const SESSION: InjectionKey<Session> = Symbol('admin session');

export function useSession(): Session {
  const session = inject(SESSION);
  if (!session) throw new Error('useSession() outside the editor’s desk');
  return session;
}
