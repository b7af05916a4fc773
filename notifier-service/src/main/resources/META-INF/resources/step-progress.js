// <step-progress project="…">: one project's live progress for a host application's own page, loaded
// straight from the notifier (no build step, no framework):
//
//   <script type="module" src="https://progress.example.com/step-progress.js"></script>
//   <step-progress project="checkout-api"></step-progress>
//
// The page must have opened a session first (POST /api/session with credentials: 'include'); the element
// then follows the project's stream with that cookie, from the notifier it was loaded from (or the one named
// by its `notifier` attribute). It renders the overall and step bars (role=progressbar), the status, the
// current step's message and the ETA, in a shadow root. Theme it with CSS custom properties
// (--step-progress-*, see CSS below) or ::part(); it tells the host what happens with `view` and `state` events.

import { FINISHED, ID_PATTERN, baseOf, watchProject } from './stream-client.js';
import { el, setText, progressBar, updateBar } from './dom.js';
import { formatPercent, stepLabel, etaText } from './format.js';

const CSS = `
:host {
  display: block;
  font: var(--step-progress-font, inherit);
  color: var(--step-progress-color, inherit);
  --_track: var(--step-progress-track, #e8edf3);
  --_running: var(--step-progress-running, #2563eb);
  --_completed: var(--step-progress-completed, #16a34a);
  --_failed: var(--step-progress-failed, #dc2626);
  --_cancelled: var(--step-progress-cancelled, #6b7280);
  --_muted: var(--step-progress-muted, #627084);
}
:host([hidden]) { display: none; }
[hidden] { display: none !important; }
.box {
  background: var(--step-progress-background, transparent);
  border: var(--step-progress-border, 1px solid #e2e7ee);
  border-radius: var(--step-progress-radius, 10px);
  padding: var(--step-progress-padding, 12px 14px);
}
.head, .step-head { display: flex; align-items: baseline; gap: 8px; }
.title { font-weight: 600; flex: 1; overflow-wrap: anywhere; }
.status, .connection { font-size: 0.85em; color: var(--_muted); }
.status { font-weight: 600; text-transform: capitalize; }
.status[data-status=running] { color: var(--_running); }
.status[data-status=completed] { color: var(--_completed); }
.status[data-status=failed] { color: var(--_failed); }
.status[data-status=cancelled] { color: var(--_cancelled); }
.bar {
  height: var(--step-progress-bar-height, 8px);
  background: var(--_track);
  border-radius: 999px;
  overflow: hidden;
  margin: 6px 0;
}
.overall { height: var(--step-progress-overall-height, 12px); }
.bar-fill { height: 100%; width: 0; background: var(--_running); transition: width 0.3s ease; }
.bar[data-status=completed] .bar-fill { background: var(--_completed); }
.bar[data-status=failed] .bar-fill { background: var(--_failed); }
.bar[data-status=cancelled] .bar-fill, .bar[data-status=pending] .bar-fill { background: var(--_cancelled); }
.line, .eta, .notice { margin: 4px 0; font-size: 0.92em; }
.percent { font-variant-numeric: tabular-nums; font-weight: 600; }
.message, .eta { color: var(--_muted); }
.steps { list-style: none; margin: 10px 0 0; padding: 0; display: grid; gap: 6px; }
.step-label { flex: 1; font-size: 0.92em; }
.step-percent { font-size: 0.85em; color: var(--_muted); font-variant-numeric: tabular-nums; }
.notice { color: var(--_failed); font-weight: 600; }
@media (prefers-reduced-motion: reduce) { .bar-fill { transition: none; } }
`;

const CONNECTION_TEXT = {
  connecting: 'connecting…',
  reconnecting: 'reconnecting…',
  'signed-out': 'not signed in',
  expired: 'session expired',
  denied: 'no access',
};
const REFUSALS = new Set(['signed-out', 'expired', 'denied']);

let sheet = null;

function styles(shadow) {
  // A constructed sheet is not inline style: a host page's Content-Security-Policy need not allow it.
  if ('adoptedStyleSheets' in shadow && typeof CSSStyleSheet.prototype.replaceSync === 'function') {
    if (!sheet) {
      sheet = new CSSStyleSheet();
      sheet.replaceSync(CSS);
    }
    shadow.adoptedStyleSheets = [sheet];
  } else {
    shadow.append(el('style', { text: CSS }));
  }
}

export class StepProgressElement extends HTMLElement {
  static get observedAttributes() {
    return ['project', 'notifier'];
  }

  constructor() {
    super();
    const shadow = this.attachShadow({ mode: 'open' });
    styles(shadow);
    this.heading = el('span', { className: 'title', attrs: { part: 'title' } });
    this.status = el('span', { className: 'status', attrs: { part: 'status' } });
    this.connection = el('span', { className: 'connection', attrs: { part: 'connection', role: 'status', 'aria-live': 'polite' } });
    this.overall = progressBar('Overall progress', 'overall');
    this.overall.setAttribute('part', 'bar overall-bar');
    this.percent = el('span', { className: 'percent', text: '0%' });
    this.message = el('span', { className: 'message' });
    this.eta = el('p', { className: 'eta', attrs: { part: 'eta' }, hidden: true });
    this.steps = el('ol', { className: 'steps', attrs: { part: 'steps', 'aria-label': 'Steps' } });
    this.notice = el('p', { className: 'notice', attrs: { part: 'notice', role: 'alert' }, hidden: true });
    shadow.append(el('div', { className: 'box', attrs: { part: 'box' } },
      el('div', { className: 'head' }, this.heading, this.status, this.connection),
      this.overall,
      el('p', { className: 'line' }, this.percent, ' ', this.message),
      this.eta, this.steps, this.notice));
    this.stepRows = new Map();
    this.stepOrder = '';
    this.watch = null;
    this.current = null;
    this.attached = false;
  }

  /** The latest view shown, or null. */
  get view() {
    return this.current;
  }

  /** connecting, live, reconnecting, caught-up, replaced, finished, signed-out, expired or denied. */
  get state() {
    return this.dataset.state || 'connecting';
  }

  connectedCallback() {
    this.attached = true;
    this.start();
  }

  disconnectedCallback() {
    this.attached = false;
    this.stop();
  }

  attributeChangedCallback(name, before, after) {
    // Also called for the markup's attributes before connectedCallback, which starts the stream anyway.
    if (this.attached && before !== after) this.start();
  }

  /** (Re)opens the stream: after a new POST /api/session, for instance, once the old session expired. */
  start() {
    this.stop();
    const project = this.getAttribute('project') || '';
    if (this.current && this.current.projectId !== project) {
      this.current = null;
      this.buildSteps([], '');
    }
    setText(this.heading, project);
    this.overall.setAttribute('aria-label', `Overall progress of ${project}`);
    if (!ID_PATTERN.test(project)) {
      this.refuse('invalid', 'Not a valid project id.');
      return;
    }
    this.notice.hidden = true;
    const base = (this.getAttribute('notifier') || baseOf(import.meta.url)).replace(/\/$/, '');
    this.watch = watchProject(base, project, {
      withCredentials: true,
      onView: (view) => this.render(view),
      onState: (state) => this.setState(state),
      onRefused: (kind) => this.setState(kind),
    });
  }

  stop() {
    if (this.watch) this.watch.close();
    this.watch = null;
  }

  setState(state) {
    this.dataset.state = state;
    setText(this.connection, CONNECTION_TEXT[state] || '');
    if (REFUSALS.has(state)) {
      const text = state === 'expired' ? 'Session expired.' : state === 'denied' ? 'No access to this project.' : 'Not signed in.';
      this.refuse(state, text);
    }
    this.dispatchEvent(new CustomEvent('state', { detail: { state } }));
  }

  refuse(kind, text) {
    this.dataset.state = kind;
    setText(this.notice, text);
    this.notice.hidden = false;
  }

  render(view) {
    this.current = view;
    const steps = Array.isArray(view.steps) ? view.steps : [];
    this.dataset.status = view.status;
    setText(this.status, view.status);
    this.status.dataset.status = view.status;
    updateBar(this.overall, view.progress, view.status);
    setText(this.percent, formatPercent(view.progress));
    const finished = FINISHED.has(view.status);
    const current = steps.find((s) => s.name === view.currentStep);
    let message = '';
    if (view.reason && finished) message = view.reason;
    else if (view.status === 'completed') message = steps.length === 1 ? 'Step completed' : `All ${steps.length} steps completed`;
    else if (current) message = stepLabel(view, current.name) + (current.message ? ' — ' + current.message : '');
    else message = view.message || '';
    setText(this.message, message);
    const eta = etaText(view);
    setText(this.eta, eta);
    this.eta.hidden = !eta;

    const order = steps.map((s) => s.name).join('\u0000');
    if (order !== this.stepOrder) this.buildSteps(steps, order);
    for (const step of steps) {
      const row = this.stepRows.get(step.name);
      row.item.dataset.status = step.status;
      setText(row.label, step.label || step.name);
      setText(row.percent, formatPercent(step.progress));
      row.bar.setAttribute('aria-label', step.label || step.name);
      updateBar(row.bar, step.progress, step.status);
    }
    this.dispatchEvent(new CustomEvent('view', { detail: { view } }));
  }

  buildSteps(steps, order) {
    this.steps.replaceChildren();
    this.stepRows = new Map();
    for (const step of steps) {
      const label = el('span', { className: 'step-label' });
      const percent = el('span', { className: 'step-percent' });
      const bar = progressBar(step.label || step.name);
      bar.setAttribute('part', 'bar step-bar');
      bar.dataset.step = step.name;
      const item = el('li', { className: 'step', attrs: { part: 'step' }, data: { step: step.name } },
        el('div', { className: 'step-head' }, label, percent), bar);
      this.steps.append(item);
      this.stepRows.set(step.name, { item, label, percent, bar });
    }
    this.stepOrder = order;
  }
}

if (!customElements.get('step-progress')) customElements.define('step-progress', StepProgressElement);
