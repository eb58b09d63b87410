// Start calls: pick drivers (GET /drivers) and violation types (free-text tags plus suggestions), then
// POST /driver_data/call-elevenlabs and show one result per driver in words. When this server lets only
// admins list drivers (403), driver ids can be typed instead.

import {drivers, post} from './api.js';
import {h, fill, show, messageArea} from './dom.js';

export const SUGGESTIONS = ['speeding', 'hours_of_service', 'seatbelt', 'phone_use', 'inspection_overdue'];
const DRIVER_ID = /^[A-Za-z0-9._-]{1,64}$/;
const MAX_DRIVERS = 50;
const MAX_VIOLATIONS = 20;

export class StartCalls {
  constructor(root, openCall) {
    this.root = root;
    this.openCall = openCall;
    this.tags = [];
    this.manual = false;
    this.build();
  }

  build() {
    this.message = messageArea({'data-testid': 'start-message'});
    this.el = {
      drivers: h('div', {class: 'driver-list', id: 'driver-list', role: 'group', 'aria-labelledby': 'drivers-legend'}),
      filter: h('input', {id: 'driver-filter', type: 'search', placeholder: 'Filter drivers', 'aria-label': 'Filter drivers',
        oninput: () => this.filterDrivers()}),
      manual: h('input', {id: 'start-driver-ids', hidden: true, 'aria-label': 'Driver ids, separated by commas',
        placeholder: 'driver ids, separated by commas'}),
      tags: h('ul', {class: 'tags', id: 'violation-tags', 'aria-label': 'Chosen violation types'}),
      tagInput: h('input', {id: 'violation-input', maxlength: 200, placeholder: 'e.g. speeding',
        onkeydown: e => { if (e.key === 'Enter' || e.key === ',') { e.preventDefault(); this.addTag(e.target.value); } }}),
      submit: h('button', {type: 'submit', id: 'start-call', class: 'primary'}, 'Start calls'),
      results: h('ul', {class: 'results', id: 'start-results', 'data-testid': 'start-results', 'aria-live': 'polite'}),
    };
    fill(this.root,
      h('div', {class: 'section-head'}, h('h2', {id: 'start-title'}, 'Start calls')),
      h('form', {id: 'start-form', novalidate: true, onsubmit: e => { e.preventDefault(); this.submit(); }},
        h('fieldset', {},
          h('legend', {id: 'drivers-legend'}, 'Drivers'),
          h('div', {class: 'row'}, this.el.filter,
            h('button', {type: 'button', id: 'select-all', class: 'link', onclick: () => this.selectAll(true)}, 'Select all'),
            h('button', {type: 'button', id: 'select-none', class: 'link', onclick: () => this.selectAll(false)}, 'None')),
          this.el.drivers, this.el.manual),
        h('fieldset', {},
          h('legend', {}, 'Violation types'),
          this.el.tags,
          h('div', {class: 'row'},
            h('label', {for: 'violation-input', class: 'sr-only'}, 'Add a violation type'), this.el.tagInput,
            h('button', {type: 'button', id: 'violation-add', onclick: () => this.addTag(this.el.tagInput.value)}, 'Add')),
          h('div', {class: 'suggestions', 'aria-label': 'Suggestions'}, 'Suggestions: ',
            SUGGESTIONS.map(s => h('button', {type: 'button', class: 'chip', 'data-testid': 'violation-suggestion',
              'data-value': s, onclick: () => this.addTag(s)}, s)))),
        this.message.el,
        this.el.submit),
      h('h3', {}, 'Results'),
      this.el.results);
  }

  /** Called when the tab is shown: (re)load the driver list. */
  async show() {
    fill(this.el.drivers, h('p', {class: 'loading'}, 'Loading drivers…'));
    try {
      this.renderDrivers(await drivers(true));
    } catch (e) {
      this.manual = true;
      fill(this.el.drivers, h('p', {class: 'notice', 'data-testid': 'drivers-unavailable'},
        `The driver list cannot be shown (${e.message}). Type driver ids instead.`));
      show(this.el.manual, true);
    }
  }

  renderDrivers(list) {
    this.manual = false;
    show(this.el.manual, false);
    const checked = new Set(this.selectedDrivers());
    if (!list.length) {
      fill(this.el.drivers, h('p', {class: 'empty'}, 'No drivers yet. An admin can add them under Drivers.'));
      return;
    }
    fill(this.el.drivers, list.map(d => h('label', {class: 'driver-option', 'data-search': `${d.driver_id} ${d.name}`.toLowerCase()},
      h('input', {type: 'checkbox', name: 'driver', value: d.driver_id, 'data-testid': 'driver-option',
        checked: checked.has(d.driver_id)}),
      h('span', {}, d.name, ' ', h('span', {class: 'muted mono'}, d.driver_id), ' ', h('span', {class: 'muted'}, d.phone_number)))));
    this.filterDrivers();
  }

  filterDrivers() {
    const q = this.el.filter.value.trim().toLowerCase();
    this.el.drivers.querySelectorAll('label.driver-option')
      .forEach(l => { l.hidden = q !== '' && !l.dataset.search.includes(q); });
  }

  selectAll(on) {
    this.el.drivers.querySelectorAll('label.driver-option:not([hidden]) input').forEach(i => { i.checked = on; });
  }

  selectedDrivers() {
    if (this.manual) {
      return [...new Set(this.el.manual.value.split(/[\s,]+/).filter(Boolean))];
    }
    return [...this.el.drivers.querySelectorAll('input[data-testid=driver-option]:checked')].map(i => i.value);
  }

  addTag(text) {
    const tag = String(text).replace(/,/g, ' ').trim();
    this.el.tagInput.value = '';
    if (!tag || this.tags.includes(tag)) return;
    if (this.tags.length >= MAX_VIOLATIONS) {
      this.message.error(`At most ${MAX_VIOLATIONS} violation types.`);
      return;
    }
    this.tags.push(tag);
    this.renderTags();
  }

  renderTags() {
    fill(this.el.tags, this.tags.map(t => h('li', {class: 'chip', 'data-testid': 'violation-tag', 'data-value': t}, t,
      h('button', {type: 'button', class: 'remove', 'aria-label': `Remove ${t}`,
        onclick: () => { this.tags = this.tags.filter(x => x !== t); this.renderTags(); }}, '×'))));
  }

  async submit() {
    if (this.el.tagInput.value.trim()) this.addTag(this.el.tagInput.value);
    const driverIds = this.selectedDrivers();
    const invalid = driverIds.find(id => !DRIVER_ID.test(id));
    const problem = !driverIds.length ? 'Choose at least one driver.'
      : driverIds.length > MAX_DRIVERS ? `At most ${MAX_DRIVERS} drivers at once.`
        : invalid ? `"${invalid}" is not a valid driver id.`
          : !this.tags.length ? 'Add at least one violation type.' : null;
    if (problem) {
      this.message.error(problem);
      return;
    }
    // dialling several drivers at once is hard to undo: ask first (one driver is dialled straight away)
    if (driverIds.length > 1 && !window.confirm(`Call ${driverIds.length} drivers now?`)) {
      this.message.info('Nothing started.');
      this.el.submit.focus();
      return;
    }
    this.el.submit.disabled = true;
    this.message.info(`Starting ${driverIds.length} call${driverIds.length > 1 ? 's' : ''}…`);
    try {
      const body = await post('/driver_data/call-elevenlabs', {driver_ids: driverIds, violation_types: this.tags});
      const results = body.results || [];
      const started = results.filter(r => r.call_sid && !r.error).length;
      this.message.info(`${started} of ${results.length} call${results.length === 1 ? '' : 's'} started.`);
      fill(this.el.results, results.map(r => this.result(r)));
    } catch (e) {
      this.message.error(e.message);
    } finally {
      this.el.submit.disabled = false;
    }
  }

  result(r) {
    const ok = r.call_sid && !r.error;
    return h('li', {class: ok ? 'ok' : 'failed', 'data-testid': 'start-result', 'data-driver-id': r.driver_id,
      'data-call-sid': r.call_sid || '', 'data-status': r.status || ''},
      h('strong', {}, r.driver_id), ': ',
      ok ? ['call started (', h('span', {class: 'mono'}, r.call_sid), ') ',
        h('button', {type: 'button', class: 'link', onclick: () => this.openCall(r.call_sid)}, 'Open')]
        : [`not started: ${r.error || r.status || 'unknown error'}`,
          r.call_sid ? [' (', h('span', {class: 'mono'}, r.call_sid), ')'] : null]);
  }
}
