// The page's session: the sign-in link's token, what the session covers, whether the server refuses it, and
// the page shown instead of progress when it does.
//
// Sign-in: the host application hands its user a link /#token=<subscriber token>. A fragment never
// reaches a server, so the token is not in any request line, log or Referer; the page posts it once to
// /api/session as a bearer header, takes it out of the address bar and the history entry, and from then
// on the browser holds it only as an HttpOnly cookie that no script can read, and that EventSource and
// fetch send by themselves.

import { ID_PATTERN, askAccess, problemDetail, refusalOf } from './stream-client.js';
import { el } from './dom.js';
import { toMillis } from './format.js';

// What the page remembers of its session, for this tab only: never the token (the server keeps that in an
// HttpOnly cookie), only which projects it covers and until when, to explain a refusal.
const SESSION_HINT = 'step-progress.session';

export function rememberSession(view) {
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
export function singleProject(view) {
  const projects = view && Array.isArray(view.projects) ? view.projects : [];
  return projects.length === 1 && !projects[0].includes('*') && ID_PATTERN.test(projects[0]) ? projects[0] : null;
}

/**
 * Whether the server refuses this page's session at {@code url}: 'expired' or 'signed-out' (401), 'denied'
 * (403), or null when it does not (any other answer, or no answer: the caller keeps retrying). A session
 * for one other project counts as 'denied' there: its cookie is sent to that project's API only, so here
 * the server saw no credential at all.
 */
export async function accessRefusal(url, projectId) {
  const refusal = refusalOf(await askAccess(url));
  if (refusal !== 'signed-out') return refusal;
  // The server's detail says "... token has expired" only while the cookie is still sent; after the token's
  // expiry the cookie is gone too, and the remembered expiry tells.
  const hint = rememberedSession();
  const hintExpiry = hint ? toMillis(hint.expiresAt) : null;
  if (hintExpiry != null && hintExpiry <= Date.now()) return 'expired';
  const covered = singleProject(hint);
  return projectId && covered && covered !== projectId ? 'denied' : 'signed-out';
}

/** The token of a sign-in link (#token=...), if the address has one. */
export function linkToken() {
  const hash = location.hash;
  if (!hash.startsWith('#') || hash.startsWith('#/')) return null;
  const token = new URLSearchParams(hash.slice(1)).get('token');
  return token ? token.trim() : null;
}

/**
 * Exchanges a sign-in token for the session cookie: the session's view, or the access page's kind when the
 * server refuses it ('link-expired', 'link-invalid') or cannot be reached ('link-failed').
 */
export async function openSession(token) {
  let response;
  try {
    response = await fetch('/api/session', {
      method: 'POST',
      headers: { Authorization: 'Bearer ' + token, Accept: 'application/json' },
      cache: 'no-store',
    });
  } catch (e) {
    return { refusal: 'link-failed' };
  }
  if (!response.ok) {
    const answer = refusalOf({ status: response.status, detail: await problemDetail(response) });
    return { refusal: answer === 'expired' ? 'link-expired' : 'link-invalid' };
  }
  const view = await response.json();
  rememberSession(view);
  return { view };
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
export function accessPage(kind, projectId, page) {
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
  page.connection.set(state);
  return { root: el('section', { className: 'page' }, box), focus: heading, destroy() {} };
}
