// Live progress page: an overview of recent projects (#/) and one project's steps (#/projects/{id}),
// both kept live by Server-Sent Events. Plain ES2020 module, no dependencies, no inline code or
// styles (the page runs under a Content-Security-Policy that allows only its own files).
//
// Sign-in: the host application hands its user a link /#token=<subscriber token>. A fragment never
// reaches a server, so the token is not in any request line, log or Referer; the page posts it once to
// /api/session as a bearer header, takes it out of the address bar and the history entry, and from then
// on the browser holds it only as an HttpOnly cookie that no script can read, and that EventSource and
// fetch send by themselves.

const ID_PATTERN = /^[A-Za-z0-9._-]{1,64}$/;
const STATUSES = ['running', 'pending', 'completed', 'failed', 'cancelled'];
const FINISHED = new Set(['completed', 'failed', 'cancelled']);
const OVERVIEW_LIMIT = 50;
const TRANSIENT_STATE_MS = 3000;   // how long "caught up" / "state replaced" stay visible
const RESUME_QUIET_MS = 1500;      // after a reconnect, no replay within this long means nothing was missed
const RETRY_MIN_MS = 1000;
const RETRY_MAX_MS = 15000;

const CONNECTION_LABELS = {
  connecting: 'connecting',
  live: 'live',
  reconnecting: 'reconnecting',
  'caught-up': 'caught up',
  replaced: 'state replaced',
  finished: 'finished',
  'signed-out': 'not signed in',
  expired: 'session expired',
  denied: 'no access',
};

// What the page remembers of its session, for this tab only: never the token (the server keeps that in an
// HttpOnly cookie), only which projects it covers and until when, to explain a refusal.
const SESSION_HINT = 'step-progress.session';

// ---------------------------------------------------------------------------------------------
// Small DOM helpers. Text always goes through textContent: nothing from the server becomes markup.

function el(tag, options = {}, ...children) {
  const node = document.createElement(tag);
  if (options.className) node.className = options.className;
  if (options.id) node.id = options.id;
  if (options.text != null) node.textContent = options.text;
  if (options.attrs) {
    for (const [name, value] of Object.entries(options.attrs)) {
      if (value != null) node.setAttribute(name, String(value));
    }
  }
  if (options.data) {
    for (const [name, value] of Object.entries(options.data)) node.dataset[name] = String(value);
  }
  if (options.hidden) node.hidden = true;
  for (const child of children) {
    if (child != null) node.append(child);
  }
  return node;
}

function setText(node, text) {
  const value = text == null ? '' : String(text);
  if (node.textContent !== value) node.textContent = value;
}

function parseJson(event) {
  try {
    return JSON.parse(event.data);
  } catch (e) {
    console.warn('ignoring an unparseable', event.type, 'frame', e);
    return null;
  }
}

// ---------------------------------------------------------------------------------------------
// Formatting

function clampPercent(value) {
  const n = Number(value);
  if (!Number.isFinite(n)) return 0;
  return Math.min(100, Math.max(0, n));
}

function formatPercent(value) {
  const n = clampPercent(value);
  return (Number.isInteger(n) ? String(n) : n.toFixed(1)) + '%';
}

function toMillis(iso) {
  if (!iso) return null;
  const t = Date.parse(iso);
  return Number.isNaN(t) ? null : t;
}

function formatDuration(ms) {
  if (ms == null || !Number.isFinite(ms)) return '';
  const s = Math.max(0, Math.floor(ms / 1000));
  if (ms < 1000) return '<1s';
  if (s < 60) return `${s}s`;
  const m = Math.floor(s / 60);
  if (m < 60) return `${m}m ${String(s % 60).padStart(2, '0')}s`;
  const h = Math.floor(m / 60);
  if (h < 24) return `${h}h ${String(m % 60).padStart(2, '0')}m`;
  return `${Math.floor(h / 24)}d ${h % 24}h`;
}

const timeFormat = new Intl.DateTimeFormat(undefined, { hour: '2-digit', minute: '2-digit', second: '2-digit' });
const dateTimeFormat = new Intl.DateTimeFormat(undefined, { dateStyle: 'medium', timeStyle: 'medium' });

function formatClock(iso) {
  const t = toMillis(iso);
  if (t == null) return '';
  const sameDay = new Date(t).toDateString() === new Date().toDateString();
  return sameDay ? timeFormat.format(t) : dateTimeFormat.format(t);
}

function formatAgo(iso) {
  const t = toMillis(iso);
  if (t == null) return '';
  const s = Math.round((Date.now() - t) / 1000);
  if (s < 5) return 'just now';
  if (s < 60) return `${s}s ago`;
  const m = Math.floor(s / 60);
  if (m < 60) return `${m} min ago`;
  const h = Math.floor(m / 60);
  if (h < 24) return `${h} h ago`;
  return dateTimeFormat.format(t);
}

/** Elapsed time of a step: running → until now; finished → until its last update. */
function stepElapsed(step) {
  const start = toMillis(step.startedAt);
  if (start == null || step.status === 'pending') return null;
  const end = step.status === 'running' ? Date.now() : toMillis(step.updatedAt);
  return end == null ? null : end - start;
}

/** Elapsed time of the whole initialization. */
function initializationElapsed(view) {
  const start = toMillis(view.startedAt);
  if (start == null) return null;
  const end = FINISHED.has(view.status) ? (toMillis(view.finishedAt) ?? toMillis(view.updatedAt)) : Date.now();
  return end == null ? null : end - start;
}

function stepLabel(view, name) {
  const step = (view.steps || []).find((s) => s.name === name);
  return step ? (step.label || step.name) : name;
}

// ---------------------------------------------------------------------------------------------
// Components

function progressBar(label, extraClass) {
  return el('div', {
    className: 'bar' + (extraClass ? ' ' + extraClass : ''),
    attrs: { role: 'progressbar', 'aria-valuemin': 0, 'aria-valuemax': 100, 'aria-valuenow': 0, 'aria-label': label },
    data: { status: 'pending' },
  }, el('div', { className: 'bar-fill' }));
}

function updateBar(bar, value, status) {
  const n = clampPercent(value);
  const now = String(n);
  if (bar.getAttribute('aria-valuenow') !== now) bar.setAttribute('aria-valuenow', now);
  bar.setAttribute('aria-valuetext', `${formatPercent(n)}, ${status}`);
  bar.dataset.status = status || 'pending';
  // CSSOM, not a style attribute: allowed by the Content-Security-Policy.
  bar.firstElementChild.style.width = n + '%';
}

function statusBadge(className, id) {
  return el('span', { className: 'badge ' + className, id, data: { status: 'pending' } });
}

function updateBadge(badge, status) {
  setText(badge, status);
  badge.dataset.status = status || 'pending';
}

// ---------------------------------------------------------------------------------------------
// Connection indicator (one per page, in the top bar)

const connection = (() => {
  const node = document.getElementById('connection-state');
  const label = node.querySelector('.connection-label');
  return {
    set(state) {
      if (node.dataset.state !== state) node.dataset.state = state;
      setText(label, CONNECTION_LABELS[state] || state);
    },
    get() {
      return node.dataset.state;
    },
  };
})();

/**
 * One EventSource with the connection states the page shows. The browser reconnects by itself
 * (sending Last-Event-ID) while readyState is CONNECTING; when it gives up (CLOSED: the server answered
 * something other than a stream) the page asks {@code access.probe} whether it was a refusal (not signed
 * in, session expired, no access): then it stops and says so, instead of reconnecting forever; otherwise
 * (503, 429, network) a new EventSource is opened with backoff. An {@code expired} frame (the session's
 * token has expired, and the server closes the stream) stops it the same way.
 */
class LiveStream {
  constructor(url, handlers, access) {
    this.url = url;
    this.handlers = handlers;   // { name: (data, event) => void }
    this.access = access;       // { probe: () => Promise<refusal kind | null>, denied: (kind) => void }
    this.opened = false;        // has any connection of this stream ever been open
    this.resuming = false;      // a reconnect is under way: the next frames are a replay or a snapshot
    this.stopped = false;
    this.retryDelay = RETRY_MIN_MS;
    this.timers = new Set();
    this.connect();
  }

  connect() {
    if (this.stopped) return;
    connection.set(this.opened ? 'reconnecting' : 'connecting');
    const es = new EventSource(this.url);
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
      connection.set('live');
    }
    this.opened = true;
  }

  onError(es) {
    if (this.stopped || es !== this.es) return;
    this.clearTimer('transient');
    this.clearTimer('quiet');
    if (this.opened) this.resuming = true;
    if (es.readyState === EventSource.CLOSED) {
      es.close();
      connection.set(this.opened ? 'reconnecting' : 'connecting');
      const delay = this.retryDelay;
      this.retryDelay = Math.min(this.retryDelay * 2, RETRY_MAX_MS);
      this.access.probe().then((refusal) => {
        if (this.stopped || es !== this.es) return;
        if (refusal) this.refused(refusal);
        else this.later('retry', delay, () => this.connect());
      });
    } else {
      connection.set(this.opened ? 'reconnecting' : 'connecting');
    }
  }

  /** Call on every frame received; {@code replaced} when it replaced the state (snapshot, resumed:false). */
  received(replaced) {
    if (this.stopped) return;
    if (replaced) {
      this.resumed('replaced');
    } else if (this.resuming) {
      this.resumed('caught-up');
    } else if (connection.get() === 'connecting' || connection.get() === 'reconnecting') {
      connection.set('live');
    }
  }

  resumed(state) {
    this.resuming = false;
    this.clearTimer('quiet');
    connection.set(state);
    this.clearTimer('transient');
    this.later('transient', TRANSIENT_STATE_MS, () => {
      if (!this.stopped && this.es && this.es.readyState === EventSource.OPEN) connection.set('live');
    });
  }

  /** The server will not serve this page's session: stop, and let the page say why. */
  refused(kind) {
    this.close();
    this.access.denied(kind);
  }

  /** The stream is complete: close it so that the browser does not reconnect. */
  finish() {
    this.close();
    connection.set('finished');
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

// ---------------------------------------------------------------------------------------------
// Overview: #/ (optionally #/?status=running)

function overviewPage(initialFilter) {
  const projects = new Map();      // projectId → view (the highest sequence seen)
  const rows = new Map();          // projectId → { item, ... }
  let filter = STATUSES.includes(initialFilter) ? initialFilter : '';
  let loaded = false;

  const heading = el('h1', { text: 'Projects', attrs: { tabindex: -1 } });
  const subtitle = el('p', { className: 'subtitle', text: 'Recent and active initializations, updated live.' });

  const filterButtons = new Map();
  const filters = el('div', { className: 'filters', attrs: { role: 'group', 'aria-label': 'Filter by status' } });
  for (const status of ['', ...STATUSES]) {
    const count = el('span', { className: 'filter-count' });
    const button = el('button', {
      className: 'filter',
      attrs: { type: 'button', 'aria-pressed': String(status === filter) },
      data: { status: status || 'all' },
    }, el('span', { className: 'filter-name', text: status || 'all' }), count);
    button.addEventListener('click', () => setFilter(status));
    filterButtons.set(status, { button, count });
    filters.append(button);
  }

  const notice = el('p', { className: 'notice notice-error', hidden: true, attrs: { role: 'alert' } });
  const list = el('ul', { className: 'project-list', attrs: { 'aria-label': 'Projects' } });
  const empty = el('div', { className: 'empty' },
    el('p', { className: 'empty-title', text: 'Loading projects…' }),
    el('p', { className: 'empty-hint' }));

  const root = el('section', { className: 'page overview' },
    el('div', { className: 'page-head' }, el('div', {}, heading, subtitle)),
    filters, notice, list, empty);

  function setFilter(status) {
    filter = status;
    const url = status ? `#/?status=${encodeURIComponent(status)}` : '#/';
    history.replaceState(null, '', url);
    for (const [key, { button }] of filterButtons) button.setAttribute('aria-pressed', String(key === status));
    render();
    load();
  }

  function merge(view) {
    if (!view || typeof view.projectId !== 'string') return;
    const known = projects.get(view.projectId);
    if (known && Number(known.sequence) > Number(view.sequence)) return;
    projects.set(view.projectId, view);
  }

  async function load() {
    const params = new URLSearchParams({ limit: String(OVERVIEW_LIMIT) });
    if (filter) params.set('status', filter);
    try {
      const response = await fetch('/api/projects?' + params, { headers: { Accept: 'application/json' } });
      if (!response.ok) throw new Error(`HTTP ${response.status}`);
      const views = await response.json();
      if (Array.isArray(views)) views.forEach(merge);
      notice.hidden = true;
    } catch (e) {
      if (stream.stopped) return;
      setText(notice, `Could not load the projects (${e.message}). Live updates will fill the list.`);
      notice.hidden = false;
    }
    loaded = true;
    if (!stream.stopped) render();
  }

  function row(view) {
    const name = el('span', { className: 'project-name', text: view.projectId });
    const badge = statusBadge('project-row-status');
    const percent = el('span', { className: 'percent' });
    const bar = progressBar(`Overall progress of ${view.projectId}`, 'bar-compact');
    const detail = el('span', { className: 'row-detail' });
    const time = el('time', { className: 'row-time' });
    const link = el('a', {
      className: 'project-row',
      attrs: { href: '#/projects/' + encodeURIComponent(view.projectId) },
      data: { project: view.projectId },
    },
    el('div', { className: 'row-top' }, name, badge, percent),
    bar,
    el('div', { className: 'row-meta' }, detail, time));
    const item = el('li', {}, link);
    return { item, link, badge, percent, bar, detail, time };
  }

  function updateRow(r, view) {
    r.link.dataset.status = view.status;
    updateBadge(r.badge, view.status);
    setText(r.percent, formatPercent(view.progress));
    updateBar(r.bar, view.progress, view.status);
    const steps = view.steps || [];
    const done = steps.filter((s) => s.status === 'completed').length;
    const current = steps.find((s) => s.name === view.currentStep);
    let detail;
    if (view.reason && FINISHED.has(view.status)) detail = view.reason;
    else if (view.status === 'completed') detail = steps.length === 1 ? 'Step completed' : `All ${steps.length} steps completed`;
    else if (current) detail = (current.label || current.name) + (current.message ? ' — ' + current.message : '');
    else detail = view.message || '';
    setText(r.detail, detail);
    r.detail.classList.toggle('row-reason', Boolean(view.reason && FINISHED.has(view.status)));
    r.detail.title = `${done} of ${steps.length} steps completed`;
    refreshTime(r, view);
  }

  function refreshTime(r, view) {
    if (view.updatedAt) {
      r.time.setAttribute('datetime', view.updatedAt);
      r.time.title = 'Updated ' + dateTimeFormat.format(toMillis(view.updatedAt));
    }
    setText(r.time, view.updatedAt ? 'updated ' + formatAgo(view.updatedAt) : '');
  }

  function sorted() {
    return [...projects.values()].sort((a, b) =>
      (toMillis(b.updatedAt) ?? 0) - (toMillis(a.updatedAt) ?? 0) || a.projectId.localeCompare(b.projectId));
  }

  function render() {
    const all = sorted();
    for (const [status, { count }] of filterButtons) {
      const n = status ? all.filter((v) => v.status === status).length : all.length;
      setText(count, n ? String(n) : '');
    }
    const visible = all.filter((v) => !filter || v.status === filter).slice(0, OVERVIEW_LIMIT);
    const keep = new Set(visible.map((v) => v.projectId));
    for (const [id, r] of rows) {
      if (!keep.has(id)) {
        r.item.remove();
        rows.delete(id);
      }
    }
    visible.forEach((view, index) => {
      let r = rows.get(view.projectId);
      if (!r) {
        r = row(view);
        rows.set(view.projectId, r);
      }
      updateRow(r, view);
      if (list.children[index] !== r.item) list.insertBefore(r.item, list.children[index] || null);
    });
    empty.hidden = visible.length > 0;
    list.hidden = visible.length === 0;
    if (!visible.length) {
      const [title, hint] = empty.children;
      if (!loaded) {
        setText(title, 'Loading projects…');
        setText(hint, '');
      } else if (filter) {
        setText(title, `No ${filter} projects.`);
        setText(hint, 'They will appear here as soon as one is.');
      } else {
        setText(title, 'No projects yet.');
        setText(hint, 'Start an initialization and it will appear here live.');
      }
    }
  }

  const stream = new LiveStream('/api/events', {
    projects(views) {
      if (Array.isArray(views)) views.forEach(merge);
      loaded = true;
      stream.received(false);
      render();
    },
    project(view) {
      merge(view);
      stream.received(false);
      render();
    },
  }, { probe: () => accessRefusal('/api/session'), denied: (kind) => showAccessPage(kind) });

  const ticker = setInterval(() => {
    for (const [id, r] of rows) {
      const view = projects.get(id);
      if (view) refreshTime(r, view);
    }
  }, 1000);

  render();
  load();

  return {
    root,
    focus: heading,
    destroy() {
      clearInterval(ticker);
      stream.close();
    },
  };
}

// ---------------------------------------------------------------------------------------------
// Detail: #/projects/{projectId}

function detailPage(projectId) {
  const heading = el('h1', { className: 'project-title', text: projectId, attrs: { tabindex: -1 } });
  const status = statusBadge('badge-large', 'project-status');
  status.hidden = true;

  const back = el('a', { className: 'back', attrs: { href: '#/' } }, el('span', { text: '←', attrs: { 'aria-hidden': 'true' } }), ' All projects');

  const waiting = el('div', { className: 'waiting', attrs: { role: 'status' } },
    el('span', { className: 'spinner', attrs: { 'aria-hidden': 'true' } }),
    el('div', {},
      el('p', { className: 'waiting-title', text: 'Waiting for the initialization to start…' }),
      el('p', { className: 'waiting-hint', text: 'This page updates by itself as soon as the first event arrives.' })));

  // Overall card
  const overallPercent = el('span', { className: 'overall-percent', text: '0%' });
  const overallBar = progressBar('Overall progress', 'bar-large');
  overallBar.id = 'overall-progress';
  const nowStep = el('strong', { className: 'now-step' });
  const nowMessage = el('span', { className: 'now-message' });
  const nowLine = el('p', { className: 'overall-now' }, nowStep, nowMessage);
  const metaValues = {
    elapsed: el('dd'),
    started: el('dd'),
    updated: el('dd'),
    finished: el('dd'),
  };
  const metaItems = {};
  const meta = el('dl', { className: 'meta' });
  for (const [key, title] of [['elapsed', 'Elapsed'], ['started', 'Started'], ['updated', 'Last update'],
    ['finished', 'Finished']]) {
    metaItems[key] = el('div', { className: 'meta-item meta-' + key }, el('dt', { text: title }), metaValues[key]);
    meta.append(metaItems[key]);
  }
  const overall = el('section', { className: 'card overall', attrs: { 'aria-label': 'Overall progress' } },
    el('div', { className: 'overall-head' }, el('span', { className: 'overall-title', text: 'Overall progress' }), overallPercent),
    overallBar, nowLine, meta);

  const reasonTitle = el('p', { className: 'reason-title' });
  const reason = el('p', { id: 'project-reason', className: 'reason-text' });
  const reasonBox = el('section', { className: 'reason', hidden: true, attrs: { role: 'alert' } },
    el('span', { className: 'reason-icon', text: '!', attrs: { 'aria-hidden': 'true' } }),
    el('div', {}, reasonTitle, reason));

  const stepsTitle = el('h2', { className: 'steps-title', text: 'Steps' });
  const stepsList = el('ol', { className: 'steps' });
  const stepsSection = el('section', { className: 'steps-section', attrs: { 'aria-label': 'Steps' } }, stepsTitle, stepsList);

  const content = el('div', { className: 'detail-content', hidden: true }, reasonBox, overall, stepsSection);

  const invalid = !ID_PATTERN.test(projectId);
  const invalidNotice = el('p', {
    className: 'notice notice-error',
    attrs: { role: 'alert' },
    text: 'This is not a valid project id: ids are 1 to 64 letters, digits, dots, dashes or underscores.',
  });

  const root = el('section', { className: 'page detail' },
    back,
    el('div', { className: 'page-head detail-head' }, heading, status),
    invalid ? invalidNotice : waiting,
    content);

  let view = null;
  let lastSequence = 0;
  let stepRows = new Map();   // name → row elements
  let stepOrder = '';

  function buildSteps(steps) {
    stepsList.replaceChildren();
    stepRows = new Map();
    steps.forEach((step, index) => {
      const number = el('span', { className: 'step-index', text: String(index + 1), attrs: { 'aria-hidden': 'true' } });
      const label = el('span', { className: 'step-label' });
      const name = el('code', { className: 'step-name' });
      const badge = statusBadge('step-status');
      const percent = el('span', { className: 'percent step-percent' });
      const bar = progressBar(step.label || step.name);
      bar.dataset.step = step.name;
      const message = el('span', { className: 'step-message' });
      const elapsed = el('span', { className: 'step-elapsed' });
      const item = el('li', { className: 'step card', data: { stepRow: step.name } },
        el('div', { className: 'step-head' }, number,
          el('div', { className: 'step-title' }, label, name), badge, percent),
        bar,
        el('div', { className: 'step-foot' }, message, elapsed));
      stepsList.append(item);
      stepRows.set(step.name, { item, number, label, name, badge, percent, bar, message, elapsed });
    });
    stepOrder = steps.map((s) => s.name).join('\u0000');
  }

  function render() {
    if (!view) return;
    waiting.hidden = true;
    content.hidden = false;
    status.hidden = false;
    updateBadge(status, view.status);
    root.dataset.status = view.status;

    setText(overallPercent, formatPercent(view.progress));
    updateBar(overallBar, view.progress, view.status);

    const steps = Array.isArray(view.steps) ? view.steps : [];
    // What is happening now: the current step and the latest message; a summary once finished.
    const finished = FINISHED.has(view.status);
    const failedStep = steps.find((s) => s.status === 'failed');
    let now = '';
    if (!finished && view.currentStep) now = stepLabel(view, view.currentStep);
    else if (view.status === 'completed') now = steps.length === 1 ? 'Step completed' : `All ${steps.length} steps completed`;
    else if (view.status === 'failed') now = failedStep ? `Failed at ${failedStep.label || failedStep.name}` : 'Failed';
    else if (view.status === 'cancelled') now = 'Cancelled';
    setText(nowStep, now);
    // The current step's own message; the view's message is the latest of any step.
    const current = steps.find((s) => s.name === view.currentStep);
    const message = finished ? '' : current ? (current.message || '') : (view.message || '');
    setText(nowMessage, now && message ? ' — ' + message : message);
    nowLine.hidden = !now && !message;
    setText(metaValues.started, formatClock(view.startedAt));
    metaItems.started.hidden = !view.startedAt;
    setText(metaValues.updated, formatClock(view.updatedAt));
    metaItems.updated.hidden = !view.updatedAt || Boolean(view.finishedAt);
    setText(metaValues.finished, formatClock(view.finishedAt));
    metaItems.finished.hidden = !view.finishedAt;
    for (const key of ['started', 'updated', 'finished']) {
      const iso = { started: view.startedAt, updated: view.updatedAt, finished: view.finishedAt }[key];
      metaValues[key].title = iso ? dateTimeFormat.format(toMillis(iso)) : '';
    }

    if (view.reason) {
      setText(reasonTitle, view.status === 'cancelled' ? 'Initialization cancelled'
        : view.status === 'failed' ? 'Initialization failed' : 'Reason');
      setText(reason, view.reason);
      reasonBox.dataset.status = view.status;
      reasonBox.hidden = false;
    } else {
      setText(reason, '');
      reasonBox.hidden = true;
    }

    const order = steps.map((s) => s.name).join('\u0000');
    if (order !== stepOrder) buildSteps(steps);
    const done = steps.filter((s) => s.status === 'completed').length;
    setText(stepsTitle, steps.length ? `Steps · ${done} of ${steps.length} done` : 'Steps');
    for (const step of steps) {
      const r = stepRows.get(step.name);
      r.item.dataset.status = step.status;
      r.item.classList.toggle('current', step.name === view.currentStep && !FINISHED.has(view.status));
      setText(r.label, step.label || step.name);
      setText(r.name, step.label && step.label !== step.name ? step.name : '');
      r.name.hidden = !(step.label && step.label !== step.name);
      r.bar.setAttribute('aria-label', step.label || step.name);
      updateBadge(r.badge, step.status);
      setText(r.number, step.status === 'completed' ? '✓' : step.status === 'failed' ? '✕' : String(steps.indexOf(step) + 1));
      setText(r.percent, formatPercent(step.progress));
      updateBar(r.bar, step.progress, step.status);
      const idle = step.status !== 'pending' ? '' : FINISHED.has(view.status) ? 'not run' : 'not started yet';
      setText(r.message, step.message || idle);
      r.message.classList.toggle('step-message-idle', !step.message);
    }
    tick();
  }

  /** Refreshes what moves with the clock: elapsed times. */
  function tick() {
    if (!view) return;
    const elapsed = initializationElapsed(view);
    setText(metaValues.elapsed, elapsed == null ? '' : formatDuration(elapsed) + (FINISHED.has(view.status) ? '' : ' so far'));
    metaItems.elapsed.hidden = elapsed == null;
    for (const step of view.steps || []) {
      const r = stepRows.get(step.name);
      if (!r) continue;
      const ms = stepElapsed(step);
      setText(r.elapsed, ms == null ? '' : (step.status === 'running' ? 'running for ' : 'took ') + formatDuration(ms));
    }
  }

  function show(next, sequence) {
    if (!next || typeof next !== 'object') return;
    view = next;
    lastSequence = sequence;
    render();
  }

  function sequenceOf(data, event) {
    const fromData = Number(data.sequence);
    if (Number.isFinite(fromData) && fromData > 0) return fromData;
    const fromId = Number(event.lastEventId);
    return Number.isFinite(fromId) ? fromId : 0;
  }

  let destroyed = false;

  async function fetchFinalView(sequence, status) {
    try {
      const response = await fetch('/api/projects/' + encodeURIComponent(projectId) + '/progress',
        { headers: { Accept: 'application/json' } });
      if (!response.ok) throw new Error(`HTTP ${response.status}`);
      const final = await response.json();
      if (!destroyed && final && Number(final.sequence) > lastSequence) show(final, Number(final.sequence));
    } catch (e) {
      console.warn('cannot fetch the final view of', projectId, e);
      if (!destroyed && view && status && view.status !== status) show({ ...view, status }, sequence);
    }
  }

  let stream = null;
  if (!invalid) {
    stream = new LiveStream('/api/projects/' + encodeURIComponent(projectId) + '/events', {
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
        const sequence = Number(data.sequence) || 0;
        if (sequence > lastSequence) {
          // The run ended after an event we never saw: fetch its final view once.
          fetchFinalView(sequence, data.status);
        }
      },
    }, {
      // The project's own API, not /api/session: a single-project session cookie is sent only below
      // /api/projects/{id}/. 200 or 404 both mean the session is good.
      probe: () => accessRefusal('/api/projects/' + encodeURIComponent(projectId) + '/progress', projectId),
      denied: (kind) => showAccessPage(kind, projectId),
    });
  } else {
    connection.set('finished');
  }

  const ticker = setInterval(tick, 1000);

  return {
    root,
    focus: heading,
    destroy() {
      destroyed = true;
      clearInterval(ticker);
      if (stream) stream.close();
    },
  };
}

// ---------------------------------------------------------------------------------------------
// Session: the sign-in link, what the session covers, and the page shown when the server refuses it

async function problemDetail(response) {
  try {
    const problem = await response.json();
    return typeof problem.detail === 'string' ? problem.detail : '';
  } catch (e) {
    return '';
  }
}

function rememberSession(view) {
  try {
    sessionStorage.setItem(SESSION_HINT, JSON.stringify({ projects: view.projects, expiresAt: view.expiresAt }));
  } catch (e) {
    // storage disabled: the page only explains refusals less precisely
  }
}

function rememberedSession() {
  try {
    const hint = JSON.parse(sessionStorage.getItem(SESSION_HINT) || 'null');
    return hint && Array.isArray(hint.projects) ? hint : null;
  } catch (e) {
    return null;
  }
}

/** The one project a session covers, or null (several, a pattern, or all). */
function singleProject(view) {
  const projects = view && Array.isArray(view.projects) ? view.projects : [];
  return projects.length === 1 && !projects[0].includes('*') && ID_PATTERN.test(projects[0]) ? projects[0] : null;
}

/**
 * Whether the server refuses this page's session at {@code url}: 'expired' or 'signed-out' (401), 'denied'
 * (403), or null when it does not (any other answer, or no answer: the caller keeps retrying). A session
 * for one other project counts as 'denied' there: its cookie is sent to that project's API only, so here
 * the server saw no credential at all.
 */
async function accessRefusal(url, projectId) {
  let response;
  try {
    response = await fetch(url, { headers: { Accept: 'application/json' }, cache: 'no-store' });
  } catch (e) {
    return null;
  }
  if (response.status === 401) {
    // The server's detail says "... token has expired" for that case only.
    const hint = rememberedSession();
    const hintExpiry = hint ? toMillis(hint.expiresAt) : null;
    if (/has expired/i.test(await problemDetail(response)) || (hintExpiry != null && hintExpiry <= Date.now())) {
      return 'expired';
    }
    const covered = singleProject(hint);
    return projectId && covered && covered !== projectId ? 'denied' : 'signed-out';
  }
  return response.status === 403 ? 'denied' : null;
}

/** The token of a sign-in link (#token=...), if the address has one. */
function linkToken() {
  const hash = location.hash;
  if (!hash.startsWith('#') || hash.startsWith('#/')) return null;
  const token = new URLSearchParams(hash.slice(1)).get('token');
  return token ? token.trim() : null;
}

/**
 * Exchanges the link's token for the session cookie, then shows the session's page: its project when it
 * covers just one, else the overview.
 */
async function signIn(token) {
  // Out of the address bar and this history entry first, whatever the answer.
  history.replaceState(null, '', location.pathname + location.search + '#/');
  routing += 1;   // a navigation still waiting for its answer is obsolete
  if (current) current.destroy();
  current = null;
  connection.set('connecting');
  let response;
  try {
    response = await fetch('/api/session', {
      method: 'POST',
      headers: { Authorization: 'Bearer ' + token, Accept: 'application/json' },
      cache: 'no-store',
    });
  } catch (e) {
    showAccessPage('link-failed');
    return;
  }
  if (!response.ok) {
    const detail = await problemDetail(response);
    showAccessPage(response.status === 401 && /has expired/i.test(detail) ? 'link-expired' : 'link-invalid');
    return;
  }
  const view = await response.json();
  rememberSession(view);
  const project = singleProject(view);
  history.replaceState(null, '', project ? '#/projects/' + encodeURIComponent(project) : '#/');
  route();
}

const ACCESS_TEXT = {
  'signed-out': ['Not signed in', 'Open the progress link from the application that sent you here: it signs you in.'],
  expired: ['Session expired', 'Your access to this progress has ended. Open a new link from the application that sent you here.'],
  denied: ['No access to this project', 'Your sign-in does not cover this project.'],
  'link-invalid': ['Sign-in failed', 'This sign-in link is not valid. Ask the application that sent you here for a new one.'],
  'link-expired': ['Sign-in link expired', 'This sign-in link has expired. Ask the application that sent you here for a new one.'],
  'link-failed': ['Sign-in failed', 'The server could not be reached. Check your connection and open the link again.'],
};

/** The page instead of progress, when there is no (valid) session for it. */
function accessPage(kind, projectId) {
  const [title, hint] = ACCESS_TEXT[kind] || ACCESS_TEXT['signed-out'];
  const heading = el('h1', { className: 'access-title', text: title, attrs: { tabindex: -1 } });
  const box = el('div', { className: 'empty access', id: 'access', data: { access: kind }, attrs: { role: 'alert' } },
    heading, el('p', { className: 'empty-hint', text: hint }));
  // A single-project session's cookie is not sent to the overview: point at the project it covers.
  const session = rememberedSession();
  const covered = singleProject(session);
  const stillValid = session && (toMillis(session.expiresAt) ?? 0) > Date.now();
  if (covered && stillValid && covered !== projectId && (kind === 'signed-out' || kind === 'denied')) {
    box.append(el('p', { className: 'empty-hint' }, 'Your sign-in covers project ',
      el('a', { className: 'access-link', text: covered, attrs: { href: '#/projects/' + encodeURIComponent(covered) } }),
      ' only.'));
  }
  const state = kind === 'denied' ? 'denied' : kind === 'expired' || kind === 'link-expired' ? 'expired' : 'signed-out';
  connection.set(state);
  return { root: el('section', { className: 'page' }, box), focus: heading, destroy() {} };
}

function showAccessPage(kind, projectId) {
  if (current) current.destroy();
  current = accessPage(kind, projectId);
  app.replaceChildren(current.root);
}

// ---------------------------------------------------------------------------------------------
// Hash routing

const app = document.getElementById('app');
let current = null;
let routed = false;
let routing = 0;   // the latest navigation; an older one that finishes late is dropped

async function route() {
  const token = linkToken();
  if (token) {
    await signIn(token);
    return;
  }
  const hash = location.hash || '#/';
  if (!hash.startsWith('#/')) return;   // an in-page anchor, not a route
  const navigation = ++routing;
  if (current) current.destroy();
  current = null;
  const match = /^#\/projects\/([^?#]+)/.exec(hash);
  let next;
  if (match) {
    let id = match[1];
    try {
      id = decodeURIComponent(id);
    } catch (e) {
      // keep it as typed
    }
    // Its stream says when the session does not cover it (see LiveStream).
    next = detailPage(id);
  } else {
    // The overview needs a session for /api/: ask once, rather than open a stream that will be refused.
    connection.set('connecting');
    const refusal = await accessRefusal('/api/session');
    if (navigation !== routing) return;
    const query = hash.includes('?') ? hash.slice(hash.indexOf('?') + 1) : '';
    next = refusal ? accessPage(refusal) : overviewPage(new URLSearchParams(query).get('status'));
  }
  current = next;
  app.replaceChildren(current.root);
  document.title = 'Step progress';
  // After a navigation (not on the first load), move focus to the new page's heading for screen readers.
  if (routed) current.focus.focus({ preventScroll: true });
  routed = true;
  window.scrollTo(0, 0);
}

window.addEventListener('hashchange', route);
route();
