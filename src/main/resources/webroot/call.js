// One call, opened from the board, the history or a start result: details, the transcript (streaming live while
// the call runs), the completion card and the recording. The transcript is read over HTTP first, then the
// socket subscription continues from the last turn shown (`since`), also after every reconnect. A frame whose
// sequence_number is not larger than the last one shown is a duplicate and dropped; a gap (never expected)
// is filled from GET /calls/{id}/transcript?since=. The recording streams in the browser's own <audio> element
// from a short-lived signed link (POST /calls/{id}/audio/link), with Range requests, on any node. Opening the
// panel moves the focus to its heading; Escape closes it and gives the focus back to where it was.

import {get, post, driverNames} from './api.js';
import {h, fill, show, dateTime, time, statusBadge, isActive, violations, messageArea, directionBadge, party,
  recordingText} from './dom.js';
import {completionCard} from './completion.js';

export class CallView {
  constructor(live, panel, onClose) {
    this.live = live;
    this.panel = panel;
    this.onClose = onClose;
    this.generation = 0;
    this.callSid = null;
    live.addEventListener('frame', e => this.onFrame(e.detail));
    live.addEventListener('state', e => this.renderLiveState(e.detail));
    document.addEventListener('keydown', e => {
      if (e.key !== 'Escape' || this.panel.hidden || this.panel.closest('[inert]') || e.defaultPrevented) return;
      e.preventDefault();
      this.close();
    });
  }

  async open(identifier) {
    if (this.callSid === identifier || this.call?.conversation_id === identifier) return;
    const opener = this.panel.contains(document.activeElement) ? this.opener : document.activeElement;
    this.close(false);
    this.opener = opener;
    const generation = ++this.generation;
    this.build(identifier);
    show(this.panel, true);
    this.el.title.focus();
    try {
      const [call, transcript, names] = await Promise.all([
        get(`/calls/${encodeURIComponent(identifier)}`),
        get(`/calls/${encodeURIComponent(identifier)}/transcript`),
        driverNames(),
      ]);
      if (generation !== this.generation) return;
      this.callSid = call.call_sid;
      this.call = call;
      this.names = names;
      this.panel.dataset.callSid = call.call_sid;
      this.renderMeta();
      this.appendTurns(transcript.transcript || []);
      show(this.el.loading, false);
      if (isActive(call.status)) {
        this.live.subscribe(call.call_sid, () => this.lastSeq);
        this.renderLiveState(this.live.state);
      } else {
        this.complete(call);
      }
    } catch (e) {
      if (generation !== this.generation) return;
      show(this.el.loading, false);
      this.message.error(e.message);
    }
  }

  /** Closes the panel (and its subscription); `notify` tells the app, which updates the address bar. */
  close(notify = true) {
    this.generation++;
    if (this.callSid) this.live.unsubscribe(this.callSid);
    const hadFocus = this.panel.contains(document.activeElement);
    const opener = this.opener;
    Object.assign(this, {callSid: null, call: null, lastSeq: 0, resyncing: null, buffer: [], opener: null});
    this.panel.querySelector('audio')?.removeAttribute('src'); // stops its requests
    this.panel.replaceChildren();
    delete this.panel.dataset.callSid;
    show(this.panel, false);
    if (notify) this.onClose();
    if (hadFocus && opener?.isConnected) opener.focus();
  }

  build(identifier) {
    this.lastSeq = 0;
    this.buffer = [];
    this.message = messageArea({'data-testid': 'call-message'});
    this.el = {
      title: h('h2', {id: 'call-title', class: 'mono', tabindex: -1}, identifier),
      meta: h('dl', {class: 'meta', 'data-testid': 'call-meta'}),
      loading: h('p', {class: 'loading', 'data-testid': 'call-loading'}, 'Loading call…'),
      live: h('span', {class: 'state', 'data-testid': 'call-live', role: 'status'}),
      turns: h('ol', {class: 'transcript', id: 'transcript', 'data-testid': 'transcript', 'aria-live': 'polite',
        'aria-label': 'Transcript'}),
      noTurns: h('p', {class: 'empty', 'data-testid': 'transcript-empty'}, 'No transcript yet.'),
      completion: h('div', {}),
      audio: h('div', {class: 'audio', 'data-testid': 'audio-section'}),
    };
    fill(this.panel,
      h('div', {class: 'section-head'}, this.el.title,
        h('button', {type: 'button', id: 'call-close', class: 'link', 'aria-label': 'Close call details',
          onclick: () => this.close()}, 'Close ✕')),
      this.message.el, this.el.loading, this.el.meta,
      h('div', {class: 'section-head'}, h('h3', {}, 'Transcript'), this.el.live),
      this.el.turns, this.el.noTurns, this.el.completion, this.el.audio);
  }

  renderMeta() {
    const c = this.call;
    const row = (label, value, testid) => [h('dt', {}, label), h('dd', {'data-testid': testid}, value)];
    fill(this.el.title, c.call_sid);
    fill(this.el.meta,
      row(c.driver_id ? 'Driver' : 'Caller', party(c, this.names?.get(c.driver_id)), 'call-driver'),
      row('Direction', directionBadge(c, true), 'call-direction'),
      c.caller_number ? row('Caller number', h('span', {class: 'mono'}, c.caller_number), 'call-caller-number') : null,
      row('Status', statusBadge(c.status), 'call-status'),
      c.direction === 'inbound' || c.recording_status
        ? row('Recording', recordingText(c.recording_status), 'call-recording') : null,
      row('Violations', violations(c).join(', ') || '—', 'call-violations'),
      row('Started', dateTime(c.call_start_time || c.created_at), 'call-started'),
      c.call_end_time ? row('Ended', dateTime(c.call_end_time), 'call-ended') : null,
      c.failure_reason ? row('Failure', c.failure_reason, 'call-failure') : null,
      row('Conversation', c.conversation_id || '—', 'call-conversation'));
  }

  renderLiveState(state) {
    if (!this.el || !this.call) return;
    const following = isActive(this.call.status);
    fill(this.el.live, !following ? '' : state === 'open' ? '● live' : 'live updates paused, reconnecting…');
    this.el.live.dataset.state = following ? state : 'ended';
  }

  onFrame(frame) {
    if (!this.callSid || frame.call_sid !== this.callSid && frame.identifier !== this.callSid) return;
    switch (frame.type) {
      case 'transcription':
        this.onTurn(frame);
        break;
      case 'subscription_confirmed':
      case 'call_status':
        if (frame.status && frame.status !== this.call.status) {
          this.call = {...this.call, status: frame.status};
          this.renderMeta();
        }
        break;
      case 'call_completed':
        this.complete(frame.call_data || this.call);
        break;
      case 'error':
        this.message.error(`Live updates for this call stopped: ${frame.message || frame.code}`);
        break;
      default:
    }
  }

  onTurn(frame) {
    if (this.resyncing) {
      this.buffer.push(frame);
    } else if (frame.sequence_number <= this.lastSeq) {
      // a duplicate after a reconnect or a replay: already shown
    } else if (frame.sequence_number === this.lastSeq + 1) {
      this.appendTurns([frame]);
    } else {
      this.buffer.push(frame);
      this.resync();
    }
  }

  /** A gap in sequence numbers: read the missing turns over HTTP, then the frames that waited meanwhile. */
  async resync() {
    const generation = this.generation;
    this.resyncing = get(`/calls/${encodeURIComponent(this.callSid)}/transcript`, {since: this.lastSeq});
    try {
      const body = await this.resyncing;
      if (generation !== this.generation) return;
      this.appendTurns(body.transcript || []);
    } catch (e) {
      if (generation === this.generation) this.message.error(`Some transcript turns could not be loaded: ${e.message}`);
    }
    if (generation !== this.generation) return;
    this.resyncing = null;
    const waiting = this.buffer.sort((a, b) => a.sequence_number - b.sequence_number);
    this.buffer = [];
    waiting.forEach(f => { if (f.sequence_number > this.lastSeq) this.appendTurns([f]); });
  }

  appendTurns(turns) {
    const list = this.el.turns;
    const atBottom = list.scrollHeight - list.scrollTop - list.clientHeight < 40;
    for (const t of turns) {
      if (t.sequence_number <= this.lastSeq) continue;
      this.lastSeq = t.sequence_number;
      const speaker = t.speaker_type === 'agent' ? 'agent' : 'user';
      list.append(h('li', {class: `turn ${speaker}`, 'data-testid': 'turn', 'data-seq': t.sequence_number,
        'data-speaker': speaker},
        h('span', {class: 'speaker'}, speaker === 'agent' ? 'Agent' : 'Driver',
          h('span', {class: 'muted'}, ` #${t.sequence_number} ${time(t.timestamp)}`)),
        h('p', {}, t.message_text ?? '')));
    }
    show(this.el.noTurns, list.childElementCount === 0);
    if (atBottom) list.scrollTop = list.scrollHeight;
  }

  complete(call) {
    this.call = {...this.call, ...call};
    this.renderMeta();
    this.renderLiveState(this.live.state);
    fill(this.el.completion, completionCard(this.call));
    this.renderAudio();
  }

  renderAudio() {
    if (this.call.status !== 'completed') {
      this.el.audio.replaceChildren();
      return;
    }
    const status = messageArea({'data-testid': 'audio-message'});
    const button = h('button', {type: 'button', id: 'load-audio', 'data-testid': 'load-audio',
      onclick: () => this.loadAudio(button, status)}, 'Load recording');
    fill(this.el.audio, h('h3', {}, 'Recording'), button, status.el);
  }

  /**
   * <audio> cannot send the Authorization header: it gets a signed link instead (POST /calls/{id}/audio/link) and
   * streams the recording with its own Range requests. A link that expired while the player waited is renewed
   * once, at the same position.
   */
  async loadAudio(button, status) {
    const generation = this.generation;
    button.disabled = true;
    status.info('Loading recording…');
    try {
      const link = await this.audioLink();
      if (generation !== this.generation) return;
      const audio = h('audio', {controls: true, preload: 'metadata', src: link.url, 'data-testid': 'audio',
        'aria-label': `Recording of call ${this.callSid}`});
      let renewed = false;
      audio.addEventListener('error', async () => {
        if (renewed || generation !== this.generation || !audio.getAttribute('src')) return;
        renewed = true;
        const at = audio.currentTime;
        try {
          audio.src = (await this.audioLink()).url;
          audio.currentTime = at;
        } catch (e) {
          status.error(`The recording could not be played: ${e.message}`);
        }
      });
      audio.addEventListener('loadedmetadata', () => { renewed = false; status.clear(); }, {once: true});
      button.replaceWith(audio);
    } catch (e) {
      if (generation !== this.generation) return;
      button.disabled = false;
      if (e.status === 404) {
        button.remove();
        status.el.dataset.testid = 'no-recording';
        status.info('No recording is stored for this call.');
      } else {
        status.error(`The recording could not be loaded: ${e.message}`);
      }
    }
  }

  audioLink() {
    return post(`/calls/${encodeURIComponent(this.callSid)}/audio/link`);
  }
}
