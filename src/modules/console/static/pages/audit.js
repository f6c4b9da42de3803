// @ts-check
// The audit log (admin, manager): newest first, filtered by record, actor, action and dates, each entry's details
// expandable; an admin also runs the hash chain check.
import { fill, h } from '../lib/dom.js';
import { api } from '../lib/api.js';
import { t } from '../lib/i18n.js';
import * as fmt from '../lib/format.js';
import { may } from '../lib/session.js';
import { button, errorBox, listView, spinner } from '../lib/ui.js';

/** A local calendar day as the instant it starts (the API compares times; the filter is in days). */
const dayStart = (day, plus = 0) => {
  const d = new Date(`${day}T00:00:00`);
  d.setDate(d.getDate() + plus);
  return d.toISOString();
};

export async function render(ctx) {
  // Admins read every user (disabled ones too); a manager picks from the directory of active users.
  const users = await api.get(may('GET /api/users') ? '/api/users' : '/api/users/directory');
  if (!ctx.alive()) return;
  const chainOut = h('div.chain-result', { 'aria-live': 'polite' });
  return listView(ctx, {
    title: t('nav.audit'),
    actions: [
      // The check is an admin's (GET /api/audit/chain): a manager does not see the button.
      may('GET /api/audit/chain')
        ? button(
            t('audit.checkChain'),
            async () => {
              fill(chainOut, spinner());
              try {
                fill(chainOut, chainReport(await api.get('/api/audit/chain')));
              } catch (err) {
                fill(chainOut, errorBox(err));
              }
            },
            { name: 'check-chain' },
          )
        : null,
    ],
    intro: chainOut,
    filters: [
      { name: 'entityType', label: t('audit.entityType'), placeholder: 'user' },
      { name: 'entityId', label: t('audit.entityId') },
      {
        name: 'actorId',
        type: 'select',
        label: t('audit.actor'),
        options: users
          .map((u) => ({ value: u.id, label: u.disabled ? `${u.name} (${t('user.disabled')})` : u.name }))
          .sort((a, b) => a.label.localeCompare(b.label, 'zh-CN')),
      },
      // Exact, or every action under a prefix: contract.*
      { name: 'action', label: t('audit.action'), placeholder: 'contract.*' },
      { name: 'from', type: 'date', label: t('audit.from') },
      { name: 'to', type: 'date', label: t('audit.to') },
    ],
    pageSize: 50,
    load: (q) =>
      api.get('/api/audit', {
        ...q,
        // Days in the browser's time zone: from the start of `from` to the end of `to` (the API's `to` is exclusive).
        from: q.from ? dayStart(q.from) : undefined,
        to: q.to ? dayStart(q.to, 1) : undefined,
      }),
    columns: [
      {
        key: 'at',
        label: t('audit.at'),
        render: (e) => fmt.dateTime(e.at),
        className: 'nowrap',
      },
      { key: 'actorName', label: t('audit.actor'), render: (e) => e.actorName },
      { key: 'action', label: t('audit.action'), render: (e) => h('code', e.action) },
      {
        key: 'entity',
        label: t('audit.entity'),
        render: (e) => [e.entityType, e.entityId ? h('div.muted.mono', e.entityId) : null],
      },
      {
        key: 'details',
        label: t('audit.details'),
        className: 'audit-details',
        render: (e) =>
          Object.keys(e.details ?? {}).length
            ? h(
                'details',
                h('summary', summaryOf(e.details)),
                h('pre', JSON.stringify(e.details, null, 2)),
                h('div.muted.mono', `#${e.chainSeq} ${e.hash.slice(0, 16)}…`),
              )
            : h('span.muted', '—'),
      },
    ],
  });
}

/** The first keys of the details, to tell entries apart before opening one. */
function summaryOf(details) {
  const keys = Object.keys(details);
  return keys.slice(0, 4).join(', ') + (keys.length > 4 ? ', …' : '');
}

function chainReport(r) {
  if (r.ok)
    return h(
      'div.alert.alert-ok',
      { role: 'status', dataset: { chain: 'ok' } },
      t('audit.chainOk', { n: r.entries }),
      r.headHash ? h('div.mono', `${t('audit.headHash')}: ${r.headHash}`) : null,
    );
  return h(
    'div.alert.alert-error',
    { role: 'alert', dataset: { chain: 'broken' } },
    h('strong', t('audit.chainBroken', { seq: r.broken?.chainSeq ?? '?' })),
    h('div', r.broken?.reason ?? ''),
  );
}
