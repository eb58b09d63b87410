// Small DOM and formatting helpers. Text always goes in as text nodes (never innerHTML), so nothing a driver
// says in a call, and nothing the API returns, can inject markup.

/** h('button', {class: 'primary', onclick: fn, 'data-testid': 'x'}, 'text', childNode, [more]) */
export function h(tag, attrs, ...children) {
  const el = document.createElement(tag);
  for (const [key, value] of Object.entries(attrs || {})) {
    if (value == null || value === false) continue;
    if (key === 'class') el.className = value;
    else if (key.startsWith('on') && typeof value === 'function') el.addEventListener(key.slice(2), value);
    else if (key === 'value' || key === 'checked' || key === 'disabled') el[key] = value;
    else el.setAttribute(key, value === true ? '' : String(value));
  }
  append(el, children);
  return el;
}

export function append(el, children) {
  for (const child of children.flat(Infinity)) {
    if (child == null || child === false) continue;
    el.append(child instanceof Node ? child : document.createTextNode(String(child)));
  }
  return el;
}

/** Replaces an element's content. */
export function fill(el, ...children) {
  el.replaceChildren();
  return append(el, children);
}

export function show(el, visible) {
  el.hidden = !visible;
  return el;
}

/** 65 -> "1:05", 3723 -> "1:02:03". */
export function duration(seconds) {
  if (seconds == null || !Number.isFinite(seconds) || seconds < 0) return '—';
  const s = Math.floor(seconds);
  const hh = Math.floor(s / 3600);
  const mm = Math.floor((s % 3600) / 60);
  const ss = String(s % 60).padStart(2, '0');
  return hh > 0 ? `${hh}:${String(mm).padStart(2, '0')}:${ss}` : `${mm}:${ss}`;
}

/** Seconds since an ISO time, never negative (clocks differ a little). */
export function elapsedSince(iso, now = Date.now()) {
  const t = Date.parse(iso);
  return Number.isNaN(t) ? null : Math.max(0, (now - t) / 1000);
}

export function dateTime(iso) {
  if (!iso) return '—';
  const d = new Date(iso);
  return Number.isNaN(d.getTime()) ? String(iso) : d.toLocaleString();
}

export function time(iso) {
  if (!iso) return '';
  const d = new Date(iso);
  return Number.isNaN(d.getTime()) ? '' : d.toLocaleTimeString();
}

export function cost(value) {
  return value == null ? '—' : `${Number(value).toLocaleString()} credits`;
}

export function success(value) {
  return value === true ? 'Successful' : value === false ? 'Not successful' : 'Unknown';
}

const STATUS_WORDS = {initiated: 'Dialling', in_progress: 'In progress', completed: 'Completed', failed: 'Failed'};

export function statusBadge(status) {
  return h('span', {class: `badge status-${status || 'unknown'}`, 'data-testid': 'status', 'data-status': status},
    STATUS_WORDS[status] || status || 'unknown');
}

export function isActive(status) {
  return status === 'initiated' || status === 'in_progress';
}

/** The violation types a call was started for, wherever the call data carries them. */
export function violations(call) {
  if (Array.isArray(call?.violation_types)) return call.violation_types;
  const vars = call?.metadata_json?.dynamic_variables;
  return typeof vars?.violation_types === 'string' ? vars.violation_types.split(',').map(s => s.trim()) : [];
}

/** A status message area: {el, info(text), error(text), clear()}. */
export function messageArea(attrs = {}) {
  const el = h('p', {class: 'message', role: 'status', 'aria-live': 'polite', hidden: true, ...attrs});
  const set = (cls, text) => { el.className = `message ${cls}`; fill(el, text); el.hidden = !text; };
  return {el, info: t => set('info', t), error: t => set('error', t), clear: () => set('', '')};
}

/** An inbound call's marker (outbound calls, the usual case, get none unless `always`). */
export function directionBadge(call, always = false) {
  if (call?.direction === 'inbound') {
    return h('span', {class: 'badge direction-inbound', 'data-testid': 'direction', 'data-direction': 'inbound',
      title: 'The driver called in'}, '↙ Inbound');
  }
  return always ? h('span', {class: 'muted', 'data-testid': 'direction', 'data-direction': 'outbound'}, 'Outbound')
    : null;
}

/**
 * Who the call is with: the driver's name and id, else (an inbound call from a number that matches no driver)
 * "Unknown caller" and the number, else "—". `name` is the driver's name when the caller knows it.
 */
export function party(call, name) {
  if (call?.driver_id) {
    return name ? h('span', {'data-testid': 'party'}, name, ' ', h('span', {class: 'muted'}, call.driver_id))
      : h('span', {'data-testid': 'party'}, call.driver_id);
  }
  if (call?.caller_number) {
    return h('span', {'data-testid': 'party', class: 'unknown-caller'}, 'Unknown caller ',
      h('span', {class: 'mono'}, call.caller_number));
  }
  return h('span', {'data-testid': 'party'}, '—');
}

const RECORDING_WORDS = {
  requested: 'Starting…', recording: 'Recording', downloading: 'Downloading', stored: 'Stored',
  start_failed: 'Could not start', download_failed: 'Download failed', available: 'At Twilio (not downloaded)',
  absent: 'None (Twilio recorded nothing)', failed: 'Failed at Twilio',
};

/** The state of an inbound call's Twilio recording in words; '—' when there is none. */
export function recordingText(status) {
  return status ? (RECORDING_WORDS[status] || status) : '—';
}

/** A search excerpt ({fragments: [{text, highlight}]}) as text nodes and <mark> elements, never markup. */
export function excerpt(match) {
  const parts = Array.isArray(match?.fragments) ? match.fragments : [];
  return h('span', {class: 'excerpt', 'data-testid': 'match'},
    match?.source === 'summary' ? h('span', {class: 'muted'}, 'Summary: ') : null,
    match?.source === 'transcript' && match.speaker_type ? h('span', {class: 'muted'},
      match.speaker_type === 'agent' ? 'Agent: ' : 'Driver: ') : null,
    parts.map(p => p.highlight ? h('mark', {}, String(p.text ?? '')) : String(p.text ?? '')));
}
