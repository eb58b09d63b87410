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
