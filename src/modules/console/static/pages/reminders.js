// @ts-check
// Reminders (issue #21): what the daily job sent and skipped and why (reason, record, recipient, status, skipped
// reason, when), filtered by reason and status; the latest days' runs; "run now" for those who may (back office,
// manager). Per-customer opt-outs are on the customer page, the user's own on the account page.
import { fill, h } from '../lib/dom.js';
import { api } from '../lib/api.js';
import { enumOptions, t, tEnum } from '../lib/i18n.js';
import * as fmt from '../lib/format.js';
import { may } from '../lib/session.js';
import { badge, button, errorBox, listView, section, statusBadge, table, toast } from '../lib/ui.js';

const REASONS = [
  'statement-reply',
  'statement-overdue',
  'qualification-expiry',
  'quotation-expiry',
  'tender-qualification',
  'contract-share-due',
];

/** Where a reminder's record opens in the console. */
const RECORD_AREA = {
  statement: 'statements',
  qualification: 'qualifications',
  quotation: 'quotations',
  tender: 'tenders',
  contract: 'contracts',
};

/** The latest days' runs, as a small table above the list. */
async function runsBox() {
  try {
    /** @type {{ day: string, jobId: string | null, sent: number, skipped: number, lastRunAt: string | null }[]} */
    const runs = await api.get('/api/reminders/runs');
    return section(
      t('reminders.runs'),
      runs.length
        ? table(
            [
              { key: 'day', label: t('reminders.day'), render: (r) => fmt.date(r.day) },
              { key: 'sent', label: t('reminders.sent'), align: 'right', render: (r) => String(r.sent) },
              { key: 'skipped', label: t('reminders.skipped'), align: 'right', render: (r) => String(r.skipped) },
              {
                key: 'lastRunAt',
                label: t('reminders.lastRunAt'),
                render: (r) => (r.lastRunAt ? fmt.dateTime(r.lastRunAt) : '—'),
              },
            ],
            runs.slice(0, 7),
            { className: 'reminder-runs' },
          )
        : h('p.muted', t('reminders.noRuns')),
    );
  } catch (err) {
    return errorBox(err);
  }
}

export async function render(ctx) {
  const out = h('div.action-result', { 'aria-live': 'polite' });
  const mayRun = may('POST /api/reminders/run');
  const intro = h('div', out);
  const actions = mayRun
    ? [
        button(
          t('reminders.runNow'),
          async () => {
            fill(out);
            try {
              /** @type {{ day: string, sent: number, skipped: number }} */
              const r = await api.post('/api/reminders/run');
              toast(t('reminders.ran', { sent: r.sent, skipped: r.skipped }));
              ctx.reload();
            } catch (err) {
              fill(out, errorBox(err));
            }
          },
          { kind: 'primary', name: 'run-reminders' },
        ),
      ]
    : [];
  const view = listView(ctx, {
    title: t('nav.reminders'),
    sub: t('reminders.help'),
    actions,
    intro,
    filters: [
      {
        name: 'reason',
        type: 'select',
        label: t('reminders.reason'),
        options: enumOptions('reminderReason', REASONS),
      },
      {
        name: 'status',
        type: 'select',
        label: t('common.status'),
        options: enumOptions('reminderStatus', ['sent', 'skipped']),
      },
    ],
    load: (q) => api.get('/api/reminders', q),
    rowClass: (r) => (r.status === 'skipped' ? 'row-skipped' : null),
    columns: [
      { key: 'createdAt', label: t('reminders.when'), render: (r) => fmt.dateTime(r.createdAt), className: 'nowrap' },
      { key: 'reason', label: t('reminders.reason'), render: (r) => tEnum('reminderReason', r.reason) },
      {
        key: 'label',
        label: t('reminders.record'),
        render: (r) =>
          RECORD_AREA[r.about.type]
            ? h('a', { href: `/app/${RECORD_AREA[r.about.type]}/${r.about.id}` }, r.label)
            : r.label,
      },
      { key: 'to', label: t('reminders.to'), render: (r) => (r.to.length ? r.to.join(', ') : '—') },
      {
        key: 'status',
        label: t('common.status'),
        render: (r) =>
          r.status === 'sent'
            ? statusBadge('reminderStatus', 'sent')
            : badge(tEnum('reminderStatus', 'skipped'), 'warn'),
      },
      {
        key: 'skipReason',
        label: t('reminders.skipReason'),
        render: (r) => (r.skipReason ? tEnum('reminderSkip', r.skipReason) : ''),
      },
    ],
  });
  // The runs load beside the list (not before it): the list is what the page is for.
  void runsBox().then((box) => ctx.alive() && intro.prepend(box));
  return view;
}
