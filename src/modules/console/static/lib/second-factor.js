// @ts-check
// The second factor's screens shared by the sign-in step and "my account": enrolling an authenticator app (QR code
// and secret, then a code to confirm) and the recovery codes, shown once with copy and download.
import { fill, h } from './dom.js';
import { api, ApiError } from './api.js';
import { t } from './i18n.js';
import { button, errorBox, errorMessage, toast } from './ui.js';

/** The server's QR code (an SVG document) as an image: an <img> never runs what an SVG might hold. */
export const qrImage = (svg) =>
  h('img.qr', {
    src: `data:image/svg+xml;charset=utf-8,${encodeURIComponent(svg)}`,
    alt: t('totp.qrAlt'),
    width: 180,
    height: 180,
  });

/** A secret in groups of four, easier to type into an app by hand. */
const grouped = (secret) => secret.replace(/(.{4})(?=.)/g, '$1 ');

/**
 * Starts an enrolment (POST /api/me/totp/enrolment: a new secret, not active until confirmed) and returns its screen;
 * a correct code confirms it and hands the recovery codes to onConfirmed.
 */
export async function enrolment({ onConfirmed }) {
  const e = await api.post('/api/me/totp/enrolment');
  const code = h('input', {
    id: 'totp-confirm-code',
    name: 'code',
    inputmode: 'numeric',
    autocomplete: 'one-time-code',
    maxlength: 6,
    pattern: '[0-9]{6}',
  });
  const msg = h('div', { role: 'alert' });
  const submit = h('button', { type: 'submit', class: 'btn btn-primary', name: 'totp-confirm' }, t('totp.confirm'));
  const form = h(
    'form.totp-enrol',
    { novalidate: true },
    h('ol.totp-steps', h('li', t('totp.step1')), h('li', t('totp.step2')), h('li', t('totp.step3'))),
    h(
      'div.totp-qr',
      qrImage(e.qrSvg),
      h(
        'div',
        h('div.muted', t('totp.secretHelp')),
        h('code.totp-secret', { dataset: { secret: e.secret } }, grouped(e.secret)),
      ),
    ),
    h('label', { for: 'totp-confirm-code' }, t('totp.code')),
    code,
    msg,
    submit,
  );
  form.addEventListener('submit', async (ev) => {
    ev.preventDefault();
    if (submit.disabled) return;
    const value = code.value.replace(/\s/g, '');
    if (!/^\d{6}$/.test(value)) return fill(msg, h('div.alert.alert-error', t('totp.codeFormat')));
    submit.disabled = true;
    fill(msg);
    try {
      const r = await api.post('/api/me/totp/confirm', { code: value });
      await onConfirmed(r.recoveryCodes);
    } catch (err) {
      if (!(err instanceof ApiError)) console.error(err);
      code.value = '';
      const key = err instanceof ApiError ? `error.${err.code}` : null;
      fill(msg, key && t(key) !== key ? h('div.alert.alert-error', t(key)) : errorBox(err));
    } finally {
      submit.disabled = false;
    }
  });
  setTimeout(() => code.focus());
  return form;
}

/** The recovery codes, shown this once: copy, download as a text file, then continue. */
export function recoveryCodesPanel(codes, { onContinue, continueLabel }) {
  const text = `Tenderdesk — ${t('totp.recoveryTitle')}\n\n${codes.join('\n')}\n`;
  return h(
    'div.recovery',
    h('h2', t('totp.recoveryTitle')),
    h('div.alert.alert-warn', t('totp.recoveryHelp')),
    h(
      'ol.recovery-codes',
      codes.map((c) => h('li', h('code', c))),
    ),
    h(
      'div.form-actions',
      button(t('totp.copy'), () => copyText(codes.join('\n')), { name: 'copy-recovery' }),
      button(t('totp.download'), () => downloadText(text, 'tenderdesk-recovery-codes.txt'), {
        name: 'download-recovery',
      }),
      button(continueLabel ?? t('common.ok'), onContinue, { kind: 'primary', name: 'recovery-done' }),
    ),
  );
}

/** Copies to the clipboard and says so; where the browser refuses, says to copy by hand. */
export async function copyText(value) {
  try {
    await navigator.clipboard.writeText(value);
    toast(t('common.copied'));
  } catch (err) {
    toast(`${t('common.copyFailed')} ${errorMessage(err)}`, 'error');
  }
}

function downloadText(value, fileName) {
  const url = URL.createObjectURL(new Blob([value], { type: 'text/plain;charset=utf-8' }));
  const a = h('a', { href: url, download: fileName, hidden: true });
  document.body.append(a);
  a.click();
  a.remove();
  setTimeout(() => URL.revokeObjectURL(url), 10_000);
}
