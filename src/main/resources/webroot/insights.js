// Insights: GET /insights over a range of days (default the last 30, today included) in the browser's time zone,
// drawn as charts. The range lives in the address bar (#/insights?from=YYYY-MM-DD&to=YYYY-MM-DD), so a view can be
// shared or bookmarked; the back button moves between ranges.

import {get} from './api.js';
import {h, fill, show, duration, messageArea} from './dom.js';
import {stackedBars, rateBars, percent} from './charts.js';

const DEFAULT_DAYS = 30;
const MAX_DAYS = 366;
const OUTCOME_WORDS = {
  successful: 'Successful', unsuccessful: 'Not successful', no_verdict: 'No verdict', failed: 'Failed',
  active: 'Still active',
};

/** A Date as the local calendar day YYYY-MM-DD. */
function isoDay(d) {
  return `${d.getFullYear()}-${String(d.getMonth() + 1).padStart(2, '0')}-${String(d.getDate()).padStart(2, '0')}`;
}

function daysBefore(day, n) {
  const d = new Date(`${day}T12:00:00`);
  d.setDate(d.getDate() - n);
  return isoDay(d);
}

function daysBetween(from, to) {
  return Math.round((Date.parse(`${to}T00:00:00Z`) - Date.parse(`${from}T00:00:00Z`)) / 86400000) + 1;
}

function zone() {
  try {
    return Intl.DateTimeFormat().resolvedOptions().timeZone || 'UTC';
  } catch {
    return 'UTC';
  }
}

export class Insights {
  constructor(root) {
    this.root = root;
    this.shown = null; // the "from|to" last loaded
    this.build();
    window.addEventListener('hashchange', () => {
      if (location.hash.startsWith('#/insights') && !this.root.hidden) this.fromUrl();
    });
  }

  build() {
    const field = (label, input) => h('div', {class: 'field'}, h('label', {for: input.id}, label), input);
    const preset = days => h('button', {type: 'button', class: 'link', 'data-days': days,
      onclick: () => this.go(daysBefore(isoDay(new Date()), days - 1), isoDay(new Date()))}, `Last ${days} days`);
    this.message = messageArea({'data-testid': 'insights-message'});
    this.el = {
      from: h('input', {id: 'insights-from', type: 'date', required: true}),
      to: h('input', {id: 'insights-to', type: 'date', required: true}),
      zone: h('span', {class: 'muted', 'data-testid': 'insights-zone', role: 'status'}),
      loading: h('p', {class: 'loading', 'data-testid': 'insights-loading', hidden: true}, 'Counting calls…'),
      figures: h('dl', {class: 'figures', 'data-testid': 'insights-figures'}),
      charts: h('div', {class: 'charts', 'data-testid': 'insights-charts'}),
    };
    fill(this.root,
      h('div', {class: 'section-head'}, h('h2', {id: 'insights-title'}, 'Insights'), this.el.zone),
      h('form', {class: 'filters', id: 'insights-form', 'aria-label': 'Date range',
        onsubmit: e => { e.preventDefault(); this.go(this.el.from.value, this.el.to.value); }},
        field('From', this.el.from), field('To', this.el.to),
        h('button', {type: 'submit', id: 'insights-show', class: 'primary'}, 'Show'),
        h('span', {class: 'presets'}, preset(7), preset(30), preset(90))),
      this.message.el, this.el.loading, this.el.figures, this.el.charts);
  }

  /** Called when the tab is shown. */
  show() {
    this.fromUrl();
  }

  /** The range of the address bar, else the default; loads it unless it is what is shown. */
  fromUrl() {
    const params = new URLSearchParams(location.hash.split('?')[1] || '');
    const to = params.get('to') || isoDay(new Date());
    const from = params.get('from') || daysBefore(to, DEFAULT_DAYS - 1);
    this.el.from.value = from;
    this.el.to.value = to;
    // the default range goes into the address bar too (without a new history entry)
    if (!params.get('from') || !params.get('to')) history.replaceState(null, '', `#/insights?from=${from}&to=${to}`);
    if (this.shown !== `${from}|${to}`) this.load(from, to);
  }

  /** A new range: checked here first, then put in the address bar (which loads it). */
  go(from, to) {
    if (!from || !to) return this.message.error('Pick both days.');
    if (from > to) return this.message.error('"From" must not be after "To".');
    if (daysBetween(from, to) > MAX_DAYS) return this.message.error(`Pick at most ${MAX_DAYS} days.`);
    const hash = `#/insights?from=${from}&to=${to}`;
    if (location.hash === hash) this.load(from, to);
    else location.hash = hash;
  }

  async load(from, to) {
    this.shown = `${from}|${to}`;
    this.message.clear();
    show(this.el.loading, true);
    this.root.setAttribute('aria-busy', 'true');
    const generation = this.generation = (this.generation || 0) + 1;
    try {
      const report = await get('/insights', {from, to, tz: zone()});
      if (generation === this.generation) this.render(report);
    } catch (e) {
      if (generation === this.generation) {
        this.shown = null;
        this.message.error(e.message);
        this.el.charts.replaceChildren();
        this.el.figures.replaceChildren();
      }
    } finally {
      if (generation === this.generation) {
        show(this.el.loading, false);
        this.root.removeAttribute('aria-busy');
      }
    }
  }

  render(r) {
    const t = r.totals;
    fill(this.el.zone, `${r.days} days, ${r.from} to ${r.to}, days in ${r.tz}`);
    const figure = (name, value) => h('div', {},
      h('dt', {}, name), h('dd', {'data-testid': `figure-${name.toLowerCase().replace(/ /g, '-')}`}, value));
    fill(this.el.figures,
      figure('Calls', String(t.calls)),
      figure('Success rate', `${percent(t.success_rate)} of ${t.ended} ended`),
      figure('Median duration', t.duration_seconds.p50 == null ? '—' : duration(t.duration_seconds.p50)),
      figure('Total cost', t.cost.total == null ? '—' : `${Number(t.cost.total).toLocaleString()} credits`));
    fill(this.el.charts, this.perDay(r), this.perType(r),
      this.histogram(r.duration_histogram, 'chart-duration', 'Call duration', 'calls',
        b => `${duration(b.from)}–${duration(b.to)}`, t.duration_seconds.calls),
      this.histogram(r.cost_histogram, 'chart-cost', 'Cost (credits)', 'calls',
        b => `${b.from.toLocaleString()}–${b.to.toLocaleString()}`, t.cost.calls));
  }

  perDay(r) {
    const series = r.outcomes.map(key => ({key, label: OUTCOME_WORDS[key] || key}));
    const busiest = r.per_day.reduce((a, d) => (d.calls > a.calls ? d : a), {calls: 0});
    const label = `Calls per day, ${r.from} to ${r.to}: ${r.totals.calls} calls` +
      (busiest.day ? `, most on ${busiest.day} (${busiest.calls})` : '') +
      `; ${series.map(s => `${r.totals.by_outcome[s.key]} ${s.label.toLowerCase()}`).join(', ')}.`;
    return stackedBars({
      testid: 'chart-per-day', title: 'Calls per day by outcome', label, unit: 'calls',
      categories: r.per_day.map(d => d.day.slice(5)),
      series,
      values: r.per_day.map(d => r.outcomes.map(k => d.by_outcome[k])),
      barTitle: i => {
        const d = r.per_day[i];
        const parts = series.filter(s => d.by_outcome[s.key] > 0).map(s => `${d.by_outcome[s.key]} ${s.label.toLowerCase()}`);
        return `${d.day}: ${d.calls} call${d.calls === 1 ? '' : 's'}${parts.length ? ` (${parts.join(', ')})` : ''}`;
      },
    });
  }

  perType(r) {
    const items = r.per_violation_type.map(v => ({
      name: v.violation_type ?? '(none)',
      rate: v.success_rate,
      text: `${v.violation_type ?? 'no violation type'}: ${v.by_outcome.successful} successful of ${v.ended} ended`
        + ` (${v.calls} calls)`,
    }));
    const label = items.length
      ? `Success rate per violation type: ${items.map(i => `${i.name} ${percent(i.rate)}`).join(', ')}.`
      : 'Success rate per violation type: no calls in this range.';
    const chart = rateBars({testid: 'chart-types', title: 'Success rate per violation type', label, items});
    if (r.other_violation_types > 0) {
      chart.append(h('p', {class: 'muted'}, `${r.other_violation_types} more violation types not shown.`));
    }
    return chart;
  }

  histogram(hist, testid, title, unit, bucketName, calls) {
    if (!hist.buckets.length) {
      return h('figure', {class: 'chart', 'data-testid': testid}, h('figcaption', {}, title),
        h('p', {class: 'empty'}, 'No completed call with a value in this range.'));
    }
    const names = hist.buckets.map(bucketName);
    const label = `${title} of ${calls} calls: ` + hist.buckets.map((b, i) => `${names[i]}: ${b.calls}`).join(', ') + '.';
    return stackedBars({
      testid, title: `${title}, ${calls} calls`, label, unit,
      categories: names,
      series: [{key: 'bucket', label: 'Calls'}],
      values: hist.buckets.map(b => [b.calls]),
      barTitle: i => `${names[i]}: ${hist.buckets[i].calls} call${hist.buckets[i].calls === 1 ? '' : 's'}`,
    });
  }
}
