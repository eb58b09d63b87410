// The one WebSocket of the console (docs/websocket-api.md): the fleet feed for the board ({"watch":"calls"}) and the
// subscription of the open call. It reconnects by itself (backoff with jitter) and then restores what it was
// asked for: watch again (the snapshot replaces the board) and re-subscribe with `since` = the last turn shown.
//
// Browsers cannot set headers on a WebSocket upgrade, so the token goes as a second subprotocol next to
// `callstream.jwt` (Sec-WebSocket-Protocol: callstream.jwt, <JWT>); the server echoes only `callstream.jwt`.
// The token is never in the URL, so no proxy or server log can write it (docs/proxy-and-websocket.md).
// Everything else uses the Authorization header.

import {session} from './api.js';

export const PATH = '/ws/calls/transcriptions';
export const SUBPROTOCOL = 'callstream.jwt';
const TOKEN_EXPIRED_CLOSE = 4401;
const MAX_BACKOFF_MS = 15000;

/**
 * Events: 'state' (detail: connecting | open | reconnecting | auth | closed), 'frame' (detail: a server frame).
 */
export class LiveFeed extends EventTarget {
  constructor() {
    super();
    this.ws = null;
    this.state = 'closed';
    this.stopped = true;
    this.watching = false;
    this.subscriptions = new Map(); // call_sid -> () => since (the last sequence number shown)
    this.attempt = 0;
    this.timer = null;
  }

  start() {
    this.stopped = false;
    if (!this.ws && !this.timer) this.connect();
  }

  stop() {
    this.stopped = true;
    clearTimeout(this.timer);
    this.timer = null;
    this.subscriptions.clear();
    this.watching = false;
    const ws = this.ws;
    this.ws = null;
    if (ws) ws.close(1000, 'signed out');
    this.setState('closed');
  }

  /** The session has a new token: hand it to the open socket, or connect again if the old one had expired. */
  tokenChanged() {
    if (!session.token) {
      this.stop();
    } else if (this.isOpen()) {
      this.send({auth: session.token});
    } else if (!this.stopped && !this.ws) {
      clearTimeout(this.timer);
      this.timer = null;
      this.connect();
    }
  }

  /** Ask for the fleet feed; kept across reconnects. */
  watch() {
    this.watching = true;
    if (this.isOpen()) this.sendWatch();
  }

  /** Follow one call's transcript; `since` is asked again at every (re)subscription. */
  subscribe(callSid, since) {
    this.subscriptions.set(callSid, since);
    if (this.isOpen()) this.send({subscribe: callSid, since: since()});
  }

  unsubscribe(callSid) {
    if (this.subscriptions.delete(callSid) && this.isOpen()) this.send({unsubscribe: callSid});
  }

  isOpen() {
    return this.ws != null && this.ws.readyState === WebSocket.OPEN;
  }

  connect() {
    this.timer = null;
    if (this.stopped || !session.token) return;
    if (session.expiresInMs() <= 0) {
      this.setState('auth');
      return;
    }
    const scheme = location.protocol === 'https:' ? 'wss:' : 'ws:';
    const ws = new WebSocket(`${scheme}//${location.host}${PATH}`, [SUBPROTOCOL, session.token]);
    this.ws = ws;
    this.setState(this.attempt === 0 ? 'connecting' : 'reconnecting');
    ws.addEventListener('open', () => {
      if (this.ws !== ws) return;
      this.attempt = 0;
      this.setState('open');
      if (this.watching) this.sendWatch();
      for (const [callSid, since] of this.subscriptions) this.send({subscribe: callSid, since: since()});
    });
    ws.addEventListener('message', e => { if (this.ws === ws) this.onMessage(e.data); });
    ws.addEventListener('close', e => { if (this.ws === ws) this.onClose(e.code); });
  }

  onClose(code) {
    this.ws = null;
    if (this.stopped) return;
    // An upgrade refused for an expired token shows up as 1006, so the expiry is checked here too.
    if (code === TOKEN_EXPIRED_CLOSE || session.expiresInMs() <= 0) {
      this.setState('auth');
      return;
    }
    const backoff = Math.min(MAX_BACKOFF_MS, 500 * 2 ** this.attempt++);
    this.setState('reconnecting');
    this.timer = setTimeout(() => this.connect(), backoff / 2 + Math.random() * backoff / 2);
  }

  onMessage(text) {
    let frame;
    try {
      frame = JSON.parse(text);
    } catch {
      return;
    }
    if (!frame || typeof frame.type !== 'string') return;
    if (frame.type === 'error') {
      if (frame.identifier && frame.code !== 'TOO_MANY_SUBSCRIPTIONS') this.subscriptions.delete(frame.identifier);
    } else if (frame.type === 'call_completed') {
      this.subscriptions.delete(frame.call_sid); // the server ends the subscription after call_completed
    }
    this.dispatchEvent(new CustomEvent('frame', {detail: frame}));
  }

  sendWatch() {
    this.send({watch: 'calls'});
  }

  send(message) {
    if (this.isOpen()) this.ws.send(JSON.stringify(message));
  }

  setState(state) {
    if (this.state === state) return;
    this.state = state;
    this.dispatchEvent(new CustomEvent('state', {detail: state}));
  }
}
