// @ts-check
// Customer statements (对账单): issued for a customer (a period or as of a day), previewed, mailed; the customer's
// answer (confirmed / disputed) and the mail's status.
import { fill, h } from '../lib/dom.js';
import { api } from '../lib/api.js';
import { enumOptions, LANG_NAMES, LANGS, t } from '../lib/i18n.js';
import * as fmt from '../lib/format.js';
import { may, enumValues } from '../lib/session.js';
import {
  clean,
  download,
  fieldList,
  formView,
  link,
  linkButton,
  listView,
  lookup,
  pageHead,
  preview,
  section,
  statusBadge,
  table,
} from '../lib/ui.js';
import { customerLookup } from './quotations.js';

const BUCKETS = ['notDue', 'days1to30', 'days31to60', 'days61to90', 'over90', 'unappliedCredit'];

export async function render(ctx) {
  const [id] = ctx.params;
  if (!id) return list(ctx);
  if (id === 'new') return create(ctx);
  return detail(ctx, id);
}

export const periodText = (p) => (p.from ? `${p.from} – ${p.to}` : t('statement.asOfDay', { day: p.to }));
const mailStatus = (s) =>
  s.mail.length ? statusBadge('mailStatus', s.mail.at(-1).status) : statusBadge('mailStatus', 'not_queued');

function list(ctx) {
  return listView(ctx, {
    title: t('nav.statements'),
    actions: [
      linkButton(t('statement.new'), '/app/statements/new', 'primary'),
      may('GET /api/statement-runs') ? linkButton(t('nav.statement-runs'), '/app/statement-runs') : null,
    ],
    keep: ['customerId', 'runId'],
    filters: [
      {
        name: 'responseStatus',
        type: 'select',
        label: t('statement.response'),
        options: enumOptions('statementResponse', enumValues('statementResponse')),
      },
    ],
    load: (q) => api.get('/api/statements', q),
    columns: [
      {
        key: 'number',
        label: t('statement.number'),
        render: (s) => link(`/app/statements/${s.id}`, s.number),
        className: 'nowrap',
      },
      {
        key: 'customer',
        label: t('common.customer'),
        render: (s) => link(`/app/customers/${s.customer.id}`, s.customer.name),
      },
      { key: 'period', label: t('statement.period'), render: (s) => periodText(s.period) },
      { key: 'issuedOn', label: t('statement.issuedOn'), className: 'nowrap' },
      {
        key: 'closingBalance',
        label: t('recv.balance'),
        align: 'right',
        render: (s) => fmt.money(s.closingBalance, s.currency),
      },
      { key: 'mail', label: t('delivery.mail'), render: mailStatus },
      {
        key: 'response',
        label: t('statement.response'),
        render: (s) => statusBadge('statementResponse', s.response.status),
      },
    ],
  });
}

async function create(ctx) {
  const customerId = ctx.query.get('customerId') ?? '';
  const known = customerId ? await api.get(`/api/customers/${customerId}`) : null;
  const customer = lookup({ load: customerLookup, value: customerId, valueLabel: known?.name });
  const result = h('div');
  const first = fmt.today().slice(0, 8) + '01';
  const form = formView(
    [
      {
        name: 'customerId',
        label: t('common.customer'),
        type: 'custom',
        required: true,
        wide: true,
        render: () => ({ el: customer, get: () => customer.getValue() }),
      },
      { name: 'from', label: t('statement.from'), type: 'date', help: t('statement.fromHelp') },
      { name: 'to', label: t('statement.to'), type: 'date' },
      { name: 'asOf', label: t('statement.asOf'), type: 'date', help: t('statement.asOfHelp') },
      {
        name: 'locale',
        label: t('statement.language'),
        type: 'select',
        // Empty: the customer's language, else the company's (the API decides).
        options: LANGS.map((l) => ({ value: l, label: LANG_NAMES[l] })),
        emptyLabel: t('statement.languageDefault'),
      },
      { name: 'replyDays', label: t('statement.replyDays'), type: 'int', min: 1, max: 365 },
      {
        name: 'send',
        label: t('statement.send'),
        type: 'select',
        required: true,
        options: enumOptions('statementSend', ['none', 'billing', 'address']),
      },
      { name: 'sendTo', label: t('statement.sendTo'), type: 'email' },
    ],
    { send: 'none', from: first, to: fmt.today() },
    {
      submitLabel: t('statement.issue'),
      cancelHref: '/app/statements',
      onSubmit: async (v) => {
        const body = clean({ from: v.from, to: v.to, asOf: v.asOf, locale: v.locale, replyDays: v.replyDays });
        if (body.asOf) {
          delete body.from;
          delete body.to;
        }
        if (v.send === 'billing') body.sendToBilling = true;
        if (v.send === 'address') body.sendTo = v.sendTo;
        const s = await api.post(`/api/customers/${v.customerId}/statements`, body);
        fill(
          result,
          h(
            'div.alert.alert-ok',
            { role: 'status' },
            h('div', t('statement.issued', { number: s.number, customer: s.customer.name })),
            s.confirmationUrl ? h('div', t('statement.link'), ' ', h('code', s.confirmationUrl)) : null,
            h('div', link(`/app/statements/${s.id}`, t('statement.open'))),
          ),
        );
      },
    },
  );
  fill(ctx.el, pageHead(t('statement.new')), result, form);
}

async function detail(ctx, id) {
  const s = await api.get(`/api/statements/${id}`);
  if (!ctx.alive()) return;
  const r = s.response;
  const base = `/api/statements/${id}/file`;
  fill(
    ctx.el,
    pageHead(
      `${t('statement.title')} ${s.number}`,
      [],
      [
        statusBadge('statementResponse', r.status),
        link(`/app/customers/${s.customer.id}`, s.customer.name),
        periodText(s.period),
      ],
    ),
    h(
      'div.cols',
      section(
        t('common.details'),
        fieldList(
          [
            [t('statement.opening'), fmt.money(s.figures.openingBalance, s.currency)],
            [t('recv.balance'), h('strong', fmt.money(s.closingBalance, s.currency))],
            [t('recv.contracts'), fmt.money(s.figures.totals.debit, s.currency)],
            [t('recv.payments'), fmt.money(s.figures.totals.credit, s.currency)],
            [t('recv.invoiced'), fmt.money(s.figures.totals.invoiced, s.currency)],
            [t('statement.issuedOn'), `${s.issuedOn} · ${s.createdBy.name}`],
            [t('statement.replyBy'), s.replyBy],
            [t('statement.run'), s.runId ? link(`/app/statement-runs/${s.runId}`, t('statement.runLink')) : null],
          ],
          'one',
        ),
      ),
      section(
        t('statement.response'),
        h('p', statusBadge('statementResponse', r.status)),
        r.detail
          ? fieldList(
              [
                [t('statement.answeredBy'), `${r.detail.name ?? ''} · ${fmt.dateTime(r.detail.at)}`],
                r.detail.amount ? [t('statement.theirBalance'), fmt.money(r.detail.amount, s.currency)] : null,
                [t('common.reason'), r.detail.reason],
              ],
              'one',
            )
          : h('p.muted', t('statement.noAnswer', { date: s.replyBy })),
        h('h2', t('delivery.mail')),
        table(
          [
            { key: 'to', label: t('sheet.address'), render: (m) => m.to.join(', ') },
            { key: 'status', label: t('common.status'), render: (m) => statusBadge('mailStatus', m.status) },
            { key: 'attempts', label: t('statement.attempts'), align: 'right', render: (m) => String(m.attempts) },
            { key: 'sentAt', label: t('delivery.sentAt'), render: (m) => fmt.dateTime(m.sentAt) },
            { key: 'lastError', label: t('sheet.error'), render: (m) => m.lastError ?? '' },
          ],
          s.mail,
          { empty: t('statement.notMailed') },
        ),
      ),
    ),
    section(
      t('recv.aging'),
      table(
        BUCKETS.map((b) => ({
          key: b,
          label: t(`recv.bucket.${b}`),
          align: 'right',
          render: (x) => fmt.money(x[b], s.currency),
        })),
        [s.figures.aging],
      ),
    ),
    s.document
      ? section(
          t('statement.document'),
          h(
            'div.toolbar',
            enumValues('documentFormat').map((f) =>
              h(
                'button',
                { type: 'button', class: 'btn', name: `download-${f}`, onClick: () => download(base, { format: f }) },
                `${t('common.download')} ${f.toUpperCase()}`,
              ),
            ),
          ),
          preview(() => api.blob(base, { format: 'pdf' }), { title: s.number }),
        )
      : null,
  );
}
