// The overview (#/, optionally #/?status=running): recent projects the session may see, kept live by the
// overview stream (/api/events).

import { FINISHED, LiveStream } from './stream-client.js';
import { el, setText, progressBar, updateBar, statusBadge, updateBadge } from './dom.js';
import { formatPercent, formatAgo, toMillis, dateTimeFormat } from './format.js';
import { accessRefusal } from './session.js';

export const STATUSES = ['running', 'pending', 'completed', 'failed', 'cancelled'];
const OVERVIEW_LIMIT = 50;

/** page: { connection: {set(state)}, denied(kind, projectId) } */
export function overviewPage(initialFilter, page) {
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
    handlers: {
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
    },
    probe: () => accessRefusal('/api/session'),
    onState: page.connection.set,
    onRefused: (kind) => page.denied(kind),
  });

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

