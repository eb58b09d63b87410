// Small hand-written SVG charts for the insights page: stacked vertical bars and horizontal rate bars. Each chart is
// a <figure> whose <svg role="img"> carries the figures in its aria-label, every bar a <title> (a tooltip), and a
// visually hidden table with the same numbers for screen readers. Colours come from classes in style.css.

import {h} from './dom.js';

const NS = 'http://www.w3.org/2000/svg';
const W = 640;
const H = 240;
const PAD = {top: 22, right: 12, bottom: 30, left: 44};

/** An SVG element; text children become text nodes. */
function s(tag, attrs, ...children) {
  const el = document.createElementNS(NS, tag);
  for (const [k, v] of Object.entries(attrs || {})) if (v != null) el.setAttribute(k, String(v));
  for (const c of children.flat()) if (c != null) el.append(c instanceof Node ? c : document.createTextNode(String(c)));
  return el;
}

/** The smallest 1-2-5 number at least max (so the axis ends on a round value), at least 1. */
function niceMax(max) {
  if (!(max > 0)) return 1;
  const p = 10 ** Math.floor(Math.log10(max));
  return [1, 2, 5, 10].map(m => m * p).find(v => v >= max);
}

function figure(testid, title, svg, legend, table) {
  return h('figure', {class: 'chart', 'data-testid': testid},
    h('figcaption', {}, title),
    svg, legend, table);
}

/** The chart's numbers for screen readers (in a box: a table is never narrower than its content). */
function srTable(caption, head, rows) {
  return h('div', {class: 'sr-only'}, h('table', {},
    h('caption', {}, caption),
    h('thead', {}, h('tr', {}, head.map(t => h('th', {scope: 'col'}, t)))),
    h('tbody', {}, rows.map(r => h('tr', {}, r.map((c, i) => i === 0 ? h('th', {scope: 'row'}, c) : h('td', {}, c)))))));
}

/**
 * Vertical bars, stacked by series.
 * {testid, title, label: the figures in words, categories: [x labels], series: [{key, label}] (class o-<key>),
 *  values: [[value per series] per category], barTitle(i): a bar's words, unit: y axis words}
 */
export function stackedBars({testid, title, label, categories, series, values, barTitle, unit}) {
  const totals = values.map(v => v.reduce((a, b) => a + b, 0));
  const top = niceMax(Math.max(0, ...totals));
  const plotW = W - PAD.left - PAD.right;
  const plotH = H - PAD.top - PAD.bottom;
  const step = plotW / Math.max(1, categories.length);
  const barW = Math.min(64, Math.max(2, step * 0.75));
  const y = v => PAD.top + plotH - (v / top) * plotH;
  const svg = s('svg', {viewBox: `0 0 ${W} ${H}`, role: 'img', 'aria-label': label, class: 'chart-svg'},
    s('title', {}, label));
  const ticks = top % 4 === 0 ? 4 : top % 5 === 0 ? 5 : top; // whole numbers on the axis
  for (let t = 0; t <= ticks; t++) {
    const v = (top / ticks) * t;
    svg.append(s('line', {x1: PAD.left, x2: W - PAD.right, y1: y(v), y2: y(v), class: 'grid-line'}),
      s('text', {x: PAD.left - 6, y: y(v) + 4, class: 'axis', 'text-anchor': 'end'}, fmt(v)));
  }
  svg.append(s('text', {x: 4, y: 10, class: 'axis'}, unit || ''));
  const every = Math.ceil(categories.length / 10); // at most about ten x labels
  categories.forEach((cat, i) => {
    const x = PAD.left + i * step + (step - barW) / 2;
    const bar = s('g', {'data-testid': 'bar', 'data-category': cat, 'data-value': totals[i]}, s('title', {}, barTitle(i)));
    let base = 0;
    series.forEach((ser, j) => {
      const v = values[i][j];
      if (v > 0) {
        bar.append(s('rect', {x, width: barW, y: y(base + v), height: y(base) - y(base + v), class: `o-${ser.key}`}));
      }
      base += v;
    });
    svg.append(bar);
    if (i % every === 0) {
      svg.append(s('text', {x: x + barW / 2, y: H - PAD.bottom + 16, class: 'axis', 'text-anchor': 'middle'}, cat));
    }
  });
  svg.append(s('line', {x1: PAD.left, x2: W - PAD.right, y1: y(0), y2: y(0), class: 'base-line'}));
  const legend = series.length > 1
    ? h('ul', {class: 'legend'}, series.map(ser => h('li', {}, h('span', {class: `swatch o-${ser.key}`}), ser.label)))
    : null;
  const table = srTable(title, ['', ...series.map(ser => ser.label), 'Total'],
    categories.map((cat, i) => [cat, ...values[i], totals[i]]));
  return figure(testid, title, svg, legend, table);
}

/**
 * Horizontal bars of rates (0..1), one per item: {testid, title, label, items: [{name, rate, text}]}; a null rate
 * (nothing ended yet) draws no bar.
 */
export function rateBars({testid, title, label, items}) {
  const rowH = 28;
  const labelW = 170;
  const plotW = W - labelW - 60;
  const height = Math.max(1, items.length) * rowH + 8;
  const svg = s('svg', {viewBox: `0 0 ${W} ${height}`, role: 'img', 'aria-label': label, class: 'chart-svg'},
    s('title', {}, label));
  items.forEach((it, i) => {
    const y = 4 + i * rowH;
    const name = it.name.length > 24 ? `${it.name.slice(0, 23)}…` : it.name;
    svg.append(s('text', {x: labelW - 8, y: y + rowH / 2 + 4, class: 'axis', 'text-anchor': 'end'}, name),
      s('rect', {x: labelW, y: y + 4, width: plotW, height: rowH - 10, class: 'track'}));
    const bar = s('g', {'data-testid': 'bar', 'data-category': it.name, 'data-value': it.rate ?? ''}, s('title', {}, it.text));
    if (it.rate != null) {
      bar.append(s('rect', {x: labelW, y: y + 4, width: Math.max(1, it.rate * plotW), height: rowH - 10, class: 'o-successful'}));
    }
    svg.append(bar, s('text', {x: labelW + plotW + 6, y: y + rowH / 2 + 4, class: 'axis'}, percent(it.rate)));
  });
  const table = srTable(title, ['Violation type', 'Success rate', 'Calls'],
    items.map(it => [it.name, percent(it.rate), it.text]));
  return figure(testid, title, svg, null, table);
}

export function percent(rate) {
  return rate == null ? '—' : `${Math.round(rate * 1000) / 10}%`;
}

function fmt(v) {
  return Number.isInteger(v) ? String(v) : v.toFixed(1);
}
