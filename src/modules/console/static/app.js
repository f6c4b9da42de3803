// @ts-check
// The console's shell: signing in (pages/signin.js), the role-aware menu, the router (/app/<area>/...) and the
// language switch.
// Each area is a page module (pages/<area>.js) loaded when first visited; adding an area is a line in AREAS,
// a module exporting render(ctx), and its words in i18n/*.js.
import { fill, h } from './lib/dom.js';
import { api, ApiError, onUnauthorized, queryString, readSession, session } from './lib/api.js';
import { currentLang, LANG_SHORT, LANGS, loadLang, t, tEnum } from './lib/i18n.js';
import { forgetMe, issuesDocuments, loadMe, may, me, safeNext, signInStepPath } from './lib/session.js';
import { button, errorBox, revokeObjectUrls, setRouter, spinner } from './lib/ui.js';

const BASE = '/app';
const ANY = null;

/**
 * The areas, in menu order. `may`: who may open it: the route the page lists from (`METHOD /path`, as GET /api/meta
 * names the routes the user's roles may call), a rule of the server's, or ANY = every signed-in user.
 * @type {{ key: string, module: string, may: string | (() => boolean) | null, group: string, menu?: boolean }[]}
 */
export const AREAS = [
  { key: 'dashboard', module: './pages/dashboard.js', may: ANY, group: 'home' },
  // Reached from the header (the user's name), not from the menu.
  { key: 'account', module: './pages/account.js', may: ANY, group: 'home', menu: false },
  { key: 'customers', module: './pages/customers.js', may: 'GET /api/customers', group: 'records' },
  { key: 'qualifications', module: './pages/qualifications.js', may: 'GET /api/qualifications', group: 'records' },
  { key: 'performance', module: './pages/performance.js', may: 'GET /api/performance', group: 'records' },
  { key: 'products', module: './pages/products.js', may: 'GET /api/products', group: 'records' },
  { key: 'quotations', module: './pages/quotations.js', may: 'GET /api/quotations', group: 'sales' },
  { key: 'tenders', module: './pages/tenders.js', may: 'GET /api/tenders', group: 'sales' },
  { key: 'contracts', module: './pages/contracts.js', may: 'GET /api/contracts', group: 'sales' },
  {
    key: 'contact-lists',
    module: './pages/contact-lists.js',
    may: 'GET /api/contracts/contact-lists',
    group: 'sales',
  },
  // Every role reads delivery notices (they carry no price).
  { key: 'deliveries', module: './pages/deliveries.js', may: 'GET /api/deliveries', group: 'sales' },
  {
    key: 'payments',
    module: './pages/payments.js',
    may: 'GET /api/payments',
    group: 'finance',
  },
  {
    key: 'invoices',
    module: './pages/invoices.js',
    may: 'GET /api/invoices',
    group: 'finance',
  },
  {
    key: 'receivables',
    module: './pages/receivables.js',
    may: 'GET /api/receivables/overdue',
    group: 'finance',
  },
  { key: 'dunning', module: './pages/dunning.js', may: 'GET /api/dunning', group: 'finance' },
  {
    key: 'statements',
    module: './pages/statements.js',
    may: 'GET /api/statements',
    group: 'finance',
  },
  {
    key: 'statement-runs',
    module: './pages/statement-runs.js',
    may: 'GET /api/statement-runs',
    group: 'finance',
  },
  // Every role reads the templates (they hold no prices); back office and managers edit them (the page asks may()).
  { key: 'templates', module: './pages/templates.js', may: 'GET /api/templates', group: 'documents' },
  { key: 'reminders', module: './pages/reminders.js', may: 'GET /api/reminders', group: 'finance' },
  { key: 'users', module: './pages/users.js', may: 'GET /api/users', group: 'admin' },
  // GET /api/company is any role's, but the profile matters to those who issue documents (and only they see seals).
  {
    key: 'company',
    module: './pages/company.js',
    may: issuesDocuments,
    group: 'admin',
  },
  { key: 'audit', module: './pages/audit.js', may: 'GET /api/audit', group: 'admin' },
  {
    key: 'outbox',
    module: './pages/outbox.js',
    may: 'GET /api/outbox',
    group: 'admin',
  },
];

/** @param {(typeof AREAS)[number]} area */
const mayOpen = (area) => area.may === ANY || (typeof area.may === 'function' ? area.may() : may(area.may));

// ---- routing ----

let seq = 0;
let leaving = [];
let shell = null;

function navigate(path, { replace = false } = {}) {
  if (replace) history.replaceState(null, '', path);
  else history.pushState(null, '', path);
  void route();
}
setRouter({ navigate });

function runLeave() {
  for (const fn of leaving.splice(0)) {
    try {
      fn();
    } catch (err) {
      console.error(err);
    }
  }
  revokeObjectUrls();
}

async function route() {
  const mine = ++seq;
  runLeave();
  const path = location.pathname.replace(/\/+$/, '');
  const segments = path.startsWith(BASE)
    ? path.slice(BASE.length).split('/').filter(Boolean).map(decodeURIComponent)
    : [];
  if (segments[0] === 'signin' || segments[0] === 'invitation') return signInPages(mine, segments);
  if (!me.user) {
    try {
      // The cookie is HttpOnly: the server says whether this browser is signed in, and how far.
      const s = await readSession();
      if (mine !== seq) return;
      const here = location.pathname + location.search;
      if (!s.user || s.stage !== 'active') return navigate(signInStepPath(s.stage, here), { replace: true });
      await loadMe();
    } catch (err) {
      // A 401 (the session ended meanwhile) has sent the page to the sign-in already.
      if (err instanceof ApiError && err.status === 401) return;
      return fatal(err);
    }
  }
  if (mine !== seq) return;
  const area = AREAS.find((a) => a.key === (segments[0] ?? 'dashboard'));
  const host = layout(area?.key);
  if (!area) return fill(host, h('div.page', h('h1', t('app.notFound')), h('p', location.pathname)));
  if (!mayOpen(area))
    return fill(host, h('div.page', h('h1', t(`nav.${area.key}`)), h('div.alert.alert-error', t('app.forbidden'))));
  const el = h('div.page', spinner());
  host.replaceChildren(el);
  const ctx = {
    el,
    area: area.key,
    params: segments.slice(1),
    query: new URLSearchParams(location.search),
    alive: () => mine === seq,
    onLeave: (fn) => leaving.push(fn),
    navigate,
    reload: () => route(),
    /** New query (a list's filters): a new history entry and a new render. */
    setQuery: (q) => navigate(location.pathname + queryString(q)),
    /** Changes some query values in place (a tab), without rendering again. */
    replaceQuery: (q) => {
      const p = new URLSearchParams(location.search);
      for (const [k, v] of Object.entries(q)) {
        if (v === undefined || v === null || v === '') p.delete(k);
        else p.set(k, v);
      }
      const s = p.toString();
      history.replaceState(null, '', location.pathname + (s ? `?${s}` : ''));
    },
  };
  document.title = `${t(`nav.${area.key}`)} · Tenderdesk`;
  try {
    const mod = await import(area.module);
    if (mine !== seq) return;
    await mod.render(ctx);
  } catch (err) {
    if (mine === seq) fill(el, errorBox(err));
    if (!(err instanceof ApiError)) console.error(err);
  }
}

function fatal(err) {
  shell = null;
  fill(document.getElementById('app'), h('div.page', errorBox(err), button(t('app.signOut'), signOut)));
}

// ---- the shell ----

function langSwitch() {
  return h(
    'div.lang',
    { role: 'group', 'aria-label': t('app.language') },
    LANGS.map((l) =>
      h(
        'button',
        {
          type: 'button',
          class: 'btn btn-link',
          'aria-pressed': String(l === currentLang()),
          dataset: { lang: l },
          onClick: async () => {
            await loadLang(l);
            shell = null;
            void route();
          },
        },
        LANG_SHORT[l],
      ),
    ),
  );
}

function layout(active) {
  if (!shell) {
    const nav = h('nav.menu', { 'aria-label': t('app.menu') });
    let group = null;
    for (const a of AREAS.filter((x) => x.menu !== false && mayOpen(x))) {
      if (a.group !== group) {
        group = a.group;
        if (group !== 'home') nav.append(h('div.menu-group', t(`nav.group.${group}`)));
      }
      nav.append(
        h(
          'a',
          { href: a.key === 'dashboard' ? BASE : `${BASE}/${a.key}`, dataset: { area: a.key } },
          t(`nav.${a.key}`),
        ),
      );
    }
    const user = me.user;
    const main = h('main', { id: 'main' });
    shell = {
      nav,
      main,
      el: h(
        'div.shell',
        h('aside.side', h('a.brand', { href: BASE }, h('span.logo', 'TD'), h('span', t('app.title'))), nav),
        h(
          'div.column',
          h(
            'header.top',
            h(
              'div.who',
              h(
                'a.who-name',
                { href: `${BASE}/account`, dataset: { area: 'account' }, title: t('nav.account') },
                h('strong', { 'data-user': user.name }, user.name),
              ),
              h('span.roles', user.roles.map((r) => tEnum('role', r)).join(' · ')),
            ),
            langSwitch(),
            button(t('app.signOut'), signOut, { kind: 'link', name: 'signout' }),
          ),
          main,
        ),
      ),
    };
    fill(document.getElementById('app'), shell.el);
  }
  for (const a of shell.nav.querySelectorAll('a')) a.classList.toggle('active', a.dataset.area === active);
  return shell.main;
}

// ---- sign-in ----

let signingOut = false;

/** Ends the session on the server (whatever stage it is at), then shows the sign-in page. */
async function signOut() {
  signingOut = true;
  try {
    await api.post('/api/auth/sign-out');
  } catch {
    // Ended already (elsewhere, or by its idle time): there is nothing left to end.
  } finally {
    signingOut = false;
  }
  session.clear();
  forgetMe();
  shell = null;
  navigate(`${BASE}/signin`, { replace: true });
}

// A 401 on a page: the session ended (signed out elsewhere, idle, revoked) → the sign-in page, then back to the same
// page; signing in not finished → the step the server names. The sign-in pages handle their own 401s.
onUnauthorized((err) => {
  if (signingOut || /^\/app\/(signin|invitation)(\/|$)/.test(location.pathname)) return;
  const next = location.pathname + location.search;
  const wasIn = !!me.user;
  session.clear();
  forgetMe();
  shell = null;
  if (err.code === 'SIGN_IN_INCOMPLETE' && err.details?.stage) {
    history.replaceState(null, '', signInStepPath(err.details.stage, next));
  } else {
    history.replaceState(null, '', `${BASE}/signin${queryString({ next, expired: wasIn ? '1' : null })}`);
  }
  void route();
});

/** /app/signin[/<step>] and /app/invitation#<token>: pages/signin.js, without the shell. */
async function signInPages(mine, segments) {
  shell = null;
  forgetMe();
  const query = new URLSearchParams(location.search);
  const root = document.getElementById('app');
  try {
    const mod = await import('./pages/signin.js');
    if (mine !== seq) return;
    await mod.render({
      root,
      page: segments[0],
      step: segments[1] ?? null,
      query,
      next: safeNext(query.get('next') ?? BASE),
      alive: () => mine === seq,
      navigate,
      langSwitch,
      signOut,
      /** Signed in to the end: the page the user wanted (its shell reads who they are again). */
      finish: (next) => {
        forgetMe();
        shell = null;
        navigate(safeNext(next), { replace: true });
      },
    });
  } catch (err) {
    if (mine === seq) fatal(err);
    if (!(err instanceof ApiError)) console.error(err);
  }
}

// ---- start ----

document.addEventListener('click', (e) => {
  if (e.defaultPrevented || e.button !== 0 || e.metaKey || e.ctrlKey || e.shiftKey || e.altKey) return;
  const a = e.target instanceof Element ? e.target.closest('a[href]') : null;
  if (!(a instanceof HTMLAnchorElement)) return;
  if (a.target || a.hasAttribute('download')) return;
  const url = new URL(a.href, location.href);
  if (url.origin !== location.origin || !(url.pathname === BASE || url.pathname.startsWith(`${BASE}/`))) return;
  e.preventDefault();
  navigate(url.pathname + url.search);
});
window.addEventListener('popstate', () => void route());
// A file dropped beside a drop area must not replace the console with the file.
window.addEventListener('dragover', (e) => e.preventDefault());
window.addEventListener('drop', (e) => e.preventDefault());

await loadLang();
await route();
