// Needs attention: the ended calls a dispatcher must look at (failed or unanswered, completed unsuccessfully,
// inbound from an unknown number) until someone marks them handled. Loaded from GET /calls?needs_attention=true
// at start and at every fleet-feed snapshot (watch_confirmed, also after a reconnect), kept live by
// call_completed, the final call_status and call_handled (another dispatcher's mark, on any node).
// The count goes into the tab title; opt-in browser notifications announce calls added live.

import {get, post, driverNames} from './api.js';
import {h, fill, show, dateTime, statusBadge, isActive, violations, directionBadge, party, recordingText}
  from './dom.js';

const PAGE = 200;
const BASE_TITLE = document.title;
const NOTIFY_KEY = 'callstream.notify';

/** The same rule as the server's (CallSql.NEEDS_ATTENTION), for calls that arrive on the feed. */
export function needsAttention(call) {
  if (!call || call.handled_at || isActive(call.status)) return false;
  return call.status === 'failed' || call.call_successful === false
    || call.analysis_data?.call_successful === 'failure'
    || (call.direction === 'inbound' && !call.driver_id);
}

export class Attention {
  constructor(live, openCall) {
    this.live = live;
    this.openCall = openCall;
    this.calls = new Map(); // call_sid -> call, newest first in the table
    this.names = new Map();
    this.loading = null;
    this.refocus = new Set(); // calls being marked from a focused row (disabling its button drops the focus)
    this.message = h('p', {class: 'message', role: 'status', 'aria-live': 'polite', hidden: true,
      'data-testid': 'attention-message'});
    this.el = {
      count: h('span', {'data-testid': 'attention-count'}, '0'),
      rows: h('tbody', {id: 'attention-rows'}),
      empty: h('p', {class: 'empty', 'data-testid': 'attention-empty'}, 'Nothing needs attention.'),
      notify: h('button', {type: 'button', class: 'link', id: 'attention-notify', 'aria-pressed': 'false',
        onclick: () => this.toggleNotifications()}, 'Notify me'),
    };
    this.heading = h('h2', {id: 'attention-title', tabindex: -1}, 'Needs attention (', this.el.count, ')');
    // screen readers hear each call that joins the list live (the table itself is not a live region)
    this.announcer = h('p', {class: 'sr-only', role: 'status', 'aria-live': 'polite', 'data-testid': 'attention-announce'});
    fill(document.getElementById('attention'),
      h('div', {class: 'section-head'}, this.heading, this.el.notify),
      this.message, this.announcer,
      h('div', {class: 'table-wrap'},
        h('table', {class: 'grid', 'aria-labelledby': 'attention-title', 'data-testid': 'attention-table'},
          h('thead', {}, h('tr', {},
            ['Driver', 'Outcome', 'Ended', 'Call', 'Violations', 'Actions'].map(t => h('th', {scope: 'col'}, t)))),
          this.el.rows)),
      this.el.empty);
    live.addEventListener('frame', e => this.onFrame(e.detail));
    this.renderNotify();
  }

  async start() {
    this.names = await driverNames();
    await this.reload();
  }

  /** The whole list from the API (newest first); a reload already under way is reused. */
  reload() {
    if (!this.loading) {
      this.loading = get('/calls', {needs_attention: 'true', limit: PAGE})
        .then(body => this.replace(body.calls || []))
        .catch(e => this.say(`The attention list cannot be loaded: ${e.message}`))
        .finally(() => { this.loading = null; });
    }
    return this.loading;
  }

  onFrame(frame) {
    switch (frame.type) {
      case 'watch_confirmed':
        this.reload();
        break;
      case 'call_completed':
        if (needsAttention(frame.call_data)) this.add(frame.call_data, true);
        break;
      case 'call_status':
        // a call that ended without a call_completed we saw yet (e.g. a failed dial): read it
        if (!isActive(frame.status) && !this.calls.has(frame.call_sid)) {
          get(`/calls/${encodeURIComponent(frame.call_sid)}`)
            .then(call => { if (needsAttention(call)) this.add(call, true); })
            .catch(() => {});
        }
        break;
      case 'call_handled':
        this.remove(frame.call_sid);
        break;
      default:
    }
  }

  replace(calls) {
    const focusedSid = document.activeElement?.closest?.('#attention-rows tr')?.dataset.callSid;
    this.calls.clear();
    fill(this.el.rows);
    [...calls].reverse().forEach(c => this.add(c, false));
    if (focusedSid) this.el.rows.querySelector(`tr[data-call-sid="${CSS.escape(focusedSid)}"] button`)?.focus();
    this.renderCount();
  }

  add(call, live) {
    const known = this.calls.has(call.call_sid);
    this.calls.set(call.call_sid, {...(this.calls.get(call.call_sid) || {}), ...call});
    const row = this.render(this.calls.get(call.call_sid));
    if (!known) this.el.rows.prepend(row);
    this.renderCount();
    if (live && !known) {
      const c = this.calls.get(call.call_sid);
      fill(this.announcer, `Needs attention: ${this.names.get(c.driver_id) || c.driver_id || 'unknown caller'}, `
        + `${c.failure_reason || c.status}.`);
      this.notify(c);
    }
  }

  /** Removes a call; if focus was in its row, it moves to the next row's first button (or the heading). */
  remove(callSid) {
    const row = this.el.rows.querySelector(`tr[data-call-sid="${CSS.escape(callSid)}"]`);
    this.calls.delete(callSid);
    if (!row) return;
    const hadFocus = this.refocus.delete(callSid) || row.contains(document.activeElement);
    const next = row.nextElementSibling || row.previousElementSibling;
    row.remove();
    this.renderCount();
    if (hadFocus) (next?.querySelector('button') || this.heading).focus();
  }

  render(call) {
    const existing = this.el.rows.querySelector(`tr[data-call-sid="${CSS.escape(call.call_sid)}"]`);
    const row = existing || h('tr', {'data-testid': 'attention-row', 'data-call-sid': call.call_sid});
    const outcome = call.status === 'failed' ? (call.failure_reason || 'failed')
      : call.driver_id ? 'unsuccessful' : 'unknown number';
    fill(row,
      h('td', {'data-label': 'Driver'}, party(call, this.names.get(call.driver_id)), ' ', directionBadge(call)),
      h('td', {'data-label': 'Outcome'}, statusBadge(call.status), ' ', h('span', {class: 'muted'}, outcome),
        call.recording_status ? h('div', {class: 'muted', 'data-testid': 'recording'},
          `Recording: ${recordingText(call.recording_status)}`) : null),
      h('td', {'data-label': 'Ended'}, dateTime(call.call_end_time || call.updated_at || call.created_at)),
      h('td', {'data-label': 'Call', class: 'mono'}, call.call_sid),
      h('td', {'data-label': 'Violations'}, violations(call).join(', ') || '—'),
      h('td', {'data-label': 'Actions', class: 'actions'},
        h('button', {type: 'button', 'data-testid': 'mark-handled', onclick: e => this.markHandled(call, e.target)},
          'Mark handled'),
        call.driver_id ? h('button', {type: 'button', 'data-testid': 'call-again',
          onclick: e => this.callAgain(call, e.target)}, 'Call again') : null,
        h('button', {type: 'button', class: 'link', onclick: () => this.openCall(call.call_sid)}, 'Open')));
    return row;
  }

  async markHandled(call, button) {
    if (button.closest('tr')?.contains(document.activeElement)) this.refocus.add(call.call_sid);
    button.disabled = true;
    try {
      await post(`/calls/${encodeURIComponent(call.call_sid)}/handled`);
      this.remove(call.call_sid); // call_handled will follow; removing twice is harmless
      this.say('');
    } catch (e) {
      this.refocus.delete(call.call_sid);
      button.disabled = false;
      button.focus();
      this.say(`Could not mark ${call.call_sid} handled: ${e.message}`);
    }
  }

  async callAgain(call, button) {
    button.disabled = true;
    try {
      const body = await post('/driver_data/call-elevenlabs',
        {driver_ids: [call.driver_id], violation_types: violations(call)});
      const r = (body.results || [])[0] || {};
      this.say(r.call_sid && !r.error ? `Calling ${call.driver_id} again (${r.call_sid}).`
        : `Could not call ${call.driver_id} again: ${r.error || r.status || 'unknown error'}`);
    } catch (e) {
      this.say(`Could not call ${call.driver_id} again: ${e.message}`);
    } finally {
      button.disabled = false;
    }
  }

  say(text) {
    fill(this.message, text);
    show(this.message, !!text);
  }

  renderCount() {
    const n = this.calls.size;
    fill(this.el.count, String(n));
    show(this.el.empty, n === 0);
    document.title = n > 0 ? `(${n}) ${BASE_TITLE}` : BASE_TITLE;
  }

  // ---- opt-in browser notifications: nothing is asked before the user clicks the toggle

  get notifying() {
    return localStorage.getItem(NOTIFY_KEY) === 'on' && 'Notification' in window
      && Notification.permission === 'granted';
  }

  async toggleNotifications() {
    if (!('Notification' in window)) {
      this.say('This browser cannot show notifications.');
      return;
    }
    if (this.notifying) {
      localStorage.removeItem(NOTIFY_KEY);
    } else {
      const permission = Notification.permission === 'granted' ? 'granted' : await Notification.requestPermission();
      if (permission === 'granted') localStorage.setItem(NOTIFY_KEY, 'on');
      else this.say('Notifications are blocked for this site in the browser settings.');
    }
    this.renderNotify();
  }

  renderNotify() {
    const on = this.notifying;
    this.el.notify.setAttribute('aria-pressed', String(on));
    fill(this.el.notify, on ? 'Notifications on' : 'Notify me');
  }

  notify(call) {
    if (!this.notifying) return;
    try {
      const n = new Notification('callstream: needs attention',
        {body: `${call.driver_id || 'Unknown caller'}: ${call.failure_reason || call.status}`, tag: call.call_sid});
      n.onclick = () => { window.focus(); this.openCall(call.call_sid); };
    } catch {
      // some browsers allow notifications only from a service worker: the list and the title still show it
    }
  }
}
