// Drivers (admins): list them, add one, edit one. PUT /drivers/{driver_id} {name, phone_number} creates (201)
// or updates (200). Inputs are checked here with the server's own rules so mistakes are explained at once.

import {drivers, put} from './api.js';
import {h, fill, show, dateTime, messageArea} from './dom.js';

const DRIVER_ID = /^[A-Za-z0-9._-]{1,64}$/;
const E164 = /^\+[1-9]\d{6,14}$/;

export class Drivers {
  constructor(root) {
    this.root = root;
    this.build();
  }

  build() {
    this.message = messageArea({'data-testid': 'driver-message'});
    this.listMessage = messageArea({'data-testid': 'drivers-list-message'});
    const field = (label, input, hint) => h('div', {class: 'field'}, h('label', {for: input.id}, label), input,
      hint ? h('small', {class: 'muted', id: `${input.id}-hint`}, hint) : null);
    this.el = {
      formTitle: h('h3', {id: 'driver-form-title'}, 'Add a driver'),
      id: h('input', {id: 'driver-id', required: true, maxlength: 64, autocomplete: 'off',
        'aria-describedby': 'driver-id-hint'}),
      name: h('input', {id: 'driver-name', required: true, maxlength: 200, autocomplete: 'off'}),
      phone: h('input', {id: 'driver-phone', required: true, maxlength: 16, type: 'tel', placeholder: '+14155550123',
        'aria-describedby': 'driver-phone-hint'}),
      save: h('button', {type: 'submit', id: 'driver-save', class: 'primary'}, 'Save driver'),
      cancel: h('button', {type: 'button', id: 'driver-cancel', hidden: true, onclick: () => this.edit(null)}, 'Cancel'),
      rows: h('tbody', {id: 'driver-rows'}),
      empty: h('p', {class: 'empty', hidden: true, 'data-testid': 'drivers-empty'}, 'No drivers yet.'),
    };
    fill(this.root,
      h('div', {class: 'section-head'}, h('h2', {id: 'drivers-title'}, 'Drivers')),
      h('form', {id: 'driver-form', class: 'card', novalidate: true, 'aria-labelledby': 'driver-form-title',
        onsubmit: e => { e.preventDefault(); this.save(); }},
        this.el.formTitle,
        field('Driver id', this.el.id, 'letters, digits, . _ - (up to 64)'),
        field('Name', this.el.name),
        field('Phone number', this.el.phone, 'E.164: + country code and number'),
        this.message.el,
        h('div', {class: 'row'}, this.el.save, this.el.cancel)),
      this.listMessage.el,
      h('div', {class: 'table-wrap'},
        h('table', {class: 'grid', 'aria-labelledby': 'drivers-title'},
          h('thead', {}, h('tr', {}, ['Driver id', 'Name', 'Phone', 'Updated', ''].map(t => h('th', {scope: 'col'}, t)))),
          this.el.rows)),
      this.el.empty);
  }

  async show() {
    this.listMessage.info('Loading drivers…');
    try {
      const list = await drivers(true);
      this.listMessage.clear();
      fill(this.el.rows, list.map(d => this.row(d)));
      show(this.el.empty, list.length === 0);
    } catch (e) {
      this.listMessage.error(e.message);
    }
  }

  row(d) {
    return h('tr', {'data-testid': 'driver-row', 'data-driver-id': d.driver_id},
      h('td', {'data-label': 'Driver id', class: 'mono'}, d.driver_id),
      h('td', {'data-label': 'Name'}, d.name),
      h('td', {'data-label': 'Phone', class: 'mono'}, d.phone_number),
      h('td', {'data-label': 'Updated'}, dateTime(d.updated_at)),
      h('td', {}, h('button', {type: 'button', class: 'link', 'data-testid': 'driver-edit',
        'aria-label': `Edit driver ${d.driver_id}`, onclick: () => this.edit(d)}, 'Edit')));
  }

  /** Fills the form with a driver to edit (its id is fixed), or empties it for a new one. */
  edit(d) {
    this.message.clear();
    fill(this.el.formTitle, d ? `Edit driver ${d.driver_id}` : 'Add a driver');
    this.el.id.value = d?.driver_id ?? '';
    this.el.id.readOnly = d != null;
    this.el.name.value = d?.name ?? '';
    this.el.phone.value = d?.phone_number ?? '';
    show(this.el.cancel, d != null);
    (d ? this.el.name : this.el.id).focus();
  }

  async save() {
    const id = this.el.id.value.trim();
    const name = this.el.name.value.trim();
    const phone = this.el.phone.value.replace(/[\s()-]/g, '');
    const problem = !DRIVER_ID.test(id) ? 'The driver id may hold letters, digits, dots, underscores and dashes (1 to 64).'
      : !name ? 'The name is required.'
        : !E164.test(phone) ? 'The phone number must be in E.164 form, such as +14155550123.' : null;
    if (problem) {
      this.message.error(problem);
      return;
    }
    this.el.save.disabled = true;
    try {
      const saved = await put(`/drivers/${encodeURIComponent(id)}`, {name, phone_number: phone});
      this.edit(null);
      this.message.info(`Driver ${saved.driver_id ?? id} saved.`);
      await this.show();
    } catch (e) {
      this.message.error(e.message);
    } finally {
      this.el.save.disabled = false;
    }
  }
}
