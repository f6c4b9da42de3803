// @ts-check
// Statement runs (月度对账): start a run for a period, follow its progress, and see each customer's status
// (sent, failed, skipped for want of a billing e-mail, confirmed, disputed).
import { fill, h } from '../lib/dom.js';
import { api } from '../lib/api.js';
import { t, tEnum } from '../lib/i18n.js';
import * as fmt from '../lib/format.js';
import { may, enumValues } from '../lib/session.js';
import {
  badge,
  formView,
  link,
  linkButton,
  listView,
  navigate,
  pageHead,
  section,
  sleep,
  statusBadge,
  table,
  toast,
} from '../lib/ui.js';
import { periodText } from './statements.js';

export async function render(ctx) {
  const [id] = ctx.params;
  if (!id) return list(ctx);
  if (id === 'new') return start(ctx);
  return detail(ctx, id);
}

function bar(progress, status) {
  const b = h('div.bar');
  b.style.width = `${progress}%`;
  return h(
    'div.progress',
    {
      role: 'progressbar',
      'aria-valuemin': '0',
      'aria-valuemax': '100',
      'aria-valuenow': String(progress),
      dataset: { status: status === 'completed' ? 'succeeded' : status },
    },
    h('div.track', b),
    h('span.job-label', `${progress}%`),
  );
}

const countsText = (c) =>
  enumValues('statementRunItemStatus')
    .filter((s) => c[s])
    .map((s) => `${tEnum('runItemStatus', s)} ${c[s]}`)
    .join(' · ');

function list(ctx) {
  return listView(ctx, {
    title: t('nav.statement-runs'),
    actions: [
      may('POST /api/statement-runs') ? linkButton(t('run.new'), '/app/statement-runs/new', 'primary') : null,
      linkButton(t('nav.statements'), '/app/statements'),
    ],
    load: (q) => api.get('/api/statement-runs', q),
    columns: [
      {
        key: 'period',
        label: t('statement.period'),
        render: (r) => link(`/app/statement-runs/${r.id}`, periodText(r.period)),
      },
      { key: 'trigger', label: t('run.trigger'), render: (r) => tEnum('runTrigger', r.trigger) },
      { key: 'createdAt', label: t('run.started'), render: (r) => `${fmt.dateTime(r.createdAt)} ${r.createdBy.name}` },
      { key: 'total', label: t('run.customers'), align: 'right', render: (r) => String(r.total) },
      { key: 'counts', label: t('run.counts'), render: (r) => countsText(r.counts) },
      { key: 'progress', label: t('run.progress'), render: (r) => bar(r.progress, r.status) },
      { key: 'status', label: t('common.status'), render: (r) => statusBadge('runStatus', r.status) },
    ],
  });
}

function start(ctx) {
  // Default: last month.
  const now = new Date();
  const pad = (n) => String(n).padStart(2, '0');
  const last = new Date(now.getFullYear(), now.getMonth(), 0);
  const from = `${last.getFullYear()}-${pad(last.getMonth() + 1)}-01`;
  const to = `${last.getFullYear()}-${pad(last.getMonth() + 1)}-${pad(last.getDate())}`;
  const form = formView(
    [
      { name: 'from', label: t('statement.from'), type: 'date', help: t('run.fromHelp') },
      { name: 'to', label: t('statement.to'), type: 'date', required: true },
    ],
    { from, to },
    {
      submitLabel: t('run.start'),
      cancelHref: '/app/statement-runs',
      onSubmit: async (v) => {
        const run = await api.post('/api/statement-runs', v.from ? { from: v.from, to: v.to } : { to: v.to });
        toast(t('run.started'));
        navigate(`/app/statement-runs/${run.id}`, { replace: true });
      },
    },
  );
  fill(ctx.el, pageHead(t('run.new'), [], t('run.help')), form);
}

async function detail(ctx, id) {
  const status = ctx.query.get('status') ?? undefined;
  const head = h('div');
  const items = h('div');
  const draw = (r) => {
    fill(
      head,
      pageHead(
        `${t('run.title')} ${periodText(r.period)}`,
        [linkButton(t('nav.statements'), `/app/statements?runId=${id}`)],
        [
          statusBadge('runStatus', r.status),
          tEnum('runTrigger', r.trigger),
          `${fmt.dateTime(r.createdAt)} ${r.createdBy.name}`,
        ],
      ),
      section(
        null,
        h('div.run-progress', bar(r.progress, r.status)),
        h(
          'div.toolbar',
          h('span', t('run.customersN', { n: r.total })),
          enumValues('statementRunItemStatus').map((s) =>
            link(
              `/app/statement-runs/${id}?status=${s}`,
              badge(
                `${tEnum('runItemStatus', s)} ${r.counts[s]}`,
                s === 'sent' ? 'ok' : s === 'failed' ? 'bad' : s === 'skipped' ? 'warn' : 'muted',
              ),
            ),
          ),
          status ? link(`/app/statement-runs/${id}`, t('common.all')) : null,
        ),
        r.error ? h('div.alert.alert-error', r.error) : null,
      ),
    );
    fill(
      items,
      table(
        [
          {
            key: 'customer',
            label: t('common.customer'),
            render: (i) => link(`/app/customers/${i.customerId}`, i.customerName),
          },
          { key: 'email', label: t('sheet.address'), render: (i) => i.email ?? h('span.muted', t('run.noEmail')) },
          {
            key: 'status',
            label: t('common.status'),
            render: (i) => [
              statusBadge('runItemStatus', i.status),
              i.reason ? h('div.muted', tEnum('runReason', i.reason)) : null,
            ],
          },
          {
            key: 'statement',
            label: t('statement.number'),
            render: (i) => (i.statementId ? link(`/app/statements/${i.statementId}`, i.statementNumber ?? '') : ''),
          },
          {
            key: 'confirmation',
            label: t('statement.response'),
            render: (i) => (i.confirmation ? statusBadge('statementResponse', i.confirmation) : ''),
          },
          {
            key: 'mail',
            label: t('delivery.mail'),
            render: (i) =>
              i.mail
                ? [statusBadge('mailStatus', i.mail.status), i.mail.lastError ? h('div.muted', i.mail.lastError) : null]
                : '',
          },
        ],
        r.items.items,
        {
          empty: t('run.noItems'),
          rowClass: (i) => (i.status === 'failed' ? 'row-expired' : i.status === 'skipped' ? 'row-expiring' : null),
        },
      ),
    );
  };
  fill(ctx.el, head, items);
  // Follow the run until it is over (or the page is left).
  for (;;) {
    const r = await api.get(`/api/statement-runs/${id}`, { status, itemsPageSize: 200 });
    if (!ctx.alive()) return;
    draw(r);
    if (r.status === 'completed' || r.status === 'failed') return;
    await sleep(1000);
  }
}
