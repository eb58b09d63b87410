// The completion card of a finished call: outcome, summary, duration, cost, and ElevenLabs' analysis
// (evaluation criteria and collected data) in words rather than JSON. The raw analysis stays one click away.

import {h, duration, cost, success} from './dom.js';

const RESULT_WORDS = {success: 'Met', failure: 'Not met', unknown: 'Unknown'};

export function completionCard(call) {
  const analysis = call.analysis_data && typeof call.analysis_data === 'object' ? call.analysis_data : {};
  const failed = call.status === 'failed';
  const title = analysis.call_summary_title || (failed ? 'Call failed' : 'Call completed');
  const fact = (label, value, testid) => [h('dt', {}, label), h('dd', {'data-testid': testid}, value)];
  return h('section', {class: `card completion ${failed ? 'failed' : ''}`, 'data-testid': 'completion',
    'data-status': call.status, 'aria-labelledby': 'completion-title'},
    h('h3', {id: 'completion-title'}, title),
    h('dl', {class: 'facts'},
      fact('Outcome', h('span', {class: `badge success-${call.call_successful}`}, success(call.call_successful)),
        'completion-success'),
      fact('Duration', duration(call.call_duration_seconds), 'completion-duration'),
      fact('Cost', cost(call.cost), 'completion-cost'),
      call.failure_reason ? fact('Failure reason', call.failure_reason, 'completion-failure') : null),
    call.transcript_summary
      ? h('p', {class: 'summary', 'data-testid': 'completion-summary'}, call.transcript_summary)
      : h('p', {class: 'muted', 'data-testid': 'completion-summary'}, failed ? 'The call did not take place.' : 'No summary.'),
    criteria(analysis.evaluation_criteria_results),
    collected(analysis.data_collection_results),
    Object.keys(analysis).length ? h('details', {},
      h('summary', {}, 'All analysis data'),
      h('pre', {'data-testid': 'completion-raw'}, JSON.stringify(analysis, null, 2))) : null);
}

function entries(results) {
  return results && typeof results === 'object' ? Object.entries(results) : [];
}

function criteria(results) {
  const items = entries(results);
  if (!items.length) return null;
  return h('div', {class: 'analysis', 'data-testid': 'completion-criteria'},
    h('h4', {}, 'Evaluation criteria'),
    h('ul', {}, items.map(([id, r]) => h('li', {'data-criterion': r?.criteria_id || id},
      h('strong', {}, humanise(r?.criteria_id || id)), ' ',
      h('span', {class: `badge result-${r?.result}`}, RESULT_WORDS[r?.result] || String(r?.result ?? '—')),
      r?.rationale ? h('p', {class: 'muted'}, r.rationale) : null))));
}

function collected(results) {
  const items = entries(results);
  if (!items.length) return null;
  return h('div', {class: 'analysis', 'data-testid': 'completion-data'},
    h('h4', {}, 'Data collected'),
    h('dl', {class: 'facts'}, items.map(([id, r]) => [
      h('dt', {}, humanise(r?.name || r?.data_collection_id || id)),
      h('dd', {'data-collection': r?.data_collection_id || id}, valueText(r?.value),
        r?.rationale ? h('p', {class: 'muted'}, r.rationale) : null)])));
}

function valueText(value) {
  if (value == null || value === '') return '—';
  return typeof value === 'object' ? JSON.stringify(value) : String(value);
}

/** driver_acknowledged -> "Driver acknowledged" */
function humanise(id) {
  const words = String(id).replace(/[_-]+/g, ' ').trim();
  return words.charAt(0).toUpperCase() + words.slice(1);
}
