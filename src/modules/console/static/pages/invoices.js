// @ts-check
// VAT invoices issued (开票): recorded, listed, and cancelled by a red-letter invoice (never edited).
import { fill } from '../lib/dom.js';
import { api } from '../lib/api.js';
import { enumOptions, t, tEnum } from '../lib/i18n.js';
import * as fmt from '../lib/format.js';
import { may, statusSets, enumValues } from '../lib/session.js';
import {
  askFields,
  badge,
  button,
  clean,
  fieldList,
  formView,
  link,
  linkButton,
  listView,
  lookup,
  navigate,
  pageHead,
  section,
  toast,
} from '../lib/ui.js';
import { customerLookup } from './quotations.js';

export async function render(ctx) {
  const [id] = ctx.params;
  if (!id) return list(ctx);
  if (id === 'new') return create(ctx);
  return detail(ctx, id);
}

function list(ctx) {
  return listView(ctx, {
    title: t('nav.invoices'),
    actions: [may('POST /api/invoices') ? linkButton(t('invoice.new'), '/app/invoices/new', 'primary') : null],
    keep: ['customerId', 'contractId'],
    filters: [
      { name: 'from', type: 'date', label: t('invoice.from') },
      { name: 'to', type: 'date', label: t('invoice.to') },
    ],
    load: (q) => api.get('/api/invoices', q),
    columns: [
      {
        key: 'number',
        label: t('invoice.number'),
        render: (x) => link(`/app/invoices/${x.id}`, x.number),
        className: 'nowrap',
      },
      { key: 'kind', label: t('invoice.kind'), render: (x) => tEnum('invoiceKind', x.kind) },
      { key: 'date', label: t('invoice.date'), className: 'nowrap' },
      {
        key: 'customer',
        label: t('common.customer'),
        render: (x) => link(`/app/customers/${x.customer.id}`, x.customer.name),
      },
      {
        key: 'contract',
        label: t('contract.number'),
        render: (x) => (x.contract ? link(`/app/contracts/${x.contract.id}`, x.contract.number ?? '') : ''),
      },
      { key: 'amount', label: t('invoice.amount'), align: 'right', render: (x) => fmt.money(x.amount, x.currency) },
      { key: 'tax', label: t('invoice.tax'), align: 'right', render: (x) => fmt.money(x.tax, x.currency) },
      {
        key: 'state',
        label: t('common.status'),
        render: (x) =>
          x.reverses ? badge(t('invoice.redLetter'), 'warn') : x.reversedBy ? badge(t('invoice.cancelled'), 'bad') : '',
      },
    ],
  });
}

async function create(ctx) {
  let customerId = ctx.query.get('customerId') ?? '';
  const known = customerId ? await api.get(`/api/customers/${customerId}`) : null;
  const contract = lookup({
    value: ctx.query.get('contractId') ?? '',
    load: async (q) =>
      customerId
        ? (await api.get('/api/contracts', { customerId, q, pageSize: 100 })).items
            .filter((c) => statusSets().contractInvoiceable.includes(c.status))
            .map((c) => ({ value: c.id, label: `${c.number} · ${c.projectName}` }))
        : [],
  });
  const customer = lookup({
    load: customerLookup,
    value: customerId,
    valueLabel: known?.name,
    onChange: (v) => ((customerId = v), contract.reload()),
  });
  const form = formView(
    [
      { name: 'number', label: t('invoice.number'), required: true },
      {
        name: 'kind',
        label: t('invoice.kind'),
        type: 'select',
        required: true,
        options: enumOptions('invoiceKind', enumValues('invoiceKind')),
      },
      {
        name: 'customerId',
        label: t('common.customer'),
        type: 'custom',
        required: true,
        render: () => ({ el: customer, get: () => customer.getValue() }),
      },
      {
        name: 'contractId',
        label: t('contract.number'),
        type: 'custom',
        render: () => ({ el: contract, get: () => contract.getValue() }),
      },
      { name: 'date', label: t('invoice.date'), type: 'date', required: true },
      { name: 'currency', label: t('common.currency'), placeholder: t('payment.currencyDefault') },
      { name: 'amount', label: t('invoice.amount'), type: 'money', required: true, help: t('invoice.amountHelp') },
      { name: 'tax', label: t('invoice.tax'), type: 'money', required: true },
      { name: 'note', label: t('common.notes'), type: 'textarea', wide: true },
    ],
    { kind: 'special', date: fmt.today() },
    {
      cancelHref: '/app/invoices',
      onSubmit: async (v) => {
        const x = await api.post('/api/invoices', clean(v));
        toast(t('common.saved'));
        navigate(`/app/invoices/${x.id}`, { replace: true });
      },
    },
  );
  fill(ctx.el, pageHead(t('invoice.new')), form);
}

async function detail(ctx, id) {
  const x = await api.get(`/api/invoices/${id}`);
  if (!ctx.alive()) return;
  const actions = [];
  if (may('POST /api/invoices/:id/reverse') && !x.reverses && !x.reversedBy) {
    actions.push(
      button(
        t('invoice.reverse'),
        async () => {
          const v = await askFields({
            title: t('invoice.reverse'),
            intro: t('invoice.reverseHelp'),
            fields: [
              { name: 'number', label: t('invoice.redNumber'), required: true },
              { name: 'date', label: t('invoice.date'), type: 'date', value: fmt.today() },
              { name: 'reason', label: t('common.reason'), type: 'textarea', required: true },
            ],
          });
          if (!v) return;
          const red = await api.post(`/api/invoices/${id}/reverse`, v);
          toast(t('common.saved'));
          navigate(`/app/invoices/${red.id}`);
        },
        { kind: 'danger' },
      ),
    );
  }
  fill(
    ctx.el,
    pageHead(`${t('invoice.title')} ${x.number}`, actions, [
      tEnum('invoiceKind', x.kind),
      x.date,
      x.reverses ? badge(t('invoice.redLetter'), 'warn') : null,
      x.reversedBy ? badge(t('invoice.cancelled'), 'bad') : null,
    ]),
    section(
      t('common.details'),
      fieldList([
        [t('common.customer'), link(`/app/customers/${x.customer.id}`, x.customer.name)],
        [t('contract.number'), x.contract ? link(`/app/contracts/${x.contract.id}`, x.contract.number ?? '') : null],
        [t('invoice.amount'), fmt.money(x.amount, x.currency)],
        [t('invoice.tax'), fmt.money(x.tax, x.currency)],
        [t('invoice.net'), fmt.money(x.net, x.currency)],
        [t('common.notes'), x.note],
        [t('invoice.reverses'), x.reverses ? link(`/app/invoices/${x.reverses}`, t('invoice.original')) : null],
        [t('invoice.reversedBy'), x.reversedBy ? link(`/app/invoices/${x.reversedBy}`, t('invoice.redLetter')) : null],
        [t('contract.createdBy'), `${x.createdBy.name} · ${fmt.dateTime(x.createdAt)}`],
      ]),
    ),
  );
}
