// @ts-check
// Users (admin only): the list, a new user (with the one-time token or invitation link), roles and e-mail,
// disable / enable, a password reset link, and each user's API tokens with revocation.
import { fill, h } from '../lib/dom.js';
import { api } from '../lib/api.js';
import { enumOptions, t, tEnum } from '../lib/i18n.js';
import * as fmt from '../lib/format.js';
import { me, enumValues } from '../lib/session.js';
import {
  askFields,
  badge,
  button,
  clean,
  confirmAction,
  errorBox,
  fieldList,
  formView,
  link,
  linkButton,
  listView,
  pageHead,
  section,
  table,
  toast,
} from '../lib/ui.js';

export async function render(ctx) {
  const [id] = ctx.params;
  if (!id) return list(ctx);
  if (id === 'new') return create(ctx);
  return detail(ctx, id);
}

const roleBadges = (roles) =>
  h(
    'span.role-list',
    roles.map((r) => badge(tEnum('role', r), r === 'admin' ? 'warn' : 'muted')),
  );
const stateBadge = (u) => (u.disabled ? badge(t('user.disabled'), 'bad') : badge(t('user.active'), 'ok'));

function list(ctx) {
  return listView(ctx, {
    title: t('nav.users'),
    actions: [linkButton(t('user.new'), '/app/users/new', 'primary')],
    filters: [
      { name: 'q', label: t('common.search'), placeholder: t('user.searchHint'), wide: true },
      { name: 'role', type: 'select', label: t('user.roles'), options: enumOptions('role', enumValues('role')) },
      {
        name: 'state',
        type: 'select',
        label: t('common.status'),
        options: [
          { value: 'active', label: t('user.active') },
          { value: 'disabled', label: t('user.disabled') },
        ],
      },
    ],
    // The API answers every user at once (an installation has dozens, not thousands): filtered here.
    load: async (q) => {
      const needle = (q.q ?? '').toLowerCase();
      return (await api.get('/api/users')).filter(
        (u) =>
          (!needle || u.name.toLowerCase().includes(needle) || (u.email ?? '').toLowerCase().includes(needle)) &&
          (!q.role || u.roles.includes(q.role)) &&
          (!q.state || (q.state === 'disabled') === u.disabled),
      );
    },
    rowClass: (u) => (u.disabled ? 'row-muted' : null),
    columns: [
      { key: 'name', label: t('user.name'), render: (u) => link(`/app/users/${u.id}`, u.name) },
      { key: 'email', label: t('user.email'), render: (u) => u.email ?? '' },
      { key: 'roles', label: t('user.roles'), render: (u) => roleBadges(u.roles) },
      { key: 'disabled', label: t('common.status'), render: stateBadge },
      { key: 'createdAt', label: t('user.createdAt'), render: (u) => fmt.dateTime(u.createdAt), className: 'nowrap' },
    ],
  });
}

/** Copies a text to the clipboard (the async API where the page may use it, else the selection). */
async function copy(input) {
  try {
    await navigator.clipboard.writeText(input.value);
  } catch {
    input.select();
    document.execCommand('copy');
  }
  toast(t('user.copied'));
}

/**
 * A secret shown this once (an API token, an invitation link): it is not stored in clear, so it cannot be shown
 * again; leaving the page forgets it.
 */
export function secretBox(kind, value, expiresAt) {
  const input = h('input.secret-value', {
    type: 'text',
    readonly: true,
    value,
    name: `secret-${kind}`,
    spellcheck: 'false',
  });
  return h(
    'div.secret',
    { role: 'status', dataset: { secret: kind } },
    h('strong', t(`user.once.${kind}`)),
    h(
      'div.secret-row',
      input,
      button(t('user.copy'), () => copy(input), { name: 'copy-secret', kind: 'primary' }),
    ),
    h('p.muted', t('user.onceHelp'), expiresAt ? ` ${t('user.expires', { at: fmt.dateTime(expiresAt) })}` : ''),
  );
}

/** The one-time part of an answer: the invitation link when the API gives one, else the API token. */
function secretOf(answer) {
  if (answer?.invitation?.url) return secretBox('invitation', answer.invitation.url, answer.invitation.expiresAt);
  if (answer?.token) return secretBox('token', answer.token);
  return null;
}

function create(ctx) {
  const form = formView(
    [
      { name: 'name', label: t('user.name'), required: true, help: t('user.nameHelp'), maxlength: 100 },
      { name: 'email', label: t('user.email'), type: 'email', maxlength: 254 },
      {
        name: 'roles',
        label: t('user.roles'),
        type: 'checkboxes',
        required: true,
        wide: true,
        options: enumOptions('role', enumValues('role')),
      },
    ],
    { roles: [] },
    {
      submitLabel: t('user.create'),
      cancelHref: '/app/users',
      onSubmit: async (v) => {
        const created = await api.post('/api/users', clean(v));
        // The secret is in this answer only: shown here, on this page, and not in the URL or history.
        fill(
          ctx.el,
          pageHead(t('user.createdTitle', { name: created.name }), [
            linkButton(t('user.open'), `/app/users/${created.id}`, 'primary'),
            linkButton(t('nav.users'), '/app/users'),
          ]),
          section(
            null,
            secretOf(created),
            fieldList([
              [t('user.name'), created.name],
              [t('user.email'), created.email],
              [t('user.roles'), roleBadges(created.roles)],
            ]),
          ),
        );
      },
    },
  );
  fill(ctx.el, pageHead(t('user.new'), [], t('user.newHelp')), form);
}

async function detail(ctx, id) {
  const [u, tokens] = await Promise.all([api.get(`/api/users/${id}`), api.get(`/api/users/${id}/tokens`)]);
  if (!ctx.alive()) return;
  const self = u.id === me.user?.id;
  // What an action answered: its error with the API's code, or a secret shown once.
  const out = h('div.action-result', { 'aria-live': 'polite' });
  const act = (fn) => async () => {
    fill(out);
    try {
      await fn();
    } catch (err) {
      fill(out, errorBox(err));
    }
  };
  const setDisabled = (disabled) =>
    act(async () => {
      if (disabled && !(await confirmAction(t('user.disableConfirm', { name: u.name }), t('user.disable')))) return;
      await api.patch(`/api/users/${id}`, { disabled });
      toast(disabled ? t('user.disabledToast') : t('user.enabledToast'));
      ctx.reload();
    });
  const actions = [
    button(
      t('user.resetPassword'),
      act(async () => {
        if (!(await confirmAction(t('user.resetConfirm', { name: u.name }), t('user.resetPassword')))) return;
        const answer = await api.post(`/api/users/${id}/password-reset`);
        fill(out, secretOf(answer) ?? h('div.alert.alert-ok', t('user.resetDone')));
      }),
      { name: 'reset-password' },
    ),
    // Someone who lost their phone and recovery codes (an admin's own factor is turned off in "my account").
    self
      ? null
      : button(
          t('user.resetTotp'),
          act(async () => {
            if (!(await confirmAction(t('user.resetTotpConfirm', { name: u.name }), t('user.resetTotp')))) return;
            await api.del(`/api/users/${id}/totp`);
            fill(out, h('div.alert.alert-ok', t('user.resetTotpDone')));
          }),
          { name: 'reset-totp' },
        ),
    u.disabled
      ? button(t('user.enable'), setDisabled(false), { name: 'enable' })
      : button(t('user.disable'), setDisabled(true), { kind: 'danger', name: 'disable' }),
  ];
  const form = formView(
    [
      { name: 'email', label: t('user.email'), type: 'email', maxlength: 254 },
      {
        name: 'roles',
        label: t('user.roles'),
        type: 'checkboxes',
        required: true,
        wide: true,
        options: enumOptions('role', enumValues('role')),
        help: self ? t('user.selfHelp') : null,
      },
    ],
    u,
    {
      onSubmit: async (v) => {
        await api.patch(`/api/users/${id}`, { roles: v.roles, email: v.email === '' ? null : v.email });
        toast(t('common.saved'));
        ctx.reload();
      },
    },
  );
  fill(
    ctx.el,
    pageHead(u.name, actions, [roleBadges(u.roles), stateBadge(u), self ? badge(t('common.me'), 'muted') : null]),
    out,
    h(
      'div.cols',
      section(
        t('common.details'),
        fieldList([
          [t('user.name'), u.name],
          [t('user.email'), u.email],
          [t('user.createdAt'), fmt.dateTime(u.createdAt)],
        ]),
      ),
      section(t('user.edit'), form),
    ),
    section(
      t('user.tokens'),
      h(
        'div.toolbar',
        button(
          t('user.issueToken'),
          act(async () => {
            const v = await askFields({
              title: t('user.issueToken'),
              fields: [{ name: 'label', label: t('user.tokenLabel') }],
            });
            if (!v) return;
            const issued = await api.post(`/api/users/${id}/tokens`, v);
            // Drawn again below the new row, with the secret kept on screen.
            await redrawTokens();
            fill(out, secretOf(issued));
          }),
          { name: 'issue-token' },
        ),
      ),
      h('div.tokens', tokenTable(tokens)),
    ),
  );

  async function redrawTokens() {
    fill(ctx.el.querySelector('.tokens'), tokenTable(await api.get(`/api/users/${id}/tokens`)));
  }

  function tokenTable(rows) {
    return table(
      [
        { key: 'prefix', label: t('user.tokenPrefix'), render: (x) => h('code', `${x.prefix}…`) },
        { key: 'label', label: t('user.tokenLabel') },
        { key: 'createdAt', label: t('user.createdAt'), render: (x) => fmt.dateTime(x.createdAt), className: 'nowrap' },
        {
          key: 'lastUsedAt',
          label: t('user.lastUsed'),
          render: (x) => (x.lastUsedAt ? fmt.dateTime(x.lastUsedAt) : h('span.muted', t('user.never'))),
          className: 'nowrap',
        },
        {
          key: 'revokedAt',
          label: t('common.status'),
          render: (x) =>
            x.revokedAt
              ? [badge(t('user.revoked'), 'bad'), h('div.muted', fmt.dateTime(x.revokedAt))]
              : badge(t('user.active'), 'ok'),
        },
        {
          key: 'actions',
          label: '',
          render: (x) =>
            x.revokedAt
              ? ''
              : button(
                  t('user.revoke'),
                  act(async () => {
                    if (!(await confirmAction(t('user.revokeConfirm', { prefix: x.prefix }), t('user.revoke')))) return;
                    await api.del(`/api/users/${id}/tokens/${x.id}`);
                    toast(t('user.revokedToast'));
                    await redrawTokens();
                  }),
                  { kind: 'small', name: 'revoke' },
                ),
        },
      ],
      rows,
      { rowClass: (x) => (x.revokedAt ? 'row-muted' : null), empty: t('user.noTokens') },
    );
  }
}
