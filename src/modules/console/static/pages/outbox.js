// @ts-check
// The mail outbox: what the service wrote (statements, notices) and how its delivery went; a failed message is
// sent again by hand (back office, finance, manager, as on the API).
import { fill, h } from '../lib/dom.js';
import { api, ApiError } from '../lib/api.js';
import { enumOptions, t } from '../lib/i18n.js';
import * as fmt from '../lib/format.js';
import { may, enumValues } from '../lib/session.js';
import { button, errorBox, listView, statusBadge, toast } from '../lib/ui.js';

export function render(ctx) {
  const out = h('div.action-result', { 'aria-live': 'polite' });
  const mayRetry = may('POST /api/outbox/:id/retry');
  return listView(ctx, {
    title: t('nav.outbox'),
    sub: t('outbox.help'),
    intro: out,
    // A sales user lists the mail of one record of theirs at a time: the record's page links here with both.
    keep: ['subjectId'],
    filters: [
      {
        name: 'status',
        type: 'select',
        label: t('common.status'),
        options: enumOptions('mailStatus', enumValues('outboxStatus')),
      },
      { name: 'subjectType', label: t('outbox.subjectType'), placeholder: 'statement' },
    ],
    load: async (q) => {
      try {
        return await api.get('/api/outbox', q);
      } catch (err) {
        // A sales user bound to their own records (no SALES_SEE_ALL_RECORDS) reads one record's mail at a time.
        if (!(err instanceof ApiError && err.code === 'NOT_YOUR_RECORD' && !q.subjectId)) throw err;
        fill(out, h('div.alert.alert-info', t('outbox.salesHint')));
        return { items: [], total: 0, page: 1, pageSize: Number(q.pageSize) };
      }
    },
    rowClass: (m) => (m.status === 'failed' ? 'row-expired' : null),
    columns: [
      { key: 'createdAt', label: t('outbox.created'), render: (m) => fmt.dateTime(m.createdAt), className: 'nowrap' },
      {
        key: 'to',
        label: t('outbox.to'),
        render: (m) => [m.to.join(', '), m.cc.length ? h('div.muted', `${t('outbox.cc')}: ${m.cc.join(', ')}`) : null],
      },
      {
        key: 'subject',
        label: t('outbox.subject'),
        render: (m) => [
          m.subject,
          h(
            'div.muted',
            [m.about.type, m.attachments.length ? `📎 ${m.attachments.join(', ')}` : null].filter(Boolean).join(' · '),
          ),
        ],
      },
      { key: 'status', label: t('common.status'), render: (m) => statusBadge('mailStatus', m.status) },
      { key: 'attempts', label: t('outbox.attempts'), align: 'right', render: (m) => String(m.attempts) },
      {
        key: 'lastError',
        label: t('outbox.lastError'),
        className: 'outbox-error',
        render: (m) => (m.lastError ? h('span.err-text', { title: m.lastError }, m.lastError) : ''),
      },
      {
        key: 'sentAt',
        label: t('outbox.sentAt'),
        render: (m) => (m.sentAt ? fmt.dateTime(m.sentAt) : ''),
        className: 'nowrap',
      },
      {
        key: 'retry',
        label: '',
        hidden: !mayRetry,
        render: (m) =>
          m.status === 'failed'
            ? button(
                t('outbox.retry'),
                async () => {
                  fill(out);
                  try {
                    await api.post(`/api/outbox/${m.id}/retry`);
                  } catch (err) {
                    fill(out, errorBox(err));
                    return;
                  }
                  toast(t('outbox.retried', { to: m.to.join(', ') }));
                  ctx.reload();
                },
                { kind: 'small', name: 'retry' },
              )
            : '',
      },
    ],
  });
}
