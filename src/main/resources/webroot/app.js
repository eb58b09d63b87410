// The dispatcher console: sign-in, the session (silent refresh before expiry, one sign-in shared by the tabs:
// docs/sessions.md), the section tabs and the address bar (#/<tab> or #/<tab>/call/<call_sid>, either followed by
// the tab's own settings, ?q=… or ?from=…). The sections live in their own modules.

import {session, login, logout, refresh, onReauthenticate} from './api.js';
import {LiveFeed} from './live.js';
import {Board} from './board.js';
import {Attention} from './attention.js';
import {CallView} from './call.js';
import {StartCalls} from './start.js';
import {History} from './history.js';
import {Drivers} from './drivers.js';
import {Insights} from './insights.js';
import {fill, show, h} from './dom.js';

const $ = id => document.getElementById(id);
const TABS = ['board', 'start', 'history', 'insights', 'drivers'];
const WARN_BEFORE_EXPIRY_MS = 60000;
// The refresh comes this long before expiry (a third of the lifetime for short tokens), spread a little so that
// tabs rarely refresh at the same moment (no harm if they do: each gets a valid token, the last one written wins).
const REFRESH_BEFORE_EXPIRY_MS = 60000;
// "Active": the page is visible (a board on a wall screen), or someone used it within this long.
const IDLE_AFTER_MS = 30 * 60000;
const ACTIVITY_KEY = 'callstream.activity';

const live = new LiveFeed();
let views = null;
let tab = 'board';
let shownTab = null;
let pendingLogin = null; // {promise, resolve} while the sign-in overlay is up over a running app
let expiryTimers = [];
let lastFocus = null; // where focus was when the sign-in overlay came up

function main() {
  $('login-form').addEventListener('submit', e => { e.preventDefault(); submitLogin(); });
  $('login-view').addEventListener('keydown', trapFocus);
  $('logout').addEventListener('click', signOut);
  window.addEventListener('hashchange', route);
  onReauthenticate(requireLogin);
  session.onChange(() => {
    live.tokenChanged();
    scheduleExpiry();
    renderUser();
  });
  session.onOtherTab(fromOtherTab);
  trackActivity();
  showDemoBanner();
  if (session.restore()) {
    startApp();
  } else {
    showLogin(null);
  }
}

async function submitLogin() {
  const username = $('username').value.trim();
  const password = $('password').value;
  const error = $('login-error');
  if (!username || !password) {
    fill(error, 'Enter your username and password.');
    show(error, true);
    return;
  }
  $('login').disabled = true;
  show(error, false);
  try {
    await login(username, password);
    $('password').value = '';
    signedIn();
  } catch (e) {
    fill(error, e.message);
    show(error, true);
    $('password').select();
  } finally {
    $('login').disabled = false;
  }
}

/** Signed in here or in another tab: the overlay's waiting requests go on, or the app starts. */
function signedIn() {
  if (pendingLogin) {
    const {resolve} = pendingLogin;
    pendingLogin = null;
    hideLogin();
    resolve();
  } else if (!views) {
    startApp();
  }
}

/**
 * The first page, or (with a reason) a modal dialog over the app that keeps everything as it was: the app is
 * inert (neither focusable nor clickable, hidden from screen readers) and Tab stays in the form.
 */
function showLogin(reason) {
  const view = $('login-view');
  const overlay = reason != null;
  view.classList.toggle('overlay', overlay);
  if (overlay) {
    view.setAttribute('role', 'dialog');
    view.setAttribute('aria-modal', 'true');
    lastFocus = document.activeElement;
  } else {
    view.removeAttribute('role');
    view.removeAttribute('aria-modal');
  }
  $('app').inert = overlay;
  fill($('login-reason'), reason || 'Sign in to the dispatcher console.');
  if (reason) $('username').value = session.username || $('username').value;
  show(view, true);
  ($('username').value ? $('password') : $('username')).focus();
}

function hideLogin() {
  show($('login-view'), false);
  $('app').inert = false;
  if (lastFocus?.isConnected) lastFocus.focus();
  lastFocus = null;
}

/** Tab and Shift+Tab cycle through the sign-in form's own controls while it is up. */
function trapFocus(e) {
  if (e.key !== 'Tab') return;
  const items = [...$('login-form').querySelectorAll('input, button')].filter(el => !el.disabled && !el.hidden);
  const first = items[0];
  const last = items[items.length - 1];
  if (e.shiftKey && document.activeElement === first) {
    e.preventDefault();
    last.focus();
  } else if (!e.shiftKey && document.activeElement === last) {
    e.preventDefault();
    first.focus();
  }
}

/** Asked by api.js on a 401 and by the expiry timer: one overlay, one promise, however many callers wait. */
function requireLogin(reason) {
  if (!views) return Promise.reject(new Error('not signed in'));
  if (!pendingLogin) {
    let resolve;
    const promise = new Promise(r => { resolve = r; });
    pendingLogin = {promise, resolve};
    showLogin(reason);
  }
  return pendingLogin.promise;
}

/**
 * Timers of the current token: a silent refresh shortly before expiry while the user is active; the banner a
 * minute before expiry when no refresh happened; the sign-in overlay at expiry.
 */
function scheduleExpiry() {
  expiryTimers.forEach(clearTimeout);
  expiryTimers = [];
  show($('session-banner'), false);
  const left = session.expiresInMs();
  if (!session.token || !Number.isFinite(left)) return;
  // setTimeout overflows above ~24.8 days; such tokens simply get no warning
  if (left > 2 ** 31 - 1) return;
  const lead = Math.min(REFRESH_BEFORE_EXPIRY_MS, session.lifetimeMs() / 3);
  expiryTimers.push(setTimeout(silentRefresh, Math.max(0, left - lead + Math.random() * lead / 4)));
  expiryTimers.push(setTimeout(() => {
    fill($('session-banner'), 'Your session ends in about a minute. ',
      h('button', {type: 'button', class: 'link', id: 'renew-session',
        onclick: () => requireLogin('Sign in again to continue your session.')}, 'Sign in again'));
    show($('session-banner'), true);
  }, Math.max(0, left - Math.min(WARN_BEFORE_EXPIRY_MS, lead / 2))));
  expiryTimers.push(setTimeout(() => requireLogin('Your session has expired. Sign in again to continue.'), left));
}

/** POST /auth/refresh if the user is active; a failure leaves the banner and the overlay to come. */
async function silentRefresh() {
  if (!views || pendingLogin || !active()) return;
  const token = session.token;
  try {
    await refresh(); // session.set: new timers here, and every other tab adopts the token
  } catch (e) {
    if (session.token !== token) return; // another tab refreshed meanwhile
    if (e.status === 0 && session.expiresInMs() > 5000) {
      expiryTimers.push(setTimeout(silentRefresh, 5000)); // server unreachable: try again shortly
    }
  }
}

function active() {
  const last = Number(localStorage.getItem(ACTIVITY_KEY)) || 0;
  return document.visibilityState === 'visible' || Date.now() - last < IDLE_AFTER_MS;
}

/** Input anywhere in any tab counts as activity (written at most every 10 s). */
function trackActivity() {
  let written = 0;
  const mark = () => {
    if (Date.now() - written < 10000) return;
    written = Date.now();
    localStorage.setItem(ACTIVITY_KEY, String(written));
  };
  for (const type of ['keydown', 'pointerdown', 'wheel']) window.addEventListener(type, mark, {passive: true});
  mark();
}

/** Another tab signed in or refreshed (adopt its token) or signed out (sign out here too). */
function fromOtherTab(token) {
  if (!token) {
    if (views || pendingLogin) leave();
    return;
  }
  try {
    session.set(token, true, false);
  } catch {
    return;
  }
  signedIn();
}

function startApp() {
  hideLogin();
  show($('app'), true);
  if (!views) {
    // the tab's filters (#/history?q=…) stay in the address while a call is open, and after it closes
    const openCall = callSid => { location.hash = `#/${tab}/call/${encodeURIComponent(callSid)}${filters()}`; };
    views = {
      board: new Board(live, openCall),
      attention: new Attention(live, openCall),
      call: new CallView(live, $('call-panel'), () => { location.hash = `#/${tab}${filters()}`; }),
      start: new StartCalls($('tab-start'), openCall),
      history: new History($('tab-history'), openCall),
      drivers: new Drivers($('tab-drivers')),
      insights: new Insights($('tab-insights')),
    };
  }
  renderUser();
  scheduleExpiry();
  live.start();
  views.board.start();
  views.attention.start();
  route();
}

/** GET /health says whether the server runs in demo mode (unauthenticated: shown on the sign-in page too). */
async function showDemoBanner() {
  try {
    const health = await (await fetch('/health', {cache: 'no-store'})).json();
    show($('demo-banner'), health?.demo === true);
  } catch {
    // no banner when the server cannot be reached; the sign-in says so
  }
}

function renderUser() {
  fill($('who'), session.username ? `${session.username} (${session.role})` : '');
  show($('nav-drivers'), session.isAdmin);
}

/** Sign-out: every token of this user is revoked (POST /auth/logout) and every tab signs out. */
async function signOut() {
  $('logout').disabled = true;
  live.stop();
  await logout();
  leave();
}

function leave() {
  live.stop();
  if (session.token) session.clear(false);
  // a clean page: nothing of the previous user's calls stays in memory
  location.hash = '';
  location.reload();
}

/** The address's filters ("?q=…" after the path, or ""). */
function filters() {
  const i = location.hash.indexOf('?');
  return i < 0 ? '' : location.hash.slice(i);
}

function route() {
  if (!views) return;
  // a view's own settings may follow a '?' (#/insights?from=...&to=..., #/history?q=...)
  const [name, kind, id] = location.hash.replace(/^#\/?/, '').split('?')[0].split('/');
  tab = TABS.includes(name) && (name !== 'drivers' || session.isAdmin) ? name : 'board';
  for (const t of TABS) {
    show($(`tab-${t}`), t === tab);
    if (t === tab) $(`nav-${t}`).setAttribute('aria-current', 'page');
    else $(`nav-${t}`).removeAttribute('aria-current');
  }
  if (tab === 'history') views.history.show(new URLSearchParams(filters().slice(1)));
  else if (tab !== shownTab && tab !== 'board') views[tab].show();
  shownTab = tab;
  if (kind === 'call' && id) {
    views.call.open(decodeURIComponent(id));
  } else if (views.call.callSid || !$('call-panel').hidden) {
    views.call.close(false);
  }
  document.querySelector('main').classList.toggle('with-call', kind === 'call' && !!id);
}

main();
