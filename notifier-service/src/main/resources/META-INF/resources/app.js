// Live progress page: an overview of recent projects (#/) and one project's steps (#/projects/{id}),
// both kept live by Server-Sent Events. Native ES modules, no dependencies, no build step, no inline code
// or styles (the page runs under a Content-Security-Policy that allows only its own files):
//
//   stream-client.js  the SSE contract (reusable by any page; <step-progress> is built on it)
//   format.js, dom.js text and DOM helpers
//   overview.js, detail.js, session.js   the pages, and the session they need
//   app.js            this file: the connection indicator and hash routing

import { setText } from './dom.js';
import { overviewPage } from './overview.js';
import { detailPage } from './detail.js';
import { accessPage, accessRefusal, linkToken, openSession, singleProject } from './session.js';

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

// The connection indicator, one per page in the top bar.
const connection = (() => {
  const node = document.getElementById('connection-state');
  const label = node.querySelector('.connection-label');
  return {
    set(state) {
      if (node.dataset.state !== state) node.dataset.state = state;
      setText(label, CONNECTION_LABELS[state] || state);
    },
  };
})();

/** What the pages may ask of the frame around them. */
const page = {
  connection,
  denied: (kind, projectId) => showAccessPage(kind, projectId),
};

const app = document.getElementById('app');
let current = null;
let routed = false;
let routing = 0;   // the latest navigation; an older one that finishes late is dropped

function showAccessPage(kind, projectId) {
  if (current) current.destroy();
  current = accessPage(kind, projectId, page);
  app.replaceChildren(current.root);
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
  const { view, refusal } = await openSession(token);
  if (refusal) {
    showAccessPage(refusal);
    return;
  }
  const project = singleProject(view);
  history.replaceState(null, '', project ? '#/projects/' + encodeURIComponent(project) : '#/');
  route();
}

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
    next = detailPage(id, page);
  } else {
    // The overview needs a session for /api/: ask once, rather than open a stream that will be refused.
    connection.set('connecting');
    const refusal = await accessRefusal('/api/session');
    if (navigation !== routing) return;
    const query = hash.includes('?') ? hash.slice(hash.indexOf('?') + 1) : '';
    next = refusal ? accessPage(refusal, undefined, page) : overviewPage(new URLSearchParams(query).get('status'), page);
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
