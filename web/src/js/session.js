// The signed-in user. The token lives in sessionStorage (gone with the tab, never in
// localStorage); the role comes from /api/auth/me, or from the token's claims when the
// identity service cannot be asked. Hiding actions is a courtesy: the services check the
// token themselves.

const TOKEN_KEY = 'cityflow.token';
const RANKS = { viewer: 0, operator: 1, admin: 2 };

let token = sessionStorage.getItem(TOKEN_KEY);
let user = null;
const listeners = new Set();

function notify() {
  for (const listener of listeners) listener();
}

function store(newToken, newUser) {
  token = newToken;
  user = newUser;
  if (token) sessionStorage.setItem(TOKEN_KEY, token);
  else sessionStorage.removeItem(TOKEN_KEY);
  notify();
}

/** The token's claims, read without verifying (the server verifies); null if unreadable. */
function claims(jwt) {
  try {
    const payload = jwt.split('.')[1].replaceAll('-', '+').replaceAll('_', '/');
    const padded = payload + '='.repeat((4 - (payload.length % 4)) % 4);
    return JSON.parse(atob(padded));
  } catch {
    return null;
  }
}

async function postJson(path, body, withToken) {
  const headers = { accept: 'application/json' };
  if (body !== undefined) headers['content-type'] = 'application/json';
  if (withToken) headers.authorization = `Bearer ${withToken}`;
  const response = await fetch(path, {
    method: body === undefined ? 'GET' : 'POST',
    headers,
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const data = await response.json().catch(() => null);
  return { status: response.status, data };
}

export const session = {
  token: () => token,
  user: () => user,
  role: () => user?.role ?? null,
  signedIn: () => Boolean(token && user),
  /** Whether the user's role is at least `minRole` (viewer < operator < admin). */
  can(minRole) {
    const role = user?.role;
    return role in RANKS && RANKS[role] >= RANKS[minRole];
  },
  onChange(listener) {
    listeners.add(listener);
    return () => listeners.delete(listener);
  },

  /** On page load: who does the stored token belong to? */
  async restore() {
    if (!token) return;
    try {
      const { status, data } = await postJson('/api/auth/me', undefined, token);
      if (status === 200 && data?.role) return store(token, data);
      if (status === 401) return store(null, null);
    } catch {
      // The identity service is unreachable: fall back to the claims below.
    }
    const c = claims(token);
    if (c && c.role in RANKS && c.exp * 1000 > Date.now()) store(token, { email: c.sub, role: c.role });
    else store(null, null);
  },

  /** Resolves to null on success, or `{status, code, message}`. */
  async signIn(email, password) {
    let reply;
    try {
      reply = await postJson('/api/auth/login', { email, password });
    } catch (e) {
      return { status: 0, code: 'network', message: String(e.message || e) };
    }
    const { status, data } = reply;
    if (status === 200 && data?.token) {
      store(data.token, data.user ?? { email, role: claims(data.token)?.role });
      return null;
    }
    return { status, code: data?.error?.code ?? `http_${status}`, message: data?.error?.message ?? '' };
  },

  signOut() {
    store(null, null);
  },
};
