// The notifier's SSE contract, for any page: the live page imports it, and so does <step-progress>, which
// host applications load from another origin. No DOM, no dependencies.
//
//   watchProject(base, id, {onView})  snapshot, then events in sequence order; a `resumed:false` snapshot
//                                     replaces the state; `end` closes the stream (fetching the final view
//                                     once if the run ended after an event this client never saw)
//   LiveStream                        one EventSource with reconnect, backoff, refusals and `expired`
//
// States reported through onState: connecting, live, reconnecting, caught-up (resumed, nothing missed),
// replaced (a snapshot replaced the state), finished; refusals go to onRefused: signed-out, expired, denied.

export const FINISHED = new Set(['completed', 'failed', 'cancelled']);
/** A project id the notifier accepts (anything else is a 400 there). */
export const ID_PATTERN = /^[A-Za-z0-9._-]{1,64}$/;

const TRANSIENT_STATE_MS = 3000;   // how long "caught up" / "state replaced" stay reported before "live"
const RESUME_QUIET_MS = 1500;      // after a reconnect, no replay within this long means nothing was missed
const RETRY_MIN_MS = 1000;
const RETRY_MAX_MS = 15000;

function parseJson(event) {
  try {
    return JSON.parse(event.data);
  } catch (e) {
    console.warn('ignoring an unparseable', event.type, 'frame', e);
    return null;
  }
}

/**
 * One EventSource with the connection states a page shows. The browser reconnects by itself (sending
 * Last-Event-ID) while readyState is CONNECTING; when it gives up (CLOSED: the server answered something
 * other than a stream) the stream asks {@code probe} whether it was a refusal (not signed in, session
 * expired, no access): then it stops and reports it, instead of reconnecting forever; otherwise (503, 429,
 * network) a new EventSource is opened with backoff. An {@code expired} frame (the session's token has
 * expired, and the server closes the stream) stops it the same way.
 *
 * options: handlers { name: (data, event) => void }, probe () => Promise<refusal | null>,
 * onState (state) => void, onRefused (refusal) => void, withCredentials (cookies to another origin).
 */
export class LiveStream {
  constructor(url, { handlers = {}, probe = async () => null, onState = () => {}, onRefused = () => {},
    withCredentials = false } = {}) {
    this.url = url;
    this.handlers = handlers;
    this.probe = probe;
    this.onState = onState;
    this.onRefused = onRefused;
    this.withCredentials = withCredentials;
    this.state = null;
    this.opened = false;        // has any connection of this stream ever been open
    this.resuming = false;      // a reconnect is under way: the next frames are a replay or a snapshot
    this.stopped = false;
    this.retryDelay = RETRY_MIN_MS;
    this.timers = new Set();
    this.connect();
  }

  setState(state) {
    this.state = state;
    this.onState(state);
  }

  connect() {
    if (this.stopped) return;
    this.setState(this.opened ? 'reconnecting' : 'connecting');
    const es = new EventSource(this.url, { withCredentials: this.withCredentials });
    this.es = es;
    es.addEventListener('open', () => this.onOpen(es));
    es.addEventListener('error', () => this.onError(es));
    es.addEventListener('expired', () => {
      if (this.stopped || es !== this.es) return;
      this.refused('expired');
    });
    for (const [name, handler] of Object.entries(this.handlers)) {
      es.addEventListener(name, (event) => {
        if (this.stopped || es !== this.es) return;
        const data = parseJson(event);
        if (data != null) handler(data, event);
      });
    }
  }

  onOpen(es) {
    if (this.stopped || es !== this.es) return;
    this.retryDelay = RETRY_MIN_MS;
    if (this.resuming) {
      // Either a replay or a snapshot follows; if nothing comes, nothing was missed.
      this.clearTimer('quiet');
      this.later('quiet', RESUME_QUIET_MS, () => this.resumed('caught-up'));
    } else {
      this.setState('live');
    }
    this.opened = true;
  }

  onError(es) {
    if (this.stopped || es !== this.es) return;
    this.clearTimer('transient');
    this.clearTimer('quiet');
    if (this.opened) this.resuming = true;
    this.setState(this.opened ? 'reconnecting' : 'connecting');
    if (es.readyState === EventSource.CLOSED) {
      es.close();
      const delay = this.retryDelay;
      this.retryDelay = Math.min(this.retryDelay * 2, RETRY_MAX_MS);
      this.probe(this.opened).then((refusal) => {
        if (this.stopped || es !== this.es) return;
        if (refusal) this.refused(refusal);
        else this.later('retry', delay, () => this.connect());
      });
    }
  }

  /** Call on every frame received; {@code replaced} when it replaced the state (snapshot, resumed:false). */
  received(replaced) {
    if (this.stopped) return;
    if (replaced) {
      this.resumed('replaced');
    } else if (this.resuming) {
      this.resumed('caught-up');
    } else if (this.state === 'connecting' || this.state === 'reconnecting') {
      this.setState('live');
    }
  }

  resumed(state) {
    this.resuming = false;
    this.clearTimer('quiet');
    this.setState(state);
    this.clearTimer('transient');
    this.later('transient', TRANSIENT_STATE_MS, () => {
      if (!this.stopped && this.es && this.es.readyState === EventSource.OPEN) this.setState('live');
    });
  }

  /** The server will not serve this session: stop, and let the page say why. */
  refused(kind) {
    this.close();
    this.onRefused(kind);
  }

  /** The stream is complete: close it so that the browser does not reconnect. */
  finish() {
    this.close();
    this.setState('finished');
  }

  close() {
    this.stopped = true;
    for (const timer of this.timers) clearTimeout(timer.id);
    this.timers.clear();
    if (this.es) this.es.close();
  }

  later(name, delay, fn) {
    this.clearTimer(name);
    const timer = { name, id: 0 };
    timer.id = setTimeout(() => {
      this.timers.delete(timer);
      fn();
    }, delay);
    this.timers.add(timer);
  }

  clearTimer(name) {
    for (const timer of this.timers) {
      if (timer.name === name) {
        clearTimeout(timer.id);
        this.timers.delete(timer);
      }
    }
  }
}

/** The detail of a problem+json answer, or '' when it has none. */
export async function problemDetail(response) {
  try {
    const problem = await response.json();
    return typeof problem.detail === 'string' ? problem.detail : '';
  } catch (e) {
    return '';
  }
}

/**
 * How the server answers a session at {@code url}: {status, detail}, or null when it could not be asked
 * (the caller keeps retrying).
 */
export async function askAccess(url, credentials = 'same-origin') {
  try {
    const response = await fetch(url, { headers: { Accept: 'application/json' }, cache: 'no-store', credentials });
    return { status: response.status, detail: response.ok ? '' : await problemDetail(response) };
  } catch (e) {
    return null;
  }
}

/**
 * The refusal an answer stands for: 'expired' (401 whose detail says the token has expired), 'signed-out'
 * (any other 401), 'denied' (403), or null (anything else: not a refusal).
 */
export function refusalOf(answer) {
  if (!answer) return null;
  if (answer.status === 401) return /has expired/i.test(answer.detail) ? 'expired' : 'signed-out';
  return answer.status === 403 ? 'denied' : null;
}

/** The notifier's base URL a module was loaded from (its import.meta.url), without a trailing slash. */
export function baseOf(moduleUrl) {
  return new URL('.', moduleUrl).href.replace(/\/$/, '');
}

/**
 * Follows one project's stream: snapshot, then progress events, each view newer than the last handed to
 * {@code onView(view)}. {@code base}: the notifier's URL ('' for the page's own origin). Other options go to
 * {@link LiveStream}; without a probe, a closed stream asks the project's own API whether the session is
 * refused (a single-project session cookie is sent only below /api/projects/{id}/; 200 or 404 mean it is good),
 * and a 401 after the stream was open counts as expired: the session that worked is not accepted any more,
 * and its cookie (which lives as long as the token) is no longer even sent.
 *
 * Returns { close(), stream }.
 */
export function watchProject(base, projectId, { onView, onEnd = () => {}, probe, withCredentials = false, ...rest }) {
  const api = base + '/api/projects/' + encodeURIComponent(projectId);
  const credentials = withCredentials ? 'include' : 'same-origin';
  let view = null;
  let lastSequence = 0;
  let closed = false;

  function show(next, sequence) {
    if (!next || typeof next !== 'object') return;
    view = next;
    lastSequence = sequence;
    onView(next);
  }

  function sequenceOf(data, event) {
    const fromData = Number(data.sequence);
    if (Number.isFinite(fromData) && fromData > 0) return fromData;
    const fromId = Number(event.lastEventId);
    return Number.isFinite(fromId) ? fromId : 0;
  }

  async function fetchFinalView(sequence, status) {
    try {
      const response = await fetch(api + '/progress', { headers: { Accept: 'application/json' }, credentials });
      if (!response.ok) throw new Error(`HTTP ${response.status}`);
      const final = await response.json();
      if (!closed && final && Number(final.sequence) > lastSequence) show(final, Number(final.sequence));
    } catch (e) {
      console.warn('cannot fetch the final view of', projectId, e);
      if (!closed && view && status && view.status !== status) show({ ...view, status }, sequence);
    }
  }

  const defaultProbe = async (wasOpen) => {
    const refusal = refusalOf(await askAccess(api + '/progress', credentials));
    return refusal === 'signed-out' && wasOpen ? 'expired' : refusal;
  };

  const stream = new LiveStream(api + '/events', {
    ...rest,
    withCredentials,
    probe: probe || defaultProbe,
    handlers: {
      snapshot(data, event) {
        const replaced = data.resumed === false;
        const sequence = sequenceOf(data, event);
        // A snapshot is the server's whole state: it replaces ours, unless ours is already newer and
        // the server did not say that we missed events.
        if (replaced || sequence >= lastSequence) {
          const { resumed, ...snapshot } = data;
          show(snapshot, sequence);
        }
        stream.received(replaced);
      },
      progress(data, event) {
        const sequence = sequenceOf(data, event);
        if (sequence > lastSequence) show(data.initialization, sequence);
        stream.received(false);
      },
      end(data) {
        stream.finish();
        onEnd(data);
        const sequence = Number(data.sequence) || 0;
        // The run ended after an event we never saw: fetch its final view once.
        if (sequence > lastSequence) fetchFinalView(sequence, data.status);
      },
    },
  });

  return {
    stream,
    close() {
      closed = true;
      stream.close();
    },
  };
}
