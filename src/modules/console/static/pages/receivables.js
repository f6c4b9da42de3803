// @ts-check
// Receivables: the dunning list (customers with shares overdue, most overdue first) and a customer's account with
// its aging. Amounts only: production never gets here.
import { fill, h } from '../lib/dom.js';
import { api } from '../lib/api.js';
import { t, tEnum } from '../lib/i18n.js';
import * as fmt from '../lib/format.js';
import { downloadButton, fieldList, link, pageHead, section, table } from '../lib/ui.js';

const BUCKETS = ['notDue', 'days1to30', 'days31to60', 'days61to90', 'over90', 'unappliedCredit'];

export async function render(ctx) {
  const [kind, id] = ctx.params;
  if (kind === 'customers' && id) return account(ctx, id);
  return overdue(ctx);
}

async function overdue(ctx) {
  const asOf = ctx.query.get('asOf') ?? '';
  const list = await api.get('/api/receivables/overdue', { asOf: asOf || undefined });
  if (!ctx.alive()) return;
  const day = h('input', {
    type: 'date',
    value: list.asOf,
    name: 'asOf',
    onChange: (e) => ctx.setQuery({ asOf: e.target.value }),
  });
  fill(
    ctx.el,
    pageHead(
      t('nav.receivables'),
      [downloadButton(t('common.exportXlsx'), '/api/receivables/overdue', { asOf: list.asOf, format: 'xlsx' })],
      [t('recv.asOf'), day],
    ),
    table(
      [
        {
          key: 'customer',
          label: t('common.customer'),
          render: (c) => link(`/app/receivables/customers/${c.customer.id}`, c.customer.name),
        },
        { key: 'owner', label: t('customer.salesOwner'), render: (c) => c.salesOwner?.name ?? '' },
        { key: 'max', label: t('recv.maxDays'), align: 'right', render: (c) => String(c.maxDaysOverdue) },
        ...['days1to30', 'days31to60', 'days61to90', 'over90'].map((b) => ({
          key: b,
          label: t(`recv.bucket.${b}`),
          align: 'right',
          render: (c) => fmt.money(c.buckets[b]),
        })),
        { key: 'overdue', label: t('recv.overdue'), align: 'right', render: (c) => h('strong', fmt.money(c.overdue)) },
        {
          key: 'contracts',
          label: t('nav.contracts'),
          render: (c) =>
            c.contracts.map((k) =>
              h(
                'div',
                link(`/app/contracts/${k.contractId}?tab=deliveries`, k.number),
                ` ${fmt.money(k.overdue, k.currency)} · ${t('recv.days', { n: k.maxDaysOverdue })}`,
              ),
            ),
        },
      ],
      list.customers,
      {
        empty: t('recv.none'),
        rowClass: (c) => (c.maxDaysOverdue > 90 ? 'row-expired' : c.maxDaysOverdue > 30 ? 'row-expiring' : null),
      },
    ),
  );
}

/** A customer's account: balance, aging (the buckets add up to the balance), each contract's schedule. */
export async function account(ctx, id) {
  const a = await api.get(`/api/receivables/customers/${id}`, { asOf: ctx.query.get('asOf') ?? undefined });
  if (!ctx.alive()) return;
  const cur = a.customer.currency;
  fill(
    ctx.el,
    pageHead(
      `${t('recv.account')} · ${a.customer.name}`,
      [],
      [`${t('recv.asOf')} ${a.asOf}`, link(`/app/customers/${id}`, t('customer.details'))],
    ),
    accountPanels(a, cur),
  );
}

export function accountPanels(a, cur) {
  return h(
    'div',
    h(
      'div.cols',
      section(
        t('recv.balance'),
        h('p.stat', fmt.money(a.closingBalance, cur)),
        fieldList(
          [
            [t('recv.contracts'), fmt.money(a.totals.contracts, cur)],
            [t('recv.payments'), fmt.money(a.totals.payments, cur)],
            [t('recv.invoiced'), fmt.money(a.totals.invoiced, cur)],
            [t('recv.credit'), fmt.money(a.credit.unapplied, cur)],
          ],
          'one',
        ),
      ),
      section(
        t('recv.aging'),
        table(
          BUCKETS.map((b) => ({
            key: b,
            label: t(`recv.bucket.${b}`),
            align: 'right',
            render: (x) => fmt.money(x[b], cur),
          })),
          [a.aging],
        ),
      ),
    ),
    section(
      t('recv.schedules'),
      a.contracts.map((c) =>
        h(
          'div.candidate-type',
          h(
            'h3',
            link(`/app/contracts/${c.contractId}`, c.number),
            h(
              'span.muted',
              ` ${c.signingDate} · ${fmt.money(c.total, cur)} · ${t('delivery.outstanding')} ${fmt.money(c.outstanding, cur)}`,
            ),
          ),
          table(
            [
              {
                key: 'event',
                label: t('terms.event'),
                render: (s) => (s.event === 'other' ? (s.label ?? '') : tEnum('paymentEvent', s.event)),
              },
              { key: 'percent', label: t('terms.percent'), align: 'right', render: (s) => fmt.percent(s.percent) },
              { key: 'dueDate', label: t('delivery.dueDate'), render: (s) => s.dueDate ?? '' },
              { key: 'amount', label: t('payment.amount'), align: 'right', render: (s) => fmt.money(s.amount, cur) },
              { key: 'paid', label: t('delivery.paid'), align: 'right', render: (s) => fmt.money(s.paid, cur) },
              {
                key: 'outstanding',
                label: t('delivery.outstanding'),
                align: 'right',
                render: (s) => fmt.money(s.outstanding, cur),
              },
            ],
            c.shares,
          ),
        ),
      ),
    ),
  );
}
