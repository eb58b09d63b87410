// The dispatcher console: sign-in, session expiry, the section tabs and the address bar
// (#/<tab> or #/<tab>/call/<call_sid>, either followed by the tab's own settings, ?q=… or ?from=…). The sections
// live in their own modules.

import {session, login, onReauthenticate} from './api.js';
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

const live = new LiveFeed();
let views = null;
let tab = 'board';
let shownTab = null;
let pendingLogin = null; // {promise, resolve} while the sign-in overlay is up over a running app
let expiryTimers = [];

function main() {
  $('login-form').addEventListener('submit', e => { e.preventDefault(); submitLogin(); });
  $('logout').addEventListener('click', signOut);
  window.addEventListener('hashchange', route);
  onReauthenticate(requireLogin);
  session.onChange(() => {
    live.tokenChanged();
    scheduleExpiry();
    renderUser();
  });
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
    if (pendingLogin) {
      const {resolve} = pendingLogin;
      pendingLogin = null;
      hideLogin();
      resolve();
    } else {
      startApp();
    }
  } catch (e) {
    fill(error, e.message);
    show(error, true);
    $('password').select();
  } finally {
    $('login').disabled = false;
  }
}

/** The first page, or (with a reason) an overlay over the app that keeps everything as it was. */
function showLogin(reason) {
  const view = $('login-view');
  view.classList.toggle('overlay', reason != null);
  fill($('login-reason'), reason || 'Sign in to the dispatcher console.');
  if (reason) $('username').value = session.username || $('username').value;
  show(view, true);
  ($('username').value ? $('password') : $('username')).focus();
}

function hideLogin() {
  show($('login-view'), false);
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

function scheduleExpiry() {
  expiryTimers.forEach(clearTimeout);
  expiryTimers = [];
  show($('session-banner'), false);
  const left = session.expiresInMs();
  if (!session.token || !Number.isFinite(left)) return;
  // setTimeout overflows above ~24.8 days; such tokens simply get no warning
  if (left > 2 ** 31 - 1) return;
  expiryTimers.push(setTimeout(() => {
    fill($('session-banner'), 'Your session ends in about a minute. ',
      h('button', {type: 'button', class: 'link', id: 'renew-session',
        onclick: () => requireLogin('Sign in again to continue your session.')}, 'Sign in again'));
    show($('session-banner'), true);
  }, Math.max(0, left - WARN_BEFORE_EXPIRY_MS)));
  expiryTimers.push(setTimeout(() => requireLogin('Your session has expired. Sign in again to continue.'), left));
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

function signOut() {
  live.stop();
  session.clear();
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
