// How views read as text: percentages, times, durations and the ETA. Shared by the page and <step-progress>.

import { FINISHED } from './stream-client.js';

export function clampPercent(value) {
  const n = Number(value);
  if (!Number.isFinite(n)) return 0;
  return Math.min(100, Math.max(0, n));
}

export function formatPercent(value) {
  const n = clampPercent(value);
  return (Number.isInteger(n) ? String(n) : n.toFixed(1)) + '%';
}

export function toMillis(iso) {
  if (!iso) return null;
  const t = Date.parse(iso);
  return Number.isNaN(t) ? null : t;
}

export function formatDuration(ms) {
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

export const timeFormat = new Intl.DateTimeFormat(undefined, { hour: '2-digit', minute: '2-digit', second: '2-digit' });
export const dateTimeFormat = new Intl.DateTimeFormat(undefined, { dateStyle: 'medium', timeStyle: 'medium' });

export function formatClock(iso) {
  const t = toMillis(iso);
  if (t == null) return '';
  const sameDay = new Date(t).toDateString() === new Date().toDateString();
  return sameDay ? timeFormat.format(t) : dateTimeFormat.format(t);
}

export function formatAgo(iso) {
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
export function stepElapsed(step) {
  const start = toMillis(step.startedAt);
  if (start == null || step.status === 'pending') return null;
  const end = step.status === 'running' ? Date.now() : toMillis(step.updatedAt);
  return end == null ? null : end - start;
}

/** Elapsed time of the whole initialization. */
export function initializationElapsed(view) {
  const start = toMillis(view.startedAt);
  if (start == null) return null;
  const end = FINISHED.has(view.status) ? (toMillis(view.finishedAt) ?? toMillis(view.updatedAt)) : Date.now();
  return end == null ? null : end - start;
}

export function stepLabel(view, name) {
  const step = (view.steps || []).find((s) => s.name === name);
  return step ? (step.label || step.name) : name;
}

/** [amount, unit] of a remaining time in seconds, rounded to what a person reads: 40 s, 2 min, 3 h. */
function roughly(seconds) {
  if (seconds < 60) return [Math.max(1, Math.round(seconds)), 's'];
  if (seconds < 90 * 60) return [Math.round(seconds / 60), 'min'];
  return [Math.round(seconds / 360) / 10, 'h'];
}

/**
 * The view's ETA as a sentence: "about 2 min left, at most 4" (p50, then p90, the unit said once when both
 * share it), or '' when there is none (null or absent: no history for this plan) or the run is finished.
 */
export function etaText(view) {
  const eta = view && view.eta;
  if (!eta || FINISHED.has(view.status)) return '';
  const p50 = Number(eta.p50);
  const p90 = Number(eta.p90);
  if (!Number.isFinite(p50) || p50 < 0) return '';
  const [typical, unit] = roughly(p50);
  let text = `about ${typical} ${unit} left`;
  if (Number.isFinite(p90) && p90 > p50) {
    const [most, mostUnit] = roughly(p90);
    if (most !== typical || mostUnit !== unit) text += `, at most ${most}${mostUnit === unit ? '' : ' ' + mostUnit}`;
  }
  return text;
}
