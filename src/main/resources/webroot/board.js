// The live board: active calls of the whole fleet, fed by the fleet feed ({"watch":"calls"}). The
// watch_confirmed snapshot REPLACES the board (it is sent again after every reconnect); call_started,
// call_status and call_completed frames update it. A finished call stays a few seconds with its final status.

import {get, driverNames} from './api.js';
import {h, fill, show, duration, elapsedSince, statusBadge, isActive, violations, directionBadge, party,
  recordingText} from './dom.js';

const LINGER_MS = 15000;

export class Board {
  constructor(live, openCall) {
    this.live = live;
    this.openCall = openCall;
    this.calls = new Map(); // call_sid -> call_data
    this.rows = new Map(); // call_sid -> <tr>
    this.removals = new Map(); // call_sid -> timer
    this.names = new Map();
    this.tickTimer = null;
    this.el = {
      rows: document.getElementById('board-rows'),
      empty: document.getElementById('board-empty'),
      state: document.getElementById('board-state'),
    };
    live.addEventListener('frame', e => this.onFrame(e.detail));
    live.addEventListener('state', e => this.onState(e.detail));
    this.renderEmpty();
  }

  async start() {
    if (!this.tickTimer) this.tickTimer = setInterval(() => this.tick(), 1000); // the elapsed times
    this.names = await driverNames();
    this.live.watch();
    this.onState(this.live.state);
  }

  stop() {
    clearInterval(this.tickTimer);
    this.tickTimer = null;
    this.replace([]);
  }

  onState(state) {
    const words = {open: 'Live', connecting: 'Connecting…', reconnecting: 'Reconnecting…',
      auth: 'Signed out of the live feed', closed: 'Offline'};
    fill(this.el.state, words[state] || state);
    this.el.state.dataset.state = state;
  }

  onFrame(frame) {
    switch (frame.type) {
      case 'watch_confirmed':
        this.replace(Array.isArray(frame.calls) ? frame.calls : []);
        break;
      case 'call_started':
        if (frame.call_data) this.upsert(frame.call_data);
        break;
      case 'call_status':
        this.status(frame);
        break;
      case 'call_completed':
        if (this.calls.has(frame.call_sid) && frame.call_data) this.upsert(frame.call_data);
        break;
      default:
    }
  }

  replace(calls) {
    this.removals.forEach(clearTimeout);
    this.removals.clear();
    this.calls.clear();
    this.rows.forEach(row => row.remove());
    this.rows.clear();
    // oldest first, each prepended: the newest call ends up on top, as with live call_started frames
    const started = c => Date.parse(c.call_start_time || c.created_at) || 0;
    calls.filter(c => c && c.call_sid).sort((a, b) => started(a) - started(b)).forEach(c => this.upsert(c));
    this.renderEmpty();
  }

  upsert(call) {
    const previous = this.calls.get(call.call_sid) || {};
    const merged = {...previous, ...call};
    this.calls.set(call.call_sid, merged);
    this.render(merged);
    if (!isActive(merged.status)) this.scheduleRemoval(merged.call_sid);
  }

  status(frame) {
    const call = this.calls.get(frame.call_sid);
    if (call) {
      this.upsert({...call, status: frame.status, conversation_id: frame.conversation_id ?? call.conversation_id});
    } else if (isActive(frame.status)) {
      // Not in the snapshot (it started in between): show it now, fill in the details when they arrive.
      this.upsert({call_sid: frame.call_sid, conversation_id: frame.conversation_id, status: frame.status,
        created_at: frame.timestamp});
      get(`/calls/${encodeURIComponent(frame.call_sid)}`)
        .then(data => { if (this.calls.has(data.call_sid)) this.upsert({...data, status: this.calls.get(data.call_sid).status}); })
        .catch(() => {});
    }
  }

  scheduleRemoval(callSid) {
    if (this.removals.has(callSid)) return;
    this.removals.set(callSid, setTimeout(() => {
      this.removals.delete(callSid);
      this.calls.delete(callSid);
      this.rows.get(callSid)?.remove();
      this.rows.delete(callSid);
      this.renderEmpty();
    }, LINGER_MS));
  }

  render(call) {
    let row = this.rows.get(call.call_sid);
    if (!row) {
      row = h('tr', {'data-testid': 'board-row', 'data-call-sid': call.call_sid, tabindex: 0, class: 'clickable',
        'aria-label': `Open call ${call.call_sid}`,
        onclick: () => this.openCall(call.call_sid),
        onkeydown: e => { if (e.key === 'Enter' || e.key === ' ') { e.preventDefault(); this.openCall(call.call_sid); } }});
      this.rows.set(call.call_sid, row);
      this.el.rows.prepend(row); // newest on top
    }
    const since = call.call_start_time || call.created_at;
    fill(row,
      h('td', {'data-label': 'Driver'}, party(call, this.names.get(call.driver_id)), ' ', directionBadge(call)),
      h('td', {'data-label': 'Status', 'data-testid': 'board-status'}, statusBadge(call.status),
        call.recording_status ? h('span', {class: 'muted', 'data-testid': 'recording'},
          ` · recording: ${recordingText(call.recording_status)}`) : null),
      h('td', {'data-label': 'Elapsed', 'data-testid': 'board-elapsed', 'data-since': since || '',
        'data-end': isActive(call.status) ? '' : (call.call_end_time || call.updated_at || '')},
        this.elapsedText(since, isActive(call.status) ? null : (call.call_end_time || call.updated_at))),
      h('td', {'data-label': 'Call', class: 'mono'}, call.call_sid),
      h('td', {'data-label': 'Violations'}, violations(call).join(', ') || '—'));
    row.classList.toggle('finished', !isActive(call.status));
    this.renderEmpty();
  }

  elapsedText(since, end) {
    if (!since) return '—';
    return duration(elapsedSince(since, end ? Date.parse(end) : Date.now()));
  }

  tick() {
    for (const cell of this.el.rows.querySelectorAll('td[data-since]')) {
      if (cell.dataset.since && !cell.dataset.end) fill(cell, this.elapsedText(cell.dataset.since, null));
    }
  }

  renderEmpty() {
    show(this.el.empty, this.calls.size === 0);
  }
}
