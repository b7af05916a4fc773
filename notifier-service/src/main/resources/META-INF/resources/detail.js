// One project's page (#/projects/{projectId}): overall bar, ETA, the steps, kept live by the project stream.

import { FINISHED, ID_PATTERN, watchProject } from './stream-client.js';
import { el, setText, progressBar, updateBar, statusBadge, updateBadge } from './dom.js';
import {
  formatPercent, formatClock, formatDuration, toMillis, dateTimeFormat, stepElapsed, initializationElapsed,
  stepLabel, etaText,
} from './format.js';
import { accessRefusal } from './session.js';

/** page: { connection: {set(state)}, denied(kind, projectId) } */
export function detailPage(projectId, page) {
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
  // From the durations of earlier runs of the same plan (the view's eta); hidden when there are none.
  const eta = el('p', { className: 'overall-eta', id: 'eta', hidden: true });
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
    overallBar, nowLine, eta, meta);

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
    const remaining = etaText(view);
    setText(eta, remaining);
    eta.hidden = !remaining;
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

  let watch = null;
  if (!invalid) {
    watch = watchProject('', projectId, {
      onView(next) {
        view = next;
        render();
      },
      // The project's own API, not /api/session: a single-project session cookie is sent only below
      // /api/projects/{id}/. 200 or 404 both mean the session is good.
      probe: () => accessRefusal('/api/projects/' + encodeURIComponent(projectId) + '/progress', projectId),
      onState: page.connection.set,
      onRefused: (kind) => page.denied(kind, projectId),
    });
  } else {
    page.connection.set('finished');
  }

  const ticker = setInterval(tick, 1000);

  return {
    root,
    focus: heading,
    destroy() {
      clearInterval(ticker);
      if (watch) watch.close();
    },
  };
}

