// History and search: GET /calls with the filters (words said or summarised, driver, violation type, direction,
// status, outcome, dates), newest first, paged with `before` = the previous page's next_before. The filters live in
// the address bar (#/history?q=tunnel&direction=inbound&from=2026-11-25), so a reload or a shared link shows the
// same view: submitting the form only changes the address, and app.js hands the address's filters to show().
// Dates are local days in the address and ISO-8601 instants to the API. "Export CSV" downloads GET /calls.csv with
// the same filters: fetched with the Authorization header (a plain link could not send it) and saved from a blob.

import {get, send, drivers} from './api.js';
import {SUGGESTIONS} from './start.js';
import {h, fill, show, dateTime, duration, success, statusBadge, messageArea, directionBadge, party,
  recordingText, excerpt} from './dom.js';

const PAGE = 50;
/** The filters kept in the address, in this order; the same names as the API's, dates as local days. */
const KEYS = ['q', 'driver_id', 'violation_type', 'direction', 'status', 'successful', 'from', 'to'];

export class History {
  constructor(root, openCall) {
    this.root = root;
    this.openCall = openCall;
    this.shown = null; // the filters (address form) of the rows on screen
    this.nextBefore = null;
    this.build();
  }

  build() {
    this.message = messageArea({'data-testid': 'history-message'});
    const field = (label, input) => h('div', {class: 'field'}, h('label', {for: input.id}, label), input);
    const select = (id, options) => h('select', {id}, options.map(([value, text]) => h('option', {value}, text)));
    this.el = {
      q: h('input', {id: 'history-q', type: 'search', maxlength: 200, placeholder: 'words said in a call',
        'data-testid': 'history-q'}),
      driver_id: h('input', {id: 'history-driver', list: 'history-driver-list', maxlength: 64,
        placeholder: 'any driver'}),
      driverList: h('datalist', {id: 'history-driver-list'}),
      violation_type: h('input', {id: 'history-violation', list: 'history-violation-list', maxlength: 200,
        placeholder: 'any violation'}),
      violationList: h('datalist', {id: 'history-violation-list'}, SUGGESTIONS.map(s => h('option', {value: s}))),
      direction: select('history-direction', [['', 'any direction'], ['inbound', 'inbound'], ['outbound', 'outbound']]),
      status: select('history-status', [['', 'any status'],
        ...['initiated', 'in_progress', 'completed', 'failed'].map(s => [s, s.replace('_', ' ')])]),
      successful: select('history-successful', [['', 'any outcome'], ['true', 'successful'],
        ['false', 'not successful']]),
      from: h('input', {id: 'history-from', type: 'date'}),
      to: h('input', {id: 'history-to', type: 'date'}),
      rows: h('tbody', {id: 'history-rows'}),
      matchHead: h('th', {scope: 'col', hidden: true}, 'Where it was said'),
      empty: h('p', {class: 'empty', 'data-testid': 'history-empty', hidden: true}, 'No calls match these filters.'),
      loading: h('p', {class: 'loading', 'data-testid': 'history-loading', hidden: true}, 'Loading calls…'),
      more: h('button', {type: 'button', id: 'history-more', hidden: true, onclick: () => this.load(false)},
        'Load more'),
      exportButton: h('button', {type: 'button', id: 'history-export', 'data-testid': 'history-export',
        onclick: () => this.exportCsv()}, 'Export CSV'),
    };
    const e = this.el;
    fill(this.root,
      h('div', {class: 'section-head'}, h('h2', {id: 'history-title'}, 'Call history'), e.exportButton),
      h('form', {class: 'filters', id: 'history-form', role: 'search', 'aria-label': 'Search and filter calls',
        onsubmit: ev => { ev.preventDefault(); this.submit(); }},
        h('div', {class: 'field search'}, h('label', {for: e.q.id}, 'Search what was said'), e.q),
        field('Driver', e.driver_id), e.driverList,
        field('Violation type', e.violation_type), e.violationList,
        field('Direction', e.direction),
        field('Status', e.status),
        field('Outcome', e.successful),
        field('From', e.from),
        field('To', e.to),
        h('button', {type: 'submit', id: 'history-search', class: 'primary'}, 'Search')),
      this.message.el,
      h('div', {class: 'table-wrap'},
        h('table', {class: 'grid', 'aria-labelledby': 'history-title'},
          h('thead', {}, h('tr', {},
            ['Created', 'Driver or caller', 'Direction', 'Status', 'Outcome', 'Duration', 'Recording']
              .map(t => h('th', {scope: 'col'}, t)), e.matchHead, h('th', {scope: 'col'}, 'Call'))),
          e.rows)),
      e.loading, e.empty, e.more);
  }

  /** The filters in the form, as the address keeps them (only those set). */
  formFilters() {
    const filters = new URLSearchParams();
    for (const key of KEYS) {
      const value = this.el[key].value.trim();
      if (value) filters.set(key, value);
    }
    return filters;
  }

  /** Search: the address takes the form's filters; app.js then calls show() with them (also on Enter again). */
  submit() {
    const filters = this.formFilters();
    if (filters.get('from') && filters.get('to') && filters.get('from') > filters.get('to')) {
      this.message.error('"From" must not be after "To".');
      return;
    }
    const target = `#/history${filters.toString() ? `?${filters}` : ''}`;
    if (location.hash === target) this.show(filters, true);
    else location.hash = target;
  }

  /**
   * The tab is shown, or the address changed: fill the form from the address's filters and load the first page
   * (unless these rows are on screen already and nothing asks for a reload).
   */
  show(filters = new URLSearchParams(), reload = false) {
    drivers().then(list => fill(this.el.driverList,
      list.map(d => h('option', {value: d.driver_id}, d.name)))).catch(() => {});
    const wanted = new URLSearchParams(KEYS.filter(k => filters.get(k)).map(k => [k, filters.get(k)]));
    for (const key of KEYS) this.el[key].value = wanted.get(key) || '';
    if (!reload && this.shown === wanted.toString()) return;
    this.shown = wanted.toString();
    this.load(true);
  }

  /** The API's query for the filters on screen: local days become instants. */
  apiQuery() {
    const filters = new URLSearchParams(this.shown || '');
    const day = (value, end) => value ? new Date(`${value}T${end ? '23:59:59.999' : '00:00:00'}`).toISOString() : null;
    const query = {};
    for (const key of KEYS) query[key] = filters.get(key);
    query.from = day(query.from, false);
    query.to = day(query.to, true);
    return query;
  }

  async load(fresh) {
    if (fresh) {
      this.nextBefore = null;
      this.el.rows.replaceChildren();
    }
    this.message.clear();
    show(this.el.loading, true);
    show(this.el.empty, false);
    this.el.more.disabled = true;
    const query = this.apiQuery();
    this.searching = !!query.q;
    show(this.el.matchHead, this.searching);
    const generation = this.generation = (this.generation || 0) + 1;
    try {
      const page = await get('/calls', {...query, limit: PAGE, before: fresh ? null : this.nextBefore});
      if (generation !== this.generation) return;
      this.el.rows.append(...(page.calls || []).map(c => this.row(c)));
      this.nextBefore = page.next_before || null;
      show(this.el.empty, this.el.rows.childElementCount === 0);
      show(this.el.more, this.nextBefore != null);
    } catch (e) {
      if (generation === this.generation) this.message.error(e.message);
    } finally {
      if (generation === this.generation) {
        show(this.el.loading, false);
        this.el.more.disabled = false;
        this.root.dataset.loaded = `?${this.shown}`; // the filters whose rows are on screen (tests wait on it)
      }
    }
  }

  row(c) {
    const open = () => this.openCall(c.call_sid);
    return h('tr', {class: 'clickable', tabindex: 0, 'data-testid': 'history-row', 'data-call-sid': c.call_sid,
      'aria-label': `Open call ${c.call_sid}`, onclick: open,
      onkeydown: e => { if (e.key === 'Enter' || e.key === ' ') { e.preventDefault(); open(); } }},
    h('td', {'data-label': 'Created'}, dateTime(c.created_at)),
    h('td', {'data-label': 'Driver'}, party(c, c.driver_name)),
    h('td', {'data-label': 'Direction'}, directionBadge(c, true)),
    h('td', {'data-label': 'Status', 'data-testid': 'history-status-cell'}, statusBadge(c.status)),
    h('td', {'data-label': 'Outcome'}, c.status === 'completed' ? success(c.call_successful) : '—'),
    h('td', {'data-label': 'Duration'}, duration(c.call_duration_seconds)),
    h('td', {'data-label': 'Recording', 'data-testid': 'recording'}, recordingText(c.recording_status)),
    this.searching ? h('td', {'data-label': 'Said'}, excerpt(c.match)) : null,
    h('td', {'data-label': 'Call', class: 'mono'}, c.call_sid));
  }

  /** GET /calls.csv with the filters on screen, saved as the file the server names. */
  async exportCsv() {
    const button = this.el.exportButton;
    button.disabled = true;
    this.message.info('Preparing the CSV export…');
    try {
      const response = await send('GET', '/calls.csv', {query: this.apiQuery(), raw: true});
      const blob = await response.blob();
      const name = /filename="([^"]+)"/.exec(response.headers.get('Content-Disposition') || '')?.[1] || 'calls.csv';
      const url = URL.createObjectURL(blob);
      const link = h('a', {href: url, download: name, hidden: true});
      document.body.append(link);
      link.click();
      link.remove();
      setTimeout(() => URL.revokeObjectURL(url), 60000);
      const limit = Number(response.headers.get('X-Export-Row-Limit'));
      const rows = Math.max(0, records(await blob.text()) - 1);
      this.message.info(rows >= limit ? `Exported the newest ${limit} calls (the most one export holds; narrow the `
        + 'dates for older calls).' : `Exported ${rows} call${rows === 1 ? '' : 's'} as ${name}.`);
    } catch (e) {
      this.message.error(`The export failed: ${e.message}`);
    } finally {
      button.disabled = false;
    }
  }
}

/** CSV records (line ends outside quoted fields), so a summary with line breaks counts once. */
function records(text) {
  let count = 0;
  let quoted = false;
  for (const c of text) {
    if (c === '"') quoted = !quoted;
    else if (c === '\n' && !quoted) count++;
  }
  return count;
}
