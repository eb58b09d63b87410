// The HTTP API client and the session (docs/sessions.md): one JWT, kept in localStorage so that every tab of the
// console shares one sign-in (a sign-in, a refresh or a sign-out in one tab reaches the others through the
// `storage` event). The token only ever travels in the Authorization header, except for the WebSocket upgrade
// (see live.js) and never in a URL; recordings play from short-lived signed links (call.js).

const STORAGE_KEY = 'callstream.token';

/** An API failure in words: `status` is the HTTP status (0 when the server could not be reached). */
export class ApiError extends Error {
  constructor(status, message) {
    super(message);
    this.status = status;
  }
}

function decodeClaims(token) {
  try {
    const part = token.split('.')[1].replace(/-/g, '+').replace(/_/g, '/');
    const json = decodeURIComponent(Array.from(atob(part.padEnd(part.length + (4 - part.length % 4) % 4, '=')),
      c => '%' + c.charCodeAt(0).toString(16).padStart(2, '0')).join(''));
    const claims = JSON.parse(json);
    return typeof claims === 'object' && claims ? claims : null;
  } catch {
    return null;
  }
}

/** The signed-in user: token, username, role, expiry. Listeners hear every change (new token or sign-out). */
export const session = {
  token: null,
  claims: null,
  listeners: new Set(),

  restore() {
    sessionStorage.removeItem(STORAGE_KEY); // where earlier versions kept it, one sign-in per tab
    const token = localStorage.getItem(STORAGE_KEY);
    if (token) {
      try {
        this.set(token, false);
      } catch {
        localStorage.removeItem(STORAGE_KEY);
      }
    }
    if (this.token && this.expiresInMs() <= 0) this.clear();
    return this.token != null;
  },
  set(token, notify = true, store = true) {
    const claims = decodeClaims(token);
    if (!claims) throw new ApiError(0, 'the server returned an unreadable token');
    this.token = token;
    this.claims = claims;
    if (store) localStorage.setItem(STORAGE_KEY, token);
    if (notify) this.listeners.forEach(fn => fn(this));
  },
  clear(store = true) {
    this.token = null;
    this.claims = null;
    if (store) localStorage.removeItem(STORAGE_KEY);
    this.listeners.forEach(fn => fn(this));
  },
  /**
   * Another tab signed in, refreshed or signed out: `fn(token or null)`. A token adopted here is not written
   * back (the other tab did); the caller decides what a sign-out elsewhere means for this page.
   */
  onOtherTab(fn) {
    window.addEventListener('storage', e => {
      if (e.key !== STORAGE_KEY && e.key !== null) return;
      const token = localStorage.getItem(STORAGE_KEY);
      if (token !== this.token) fn(token);
    });
  },
  get username() { return this.claims?.sub ?? ''; },
  get role() { return this.claims?.role ?? ''; },
  get isAdmin() { return this.role === 'admin'; },
  expiresInMs() {
    return this.claims?.exp ? this.claims.exp * 1000 - Date.now() : Infinity;
  },
  /** The token's whole lifetime (exp - iat), for timing the refresh. */
  lifetimeMs() {
    return this.claims?.exp && this.claims?.iat ? (this.claims.exp - this.claims.iat) * 1000 : Infinity;
  },
  onChange(fn) { this.listeners.add(fn); },
};

// Set by app.js: shows the sign-in overlay and resolves once the user has signed in again.
let reauthenticate = null;
export function onReauthenticate(fn) { reauthenticate = fn; }

export async function login(username, password) {
  let body;
  try {
    body = await send('POST', '/auth/token', {body: {username, password}, auth: false});
  } catch (e) {
    throw e.status === 401 ? new ApiError(401, 'Wrong username or password.') : e;
  }
  session.set(body.access_token);
  return session;
}

/**
 * POST /auth/refresh with the current token: the session goes on with a new token (every tab adopts it).
 * Rejects with ApiError (401 when the session was revoked, the user disabled, or SESSION_MAX_HOURS reached).
 */
export async function refresh() {
  const body = await send('POST', '/auth/refresh', {reauth: false});
  session.set(body.access_token);
  return session;
}

/** POST /auth/logout (best effort: the token is dropped here whatever the server says). */
export async function logout() {
  try {
    if (session.token && session.expiresInMs() > 0) await send('POST', '/auth/logout', {reauth: false});
  } catch {
    // signed out here anyway; the server's tokens expire by themselves
  }
  session.clear();
}

/**
 * One API call. A 401 on an authenticated call (the token expired meanwhile) asks the user to sign in again
 * and retries once, so a dispatcher loses no work to an expiry. Failures become ApiError with the server's words.
 */
export async function send(method, path, {body, query, auth = true, raw = false, reauth = true} = {}) {
  const url = path + queryString(query);
  const attempt = () => fetch(url, {
    method,
    headers: {
      Accept: raw ? '*/*' : 'application/json',
      ...(body !== undefined ? {'Content-Type': 'application/json'} : {}),
      ...(auth && session.token ? {Authorization: `Bearer ${session.token}`} : {}),
    },
    body: body !== undefined ? JSON.stringify(body) : undefined,
    cache: 'no-store',
  });
  let response = await attempt().catch(networkError);
  if (response.status === 401 && auth && reauth && reauthenticate) {
    await reauthenticate('Your session has expired. Sign in again to continue.');
    response = await attempt().catch(networkError);
  }
  if (!response.ok) throw await errorOf(response);
  if (raw) return response;
  return response.status === 204 ? null : response.json();
}

export const get = (path, query) => send('GET', path, {query});
export const post = (path, body) => send('POST', path, {body});
export const put = (path, body) => send('PUT', path, {body});

function queryString(query) {
  if (!query) return '';
  const params = new URLSearchParams();
  for (const [k, v] of Object.entries(query)) {
    if (v != null && v !== '') params.set(k, v);
  }
  const s = params.toString();
  return s ? `?${s}` : '';
}

function networkError() {
  throw new ApiError(0, 'The server cannot be reached. Check the connection and try again.');
}

async function errorOf(response) {
  let reason = '';
  try {
    const body = await response.json();
    reason = typeof body?.error === 'string' ? body.error : '';
  } catch {
    // not JSON: fall back to the status words below
  }
  const words = {
    400: 'The request was refused', 401: 'Not signed in', 403: 'Not allowed',
    404: 'Not found', 409: 'Not possible yet', 413: 'Too much data', 429: 'Too many attempts',
    502: 'ElevenLabs could not be reached', 503: 'The service is unavailable',
  }[response.status] || `Request failed (HTTP ${response.status})`;
  return new ApiError(response.status, reason ? `${words}: ${reason}` : words);
}

// Drivers are read by several views (start form, board names, history filter): one shared, refreshable list.
let driversPromise = null;

/** GET /drivers, cached; rejects with ApiError (e.g. 403 when this server lets only admins list drivers). */
export function drivers(refresh = false) {
  if (refresh || !driversPromise) {
    driversPromise = get('/drivers').then(body => body.drivers || []);
    driversPromise.catch(() => { driversPromise = null; });
  }
  return driversPromise;
}

/** driver_id -> name for display, or an empty map when the list cannot be read. */
export async function driverNames() {
  try {
    return new Map((await drivers()).map(d => [d.driver_id, d.name]));
  } catch {
    return new Map();
  }
}
