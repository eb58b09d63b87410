// History: GET /calls with filters (status, driver_id, from, to, successful), newest first, paged with
// `before` = the previous page's next_before. Dates are picked as local days and sent as ISO-8601 instants.

import {get, drivers} from './api.js';
import {h, fill, show, dateTime, duration, cost, success, statusBadge, messageArea} from './dom.js';

const PAGE = 50;

export class History {
  constructor(root, openCall) {
    this.root = root;
    this.openCall = openCall;
    this.filters = null;
    this.nextBefore = null;
    this.build();
  }

  build() {
    this.message = messageArea({'data-testid': 'history-message'});
    const field = (label, input) => h('div', {class: 'field'}, h('label', {for: input.id}, label), input);
    this.el = {
      driver: h('input', {id: 'history-driver', list: 'history-driver-list', maxlength: 64, placeholder: 'any driver'}),
      driverList: h('datalist', {id: 'history-driver-list'}),
      status: h('select', {id: 'history-status'},
        h('option', {value: ''}, 'any status'),
        ['initiated', 'in_progress', 'completed', 'failed'].map(s => h('option', {value: s}, s.replace('_', ' ')))),
      successful: h('select', {id: 'history-successful'},
        h('option', {value: ''}, 'any outcome'), h('option', {value: 'true'}, 'successful'),
        h('option', {value: 'false'}, 'not successful')),
      from: h('input', {id: 'history-from', type: 'date'}),
      to: h('input', {id: 'history-to', type: 'date'}),
      rows: h('tbody', {id: 'history-rows'}),
      empty: h('p', {class: 'empty', 'data-testid': 'history-empty', hidden: true}, 'No calls match these filters.'),
      loading: h('p', {class: 'loading', 'data-testid': 'history-loading', hidden: true}, 'Loading calls…'),
      more: h('button', {type: 'button', id: 'history-more', hidden: true, onclick: () => this.load(false)}, 'Load more'),
    };
    fill(this.root,
      h('div', {class: 'section-head'}, h('h2', {id: 'history-title'}, 'Call history')),
      h('form', {class: 'filters', id: 'history-form', role: 'search', 'aria-label': 'Filter calls',
        onsubmit: e => { e.preventDefault(); this.load(true); }},
        field('Driver', this.el.driver), this.el.driverList,
        field('Status', this.el.status),
        field('Outcome', this.el.successful),
        field('From', this.el.from),
        field('To', this.el.to),
        h('button', {type: 'submit', id: 'history-search', class: 'primary'}, 'Search')),
      this.message.el,
      h('div', {class: 'table-wrap'},
        h('table', {class: 'grid', 'aria-labelledby': 'history-title'},
          h('thead', {}, h('tr', {}, ['Created', 'Driver', 'Status', 'Duration', 'Outcome', 'Cost', 'Call']
            .map(t => h('th', {scope: 'col'}, t)))),
          this.el.rows)),
      this.el.loading, this.el.empty, this.el.more);
  }

  /** Called when the tab is shown: first page with the current filters (once), driver suggestions. */
  show() {
    drivers().then(list => fill(this.el.driverList,
      list.map(d => h('option', {value: d.driver_id}, d.name)))).catch(() => {});
    if (!this.filters) this.load(true);
  }

  query() {
    const {driver, status, successful, from, to} = this.el;
    // a day picked in the browser is a local day: from its first to its last millisecond
    const day = (value, end) => value ? new Date(`${value}T${end ? '23:59:59.999' : '00:00:00'}`).toISOString() : null;
    return {
      driver_id: driver.value.trim(), status: status.value, successful: successful.value,
      from: day(from.value, false), to: day(to.value, true),
    };
  }

  async load(fresh) {
    if (fresh) {
      this.filters = this.query();
      if (this.filters.from && this.filters.to && this.filters.from > this.filters.to) {
        this.message.error('"From" must not be after "To".');
        return;
      }
      this.nextBefore = null;
      this.el.rows.replaceChildren();
    }
    this.message.clear();
    show(this.el.loading, true);
    show(this.el.empty, false);
    this.el.more.disabled = true;
    const generation = this.generation = (this.generation || 0) + 1;
    try {
      const page = await get('/calls', {...this.filters, limit: PAGE, before: fresh ? null : this.nextBefore});
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
      }
    }
  }

  row(c) {
    const open = () => this.openCall(c.call_sid);
    return h('tr', {class: 'clickable', tabindex: 0, 'data-testid': 'history-row', 'data-call-sid': c.call_sid,
      'aria-label': `Open call ${c.call_sid}`, onclick: open,
      onkeydown: e => { if (e.key === 'Enter' || e.key === ' ') { e.preventDefault(); open(); } }},
    h('td', {'data-label': 'Created'}, dateTime(c.created_at)),
    h('td', {'data-label': 'Driver'}, c.driver_id || '—'),
    h('td', {'data-label': 'Status', 'data-testid': 'history-status-cell'}, statusBadge(c.status)),
    h('td', {'data-label': 'Duration'}, duration(c.call_duration_seconds)),
    h('td', {'data-label': 'Outcome'}, c.status === 'completed' ? success(c.call_successful) : '—'),
    h('td', {'data-label': 'Cost'}, cost(c.cost)),
    h('td', {'data-label': 'Call', class: 'mono'}, c.call_sid));
  }
}
