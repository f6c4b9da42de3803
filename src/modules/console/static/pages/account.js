// @ts-check
// My account, for every signed-in user: my password, my second factor, where I am signed in, my API tokens, whether
// I want reminders.
import { fill, h } from '../lib/dom.js';
import { api, ApiError, session } from '../lib/api.js';
import { t, tEnum } from '../lib/i18n.js';
import * as fmt from '../lib/format.js';
import { issuesEverlastingTokens, me } from '../lib/session.js';
import {
  askFields,
  badge,
  button,
  confirmAction,
  errorBox,
  muted,
  pageHead,
  showError,
  spinner,
  table,
  toast,
} from '../lib/ui.js';
import { copyText, enrolment, recoveryCodesPanel } from '../lib/second-factor.js';
import { newPasswordFields, signInError } from './signin.js';

/** A panel whose body loads on its own (one failing part leaves the others working) and can load again. */
function panel(name, title, load) {
  const body = h('div', spinner());
  const refresh = () => {
    fill(body, spinner());
    return Promise.resolve()
      .then(() => load(refresh, body))
      .then(
        (node) => node !== undefined && fill(body, node),
        (err) => fill(body, errorBox(err)),
      );
  };
  void refresh();
  return { el: h('section.panel', { dataset: { panel: name } }, h('h2', title), body), refresh };
}

export async function render(ctx) {
  document.title = `${t('nav.account')} · Tenderdesk`;
  const sessions = panel('sessions', t('account.sessions'), (refresh) => sessionsView(ctx, refresh));
  const panels = [
    panel('password', t('account.password'), () => passwordForm(sessions.refresh)),
    panel('totp', t('account.totp'), (refresh, body) => totpView(refresh, body)),
    sessions,
    panel('tokens', t('account.tokens'), (refresh, body) => tokensView(refresh, body)),
    panel('reminders', t('nav.reminders'), () => reminderOptOut()),
  ];
  fill(
    ctx.el,
    pageHead(t('nav.account'), [], [me.user.name, me.user.roles.map((r) => tEnum('role', r)).join(' · ')]),
    h(
      'div.account-grid',
      panels.map((p) => p.el),
    ),
  );
}

// ---- reminders ----

/** The user's own opt-out: no reminder addressed to them while ticked (they are listed as skipped). */
async function reminderOptOut() {
  /** @type {{ userOptedOut: boolean }} */
  const state = await api.get('/api/reminders/opt-outs');
  const box = h('input', { type: 'checkbox', name: 'reminder-opt-out', checked: state.userOptedOut });
  box.addEventListener('change', async () => {
    try {
      await api.put('/api/reminders/opt-outs/me', { optedOut: box.checked });
      toast(t('reminders.optOutSaved'));
    } catch (err) {
      box.checked = !box.checked;
      showError(err);
    }
  });
  return h('div', h('label.check', box, t('reminders.userOptOut')), muted(t('reminders.userOptOutHelp')));
}

// ---- password ----

function passwordForm(onChanged) {
  const msg = h('div', { role: 'alert' });
  const current = h('input', {
    id: 'current-password',
    name: 'currentPassword',
    type: 'password',
    autocomplete: 'current-password',
  });
  const fields = newPasswordFields(msg);
  const submit = h('button', { type: 'submit', class: 'btn btn-primary' }, t('account.changePassword'));
  const form = h(
    'form.account-form',
    { name: 'change-password', novalidate: true },
    h('label', { for: 'current-password' }, t('account.currentPassword')),
    current,
    fields.els,
    msg,
    h('div.form-actions', submit),
  );
  form.addEventListener('submit', async (e) => {
    e.preventDefault();
    if (submit.disabled) return;
    fill(msg);
    const newPassword = fields.read();
    if (newPassword === null) return;
    submit.disabled = true;
    try {
      const r = await api.post('/api/auth/password', { currentPassword: current.value, newPassword });
      session.setCsrf(r.csrfToken);
      current.value = '';
      fields.clear();
      fill(msg, h('div.alert.alert-ok', t('account.passwordChanged')));
      // Changing the password signed out the other sessions.
      void onChanged();
    } catch (err) {
      if (!(err instanceof ApiError)) console.error(err);
      fill(msg, signInError(err));
    } finally {
      submit.disabled = false;
    }
  });
  return form;
}

// ---- second factor ----

/** Asks for a current code from the authenticator app; null when cancelled. */
async function askCode(title, okLabel) {
  const v = await askFields({
    title,
    intro: t('totp.askCode'),
    fields: [{ name: 'code', label: t('totp.code'), required: true }],
    okLabel,
  });
  return v ? v.code.replace(/\s/g, '') : null;
}

async function totpView(refresh, body) {
  const s = await api.get('/api/me/totp');
  const showCodes = (codes) =>
    fill(body, recoveryCodesPanel(codes, { continueLabel: t('common.ok'), onContinue: refresh }));
  if (!s.enabled) {
    return h(
      'div.totp-off',
      h('p', badge(t('totp.off'), 'warn'), ' ', s.required ? t('totp.requiredNote') : t('totp.offHelp')),
      button(t('totp.enable'), async () => fill(body, await enrolment({ onConfirmed: (codes) => showCodes(codes) })), {
        kind: 'primary',
        name: 'totp-enable',
      }),
    );
  }
  return h(
    'div.totp-on',
    h(
      'p',
      badge(t('totp.on'), 'ok'),
      ' ',
      t('totp.since', { date: fmt.dateTime(s.enabledAt) }),
      ' · ',
      h('span', { dataset: { left: String(s.recoveryCodesLeft) } }, t('totp.codesLeft', { n: s.recoveryCodesLeft })),
    ),
    h(
      'div.form-actions',
      button(
        t('totp.newCodes'),
        async () => {
          const code = await askCode(t('totp.newCodes'), t('totp.newCodes'));
          if (code) showCodes((await api.post('/api/me/totp/recovery-codes', { code })).recoveryCodes);
        },
        { name: 'totp-recovery' },
      ),
      s.required
        ? muted(t('totp.requiredNote'))
        : button(
            t('totp.disable'),
            async () => {
              const code = await askCode(t('totp.disable'), t('totp.disable'));
              if (!code) return;
              await api.delWith('/api/me/totp', { code });
              toast(t('totp.disabled'));
              await refresh();
            },
            { kind: 'danger', name: 'totp-disable' },
          ),
    ),
  );
}

// ---- sessions ----

/** "Chrome on Windows" from a User-Agent header, enough to tell one's own devices apart. */
export function deviceOf(ua) {
  if (!ua) return '—';
  const browser =
    [
      ['Edg/', 'Edge'],
      ['Firefox/', 'Firefox'],
      ['Chrome/', 'Chrome'],
      ['Chromium/', 'Chromium'],
      ['Safari/', 'Safari'],
      ['curl/', 'curl'],
    ].find(([k]) => ua.includes(k))?.[1] ?? ua.slice(0, 40);
  const os = [
    ['Windows', 'Windows'],
    ['Android', 'Android'],
    ['iPhone', 'iOS'],
    ['iPad', 'iPadOS'],
    ['Mac OS X', 'macOS'],
    ['Linux', 'Linux'],
  ].find(([k]) => ua.includes(k))?.[1];
  return os ? t('account.device', { browser, os }) : browser;
}

async function sessionsView(ctx, refresh) {
  const rows = await api.get('/api/me/sessions');
  return h(
    'div',
    table(
      [
        {
          key: 'device',
          label: t('account.device.label'),
          render: (s) => h('span', { title: s.userAgent ?? '' }, deviceOf(s.userAgent)),
        },
        { key: 'ip', label: t('account.ip'), render: (s) => s.ip ?? '—' },
        { key: 'method', label: t('account.method'), render: (s) => tEnum('signInMethod', s.method) },
        { key: 'createdAt', label: t('account.signedInAt'), render: (s) => fmt.dateTime(s.createdAt) },
        { key: 'lastSeenAt', label: t('account.lastSeen'), render: (s) => fmt.dateTime(s.lastSeenAt) },
        {
          key: 'actions',
          label: '',
          render: (s) =>
            s.current
              ? badge(t('account.thisSession'), 'ok')
              : button(
                  t('account.revoke'),
                  async () => {
                    await api.del(`/api/me/sessions/${encodeURIComponent(s.id)}`);
                    toast(t('account.sessionRevoked'));
                    await refresh();
                  },
                  { kind: 'small', name: 'revoke-session' },
                ),
        },
      ],
      rows,
      { rowClass: (s) => (s.current ? 'row-current' : null), empty: t('common.empty') },
    ),
    h(
      'div.form-actions',
      button(
        t('account.signOutEverywhere'),
        async () => {
          if (!(await confirmAction(t('account.signOutEverywhereConfirm'), t('account.signOutEverywhere')))) return;
          await api.post('/api/auth/sign-out-everywhere');
          session.clear();
          ctx.navigate('/app/signin', { replace: true });
        },
        { kind: 'danger', name: 'signout-everywhere' },
      ),
    ),
  );
}

// ---- API tokens ----

async function tokensView(refresh, body) {
  const rows = await api.get('/api/me/tokens');
  const live = (x) => !x.revokedAt && !(x.expiresAt && new Date(x.expiresAt).getTime() <= Date.now());
  return h(
    'div',
    h('p.muted', t('account.tokensHelp')),
    table(
      [
        { key: 'label', label: t('account.tokenLabel') },
        { key: 'prefix', label: t('account.tokenPrefix'), render: (x) => h('code', `${x.prefix}…`) },
        {
          key: 'expiresAt',
          label: t('account.tokenExpires'),
          render: (x) => (x.expiresAt ? fmt.date(x.expiresAt) : t('account.never')),
        },
        {
          key: 'readOnly',
          label: t('account.tokenScope'),
          render: (x) => (x.readOnly ? badge(t('account.readOnly'), 'muted') : t('account.readWrite')),
        },
        {
          key: 'lastUsedAt',
          label: t('account.lastUsed'),
          render: (x) => (x.lastUsedAt ? fmt.dateTime(x.lastUsedAt) : t('account.neverUsed')),
        },
        {
          key: 'actions',
          label: '',
          render: (x) =>
            live(x)
              ? button(
                  t('account.revoke'),
                  async () => {
                    if (
                      !(await confirmAction(t('account.revokeTokenConfirm', { label: x.label }), t('account.revoke')))
                    )
                      return;
                    await api.del(`/api/me/tokens/${encodeURIComponent(x.id)}`);
                    toast(t('account.tokenRevoked'));
                    await refresh();
                  },
                  { kind: 'small', name: 'revoke-token' },
                )
              : badge(t(x.revokedAt ? 'account.revoked' : 'account.expired'), 'bad'),
        },
      ],
      rows,
      { rowClass: (x) => (live(x) ? null : 'row-revoked'), empty: t('account.noTokens') },
    ),
    tokenForm(refresh, body),
  );
}

function tokenForm(refresh, body) {
  const msg = h('div', { role: 'alert' });
  const label = h('input', { id: 'token-label', name: 'label', maxlength: 100, required: true });
  const days = h('input', { id: 'token-days', name: 'expiresInDays', type: 'number', min: 1, step: 1 });
  const never = issuesEverlastingTokens()
    ? h('input', {
        id: 'token-never',
        name: 'never',
        type: 'checkbox',
        onChange: (e) => (days.disabled = e.target.checked),
      })
    : null;
  const readOnly = h('input', { id: 'token-readonly', name: 'readOnly', type: 'checkbox' });
  const submit = h('button', { type: 'submit', class: 'btn btn-primary' }, t('account.createToken'));
  const form = h(
    'form.account-form.token-form',
    { name: 'create-token', novalidate: true },
    h('h3', t('account.newToken')),
    h('label', { for: 'token-label' }, t('account.tokenLabel'), h('span.req', ' *')),
    label,
    h('label', { for: 'token-days' }, t('account.tokenDays')),
    days,
    h('div.help', t('account.tokenDaysHelp')),
    never ? h('label.check', never, t('account.tokenNever')) : null,
    h('label.check', readOnly, t('account.tokenReadOnly')),
    msg,
    h('div.form-actions', submit),
  );
  form.addEventListener('submit', async (e) => {
    e.preventDefault();
    if (submit.disabled) return;
    fill(msg);
    if (!label.value.trim()) return fill(msg, h('div.alert.alert-error', t('account.tokenLabelMissing')));
    const req = { label: label.value.trim(), readOnly: readOnly.checked };
    if (never?.checked) req.expiresInDays = null;
    else if (days.value) req.expiresInDays = Number(days.value);
    submit.disabled = true;
    try {
      const made = await api.post('/api/me/tokens', req);
      fill(body, newTokenView(made, refresh));
    } catch (err) {
      if (!(err instanceof ApiError)) console.error(err);
      fill(msg, errorBox(err));
    } finally {
      submit.disabled = false;
    }
  });
  return form;
}

/** The new token, shown this once, with a copy button; "Done" goes back to the list. */
function newTokenView(made, refresh) {
  const value = h('input.new-token', { id: 'new-token', readonly: true, value: made.token, spellcheck: 'false' });
  value.addEventListener('focus', () => value.select());
  return h(
    'div.token-made',
    h('div.alert.alert-warn', t('account.tokenOnce', { label: made.label })),
    h(
      'div.copy-row',
      value,
      button(t('totp.copy'), () => copyText(made.token), { name: 'copy-token' }),
    ),
    h('div.form-actions', button(t('common.ok'), refresh, { kind: 'primary', name: 'token-done' })),
  );
}
