// Small DOM helpers. Text always goes through textContent: nothing from the server becomes markup.

import { clampPercent, formatPercent } from './format.js';

export function el(tag, options = {}, ...children) {
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

export function setText(node, text) {
  const value = text == null ? '' : String(text);
  if (node.textContent !== value) node.textContent = value;
}

export function progressBar(label, extraClass) {
  return el('div', {
    className: 'bar' + (extraClass ? ' ' + extraClass : ''),
    attrs: { role: 'progressbar', 'aria-valuemin': 0, 'aria-valuemax': 100, 'aria-valuenow': 0, 'aria-label': label },
    data: { status: 'pending' },
  }, el('div', { className: 'bar-fill' }));
}

export function updateBar(bar, value, status) {
  const n = clampPercent(value);
  const now = String(n);
  if (bar.getAttribute('aria-valuenow') !== now) bar.setAttribute('aria-valuenow', now);
  bar.setAttribute('aria-valuetext', `${formatPercent(n)}, ${status}`);
  bar.dataset.status = status || 'pending';
  // CSSOM, not a style attribute: allowed by a Content-Security-Policy without 'unsafe-inline'.
  bar.firstElementChild.style.width = n + '%';
}

export function statusBadge(className, id) {
  return el('span', { className: 'badge ' + className, id, data: { status: 'pending' } });
}

export function updateBadge(badge, status) {
  setText(badge, status);
  badge.dataset.status = status || 'pending';
}
