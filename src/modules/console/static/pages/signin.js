// @ts-check
// Signing in, without the shell: the password form (and the single sign-on button when the service has one), then
// each step the server asks for — a forced password change, the second factor, enrolling one — and an invitation's
// first password. The server decides every step (GET /api/auth/session's stage); these pages only follow it.
import { fill, h } from '../lib/dom.js';
import { api, ApiError, queryString, readSession, session } from '../lib/api.js';
import { t } from '../lib/i18n.js';
import { signInStepPath } from '../lib/session.js';
import { errorBox, errorMessage } from '../lib/ui.js';
import { enrolment, recoveryCodesPanel } from '../lib/second-factor.js';

const STEPS = { password: 'password_change', 'second-factor': 'second_factor', totp: 'totp_enrolment' };

export async function render(ctx) {
  if (ctx.page === 'invitation') return invitation(ctx);
  const s = await readSession();
  if (!ctx.alive()) return;
  const wanted = ctx.step ? STEPS[ctx.step] : null;
  if (s.user && s.stage === 'active') return ctx.finish(ctx.next);
  if (s.user && s.stage !== wanted) return ctx.navigate(signInStepPath(s.stage, ctx.next), { replace: true });
  if (!s.user && wanted) return ctx.navigate(`/app/signin${queryString({ next: nextParam(ctx) })}`, { replace: true });
  if (wanted === 'password_change') return passwordChange(ctx);
  if (wanted === 'second_factor') return secondFactor(ctx);
  if (wanted === 'totp_enrolment') return totpEnrolment(ctx);
  return signInForm(ctx, s);
}

const nextParam = (ctx) => (ctx.next === '/app' ? null : ctx.next);

/** After a step: the next one the server names, or the page the user wanted. */
function advance(ctx, stage) {
  if (stage === 'active') return ctx.finish(ctx.next);
  ctx.navigate(signInStepPath(stage, ctx.next), { replace: true });
}

/** The card every sign-in page sits in. */
function card(ctx, title, ...children) {
  document.title = `${title} · Tenderdesk`;
  const el = h(
    'div.signin',
    h('div.brand-big', h('span.logo', 'TD'), h('span', t('app.title'))),
    h('h1', title),
    ...children,
    ctx.langSwitch(),
  );
  fill(ctx.root, h('div.signin-page', el));
  return el;
}

const input = (props) => h('input', { autocapitalize: 'off', spellcheck: 'false', ...props });

/** A form whose submit runs `send`; its errors go to `msg`; the button is disabled while it runs. */
function stepForm(name, children, submitLabel, send, msg) {
  const submit = h('button', { type: 'submit', class: 'btn btn-primary' }, submitLabel);
  const form = h('form.signin-form', { name, novalidate: true }, children, msg, submit);
  form.addEventListener('submit', async (e) => {
    e.preventDefault();
    if (submit.disabled) return;
    submit.disabled = true;
    fill(msg);
    try {
      await send();
    } catch (err) {
      if (!(err instanceof ApiError)) console.error(err);
      fill(msg, signInError(err));
    } finally {
      submit.disabled = false;
    }
  });
  return form;
}

/** A wait in words: "45 seconds", "15 minutes". */
function waitText(seconds) {
  const s = Math.max(1, Math.ceil(Number(seconds) || 0));
  return s < 90 ? t('signin.seconds', { n: s }) : t('signin.minutes', { n: Math.ceil(s / 60) });
}

/** The message of a refused step: throttling and lock with their wait, the rest by their code. */
export function signInError(err) {
  if (!(err instanceof ApiError)) return errorBox(err);
  const wait = err.details?.retryAfterSeconds;
  if (err.code === 'SIGN_IN_THROTTLED' || err.code === 'SIGN_IN_LOCKED')
    return h(
      'div.alert.alert-error',
      { dataset: { code: err.code } },
      t(`signin.${err.code === 'SIGN_IN_LOCKED' ? 'locked' : 'throttled'}`, { wait: waitText(wait ?? 60) }),
    );
  if (err.code === 'VALIDATION_FAILED') return errorBox(err);
  const key = `error.${err.code}`;
  return h('div.alert.alert-error', { dataset: { code: err.code } }, t(key) === key ? errorMessage(err) : t(key));
}

// ---- user name and password, or single sign-on ----

function signInForm(ctx, s) {
  const login = input({ id: 'login', name: 'login', autocomplete: 'username', required: true });
  const password = input({ id: 'password', name: 'password', type: 'password', autocomplete: 'current-password' });
  const notices = [];
  if (ctx.query.get('expired')) notices.push(h('div.alert.alert-warn', t('signin.expired')));
  const ssoError = ctx.query.get('error');
  if (ssoError && /^SSO_[A-Z_]+$/.test(ssoError)) {
    const key = `error.${ssoError}`;
    notices.push(
      h('div.alert.alert-error', { dataset: { code: ssoError } }, t(key) === key ? t('signin.ssoFailed') : t(key)),
    );
  }
  const msg = h('div.signin-msg', { role: 'alert' }, notices);
  const form = stepForm(
    'signin',
    [
      h('label', { for: 'login' }, t('signin.login')),
      login,
      h('label', { for: 'password' }, t('signin.password')),
      password,
    ],
    t('signin.submit'),
    async () => {
      if (!login.value.trim() || !password.value) {
        fill(msg, h('div.alert.alert-error', t('signin.missing')));
        return;
      }
      try {
        const r = await api.post('/api/auth/sign-in', { login: login.value.trim(), password: password.value });
        session.setCsrf(r.csrfToken);
        advance(ctx, r.stage);
      } catch (err) {
        password.value = '';
        password.focus();
        throw err;
      }
    },
    msg,
  );
  const sso = s.sso
    ? [
        h('div.signin-or', h('span', t('signin.or'))),
        h(
          'a.btn.btn-sso',
          { href: `/api/auth/sso/start${queryString({ returnTo: ctx.next })}`, dataset: { sso: 'start' } },
          t('signin.sso', { label: s.sso.label }),
        ),
      ]
    : null;
  card(ctx, t('signin.title'), form, sso, h('p.muted.signin-note', t('signin.help')));
  login.focus();
}

// ---- choosing a new password (forced, or from an invitation) ----

/** New password and its repetition; `read()` gives the password, or null (with the message shown) when they differ. */
export function newPasswordFields(msg) {
  const pw = input({ id: 'new-password', name: 'newPassword', type: 'password', autocomplete: 'new-password' });
  const again = input({ id: 'new-password-again', name: 'again', type: 'password', autocomplete: 'new-password' });
  return {
    els: [
      h('label', { for: 'new-password' }, t('signin.newPassword')),
      pw,
      h('div.help', t('signin.passwordRules')),
      h('label', { for: 'new-password-again' }, t('signin.newPasswordAgain')),
      again,
    ],
    focus: () => pw.focus(),
    clear: () => ((pw.value = ''), (again.value = '')),
    read() {
      if (!pw.value) {
        fill(msg, h('div.alert.alert-error', t('signin.missing')));
        return null;
      }
      if (pw.value !== again.value) {
        fill(msg, h('div.alert.alert-error', { dataset: { code: 'MISMATCH' } }, t('signin.mismatch')));
        return null;
      }
      return pw.value;
    },
  };
}

function passwordChange(ctx) {
  const msg = h('div.signin-msg', { role: 'alert' });
  const fields = newPasswordFields(msg);
  const form = stepForm(
    'password-change',
    fields.els,
    t('signin.changeSubmit'),
    async () => {
      const newPassword = fields.read();
      if (newPassword === null) return;
      const r = await api.post('/api/auth/password', { newPassword });
      session.setCsrf(r.csrfToken);
      advance(ctx, r.stage);
    },
    msg,
  );
  card(ctx, t('signin.changeTitle'), h('p.muted', t('signin.changeHelp')), form, startOver(ctx));
  fields.focus();
}

// ---- the second factor ----

function secondFactor(ctx) {
  const msg = h('div.signin-msg', { role: 'alert' });
  let recovery = false;
  const code = input({
    id: 'totp-code',
    name: 'code',
    inputmode: 'numeric',
    autocomplete: 'one-time-code',
    maxlength: 6,
    pattern: '[0-9]{6}',
  });
  const recoveryCode = input({ id: 'recovery-code', name: 'recoveryCode', autocomplete: 'off', maxlength: 40 });
  const codeLabel = h('label', { for: 'totp-code' }, t('signin.code'));
  const recoveryLabel = h('label', { for: 'recovery-code' }, t('signin.recoveryCode'));
  const fields = h('div.signin-fields', codeLabel, code);
  const toggle = h(
    'button',
    {
      type: 'button',
      class: 'btn btn-link',
      name: 'use-recovery',
      onClick: () => {
        recovery = !recovery;
        fill(fields, recovery ? [recoveryLabel, recoveryCode] : [codeLabel, code]);
        fill(toggle, t(recovery ? 'signin.useCode' : 'signin.useRecovery'));
        fill(msg);
        (recovery ? recoveryCode : code).focus();
      },
    },
    t('signin.useRecovery'),
  );
  const form = stepForm(
    'second-factor',
    fields,
    t('signin.verify'),
    async () => {
      const body = recovery ? { recoveryCode: recoveryCode.value.trim() } : { code: code.value.replace(/\s/g, '') };
      if (!Object.values(body)[0]) return fill(msg, h('div.alert.alert-error', t('signin.missing')));
      try {
        const r = await api.post('/api/auth/second-factor', body);
        session.setCsrf(r.csrfToken);
        advance(ctx, r.stage);
      } catch (err) {
        code.value = '';
        recoveryCode.value = '';
        throw err;
      }
    },
    msg,
  );
  card(ctx, t('signin.secondFactorTitle'), h('p.muted', t('signin.secondFactorHelp')), form, toggle, startOver(ctx));
  code.focus();
}

// ---- enrolling the second factor (required for the user's roles) ----

async function totpEnrolment(ctx) {
  const body = h('div.signin-enrol');
  card(ctx, t('totp.enrolTitle'), h('p.muted', t('totp.requiredHelp')), body, startOver(ctx));
  fill(
    body,
    await enrolment({
      onConfirmed: (codes) =>
        fill(
          body,
          recoveryCodesPanel(codes, {
            continueLabel: t('totp.continue'),
            // Confirming moved the session on under a new cookie and CSRF token: read where it stands now.
            onContinue: async () => advance(ctx, (await readSession()).stage),
          }),
        ),
    }),
  );
}

/** "Not you? Sign out": ends the half-made session and starts again. */
const startOver = (ctx) =>
  h(
    'button',
    { type: 'button', class: 'btn btn-link', name: 'start-over', onClick: () => ctx.signOut() },
    t('signin.startOver'),
  );

// ---- an invitation: the first password ----

async function invitation(ctx) {
  // The token travels in the fragment, which the browser never sends to a server (nor in a Referer).
  const token = decodeURIComponent(location.hash.slice(1));
  const msg = h('div.signin-msg', { role: 'alert' });
  let info;
  try {
    if (!token) throw new ApiError(404, { error: { code: 'INVITATION_INVALID' } });
    info = await api.get(`/api/auth/invitations/${encodeURIComponent(token)}`);
  } catch (err) {
    if (!ctx.alive()) return;
    card(ctx, t('invitation.title'), signInError(err), h('a.btn', { href: '/app/signin' }, t('invitation.toSignIn')));
    return;
  }
  if (!ctx.alive()) return;
  const fields = newPasswordFields(msg);
  const form = stepForm(
    'invitation',
    fields.els,
    t('invitation.submit'),
    async () => {
      const newPassword = fields.read();
      if (newPassword === null) return;
      const r = await api.post(`/api/auth/invitations/${encodeURIComponent(token)}`, { newPassword });
      session.setCsrf(r.csrfToken);
      // The link is spent: keep it out of the history.
      history.replaceState(null, '', '/app/invitation');
      advance({ ...ctx, next: '/app' }, r.stage);
    },
    msg,
  );
  card(
    ctx,
    t('invitation.title'),
    h('p', t(info.purpose === 'reset' ? 'invitation.resetHelp' : 'invitation.help', { name: info.user?.name ?? '' })),
    form,
  );
  fields.focus();
}
