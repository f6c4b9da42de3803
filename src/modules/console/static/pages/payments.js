// @ts-check
// Payments received (回款): list, record (an advance payment gives the contract its project number and issues
// its contact sheet), detail and reversal.
import { fill, h } from '../lib/dom.js';
import { api } from '../lib/api.js';
import { enumOptions, t, tEnum } from '../lib/i18n.js';
import * as fmt from '../lib/format.js';
import { may, statusSets, enumValues } from '../lib/session.js';
import {
  askText,
  badge,
  button,
  clean,
  fieldList,
  formView,
  link,
  linkButton,
  listView,
  lookup,
  pageHead,
  section,
  statusBadge,
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
    title: t('nav.payments'),
    actions: [may('POST /api/payments') ? linkButton(t('payment.new'), '/app/payments/new', 'primary') : null],
    keep: ['customerId', 'contractId'],
    filters: [
      {
        name: 'nature',
        type: 'select',
        label: t('payment.nature'),
        options: enumOptions('paymentNature', enumValues('paymentNature')),
      },
      { name: 'from', type: 'date', label: t('payment.from') },
      { name: 'to', type: 'date', label: t('payment.to') },
    ],
    load: (q) => api.get('/api/payments', q),
    columns: [
      {
        key: 'date',
        label: t('payment.date'),
        render: (p) => link(`/app/payments/${p.id}`, p.date),
        className: 'nowrap',
      },
      {
        key: 'customer',
        label: t('common.customer'),
        render: (p) => link(`/app/customers/${p.customer.id}`, p.customer.name),
      },
      {
        key: 'contract',
        label: t('contract.number'),
        render: (p) => (p.contract ? link(`/app/contracts/${p.contract.id}`, p.contract.number ?? '') : ''),
      },
      { key: 'projectNumber', label: t('contract.projectNumber'), render: (p) => p.contract?.projectNumber ?? '' },
      { key: 'nature', label: t('payment.nature'), render: (p) => statusBadge('paymentNature', p.nature) },
      { key: 'method', label: t('payment.method'), render: (p) => tEnum('paymentMethod', p.method) },
      {
        key: 'amount',
        label: t('payment.amount'),
        align: 'right',
        render: (p) => [
          fmt.money(p.amount, p.currency),
          p.reverses ? h('div', badge(t('payment.reversal'), 'warn')) : null,
        ],
      },
      { key: 'reference', label: t('payment.reference'), render: (p) => p.reference ?? '' },
    ],
  });
}

async function contractsOf(customerId, q) {
  if (!customerId) return [];
  const page = await api.get('/api/contracts', { customerId, q, pageSize: 100 });
  return page.items
    .filter((c) => statusSets().contractPayable.includes(c.status))
    .map((c) => ({ value: c.id, label: `${c.number} · ${c.projectName} · ${tEnum('contractStatus', c.status)}` }));
}

async function create(ctx) {
  let customerId = ctx.query.get('customerId') ?? '';
  const known = customerId ? await api.get(`/api/customers/${customerId}`) : null;
  const contract = lookup({ load: (q) => contractsOf(customerId, q), value: ctx.query.get('contractId') ?? '' });
  const customer = lookup({
    load: customerLookup,
    value: customerId,
    valueLabel: known?.name,
    onChange: (v) => {
      customerId = v;
      contract.reload();
    },
  });
  const result = h('div');
  const form = formView(
    [
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
        help: t('payment.contractHelp'),
        render: () => ({ el: contract, get: () => contract.getValue() }),
      },
      { name: 'date', label: t('payment.date'), type: 'date', required: true },
      { name: 'amount', label: t('payment.amount'), type: 'money', required: true },
      {
        name: 'nature',
        label: t('payment.nature'),
        type: 'select',
        required: true,
        options: enumOptions('paymentNature', enumValues('paymentNature')),
        help: t('payment.natureHelp'),
      },
      {
        name: 'method',
        label: t('payment.method'),
        type: 'select',
        required: true,
        options: enumOptions('paymentMethod', enumValues('paymentMethod')),
      },
      { name: 'currency', label: t('common.currency'), placeholder: t('payment.currencyDefault') },
      { name: 'reference', label: t('payment.reference') },
      { name: 'note', label: t('common.notes'), type: 'textarea', wide: true },
    ],
    { date: fmt.today(), nature: 'advance', method: 'bank_transfer' },
    {
      cancelHref: '/app/payments',
      onSubmit: async (v) => {
        const p = await api.post('/api/payments', clean(v));
        toast(t('common.saved'));
        fill(
          result,
          h(
            'div.alert.alert-ok',
            { role: 'status' },
            h('div', t('payment.recorded', { amount: fmt.money(p.amount, p.currency), customer: p.customer.name })),
            p.projectNumberAssigned ? h('div', t('payment.projectNumberGiven', { n: p.projectNumber })) : null,
            p.contactSheet
              ? h(
                  'div',
                  t('payment.sheetIssued', { v: p.contactSheet.version }),
                  ' ',
                  link(`/app/contracts/${p.contract.id}?tab=sheet`, t('payment.toSheet')),
                )
              : null,
            h('div', link(`/app/payments/${p.id}`, t('payment.open'))),
          ),
        );
      },
    },
  );
  fill(ctx.el, pageHead(t('payment.new')), result, form);
}

async function detail(ctx, id) {
  const p = await api.get(`/api/payments/${id}`);
  if (!ctx.alive()) return;
  const actions = [];
  if (may('POST /api/payments/:id/reverse') && !p.reverses && Number(p.amount) > 0) {
    actions.push(
      button(
        t('payment.reverse'),
        async () => {
          const reason = await askText({
            title: t('payment.reverse'),
            label: t('payment.reverseReason'),
            required: true,
          });
          if (!reason) return;
          const r = await api.post(`/api/payments/${id}/reverse`, { reason });
          toast(t('payment.reversed'));
          ctx.navigate(`/app/payments/${r.id}`);
        },
        { kind: 'danger' },
      ),
    );
  }
  fill(
    ctx.el,
    pageHead(`${fmt.money(p.amount, p.currency)} · ${p.customer.name}`, actions, [
      statusBadge('paymentNature', p.nature),
      p.date,
      p.reverses ? badge(t('payment.reversal'), 'warn') : null,
    ]),
    section(
      t('common.details'),
      fieldList([
        [t('common.customer'), link(`/app/customers/${p.customer.id}`, p.customer.name)],
        [
          t('contract.number'),
          p.contract ? link(`/app/contracts/${p.contract.id}`, p.contract.number ?? p.contract.id) : null,
        ],
        [t('contract.projectNumber'), p.contract?.projectNumber],
        [t('payment.date'), p.date],
        [t('payment.amount'), fmt.money(p.amount, p.currency)],
        [t('payment.method'), tEnum('paymentMethod', p.method)],
        [t('payment.reference'), p.reference],
        [t('common.notes'), p.note],
        [t('payment.reverses'), p.reverses ? link(`/app/payments/${p.reverses}`, t('payment.original')) : null],
        [t('contract.createdBy'), `${p.createdBy.name} · ${fmt.dateTime(p.createdAt)}`],
      ]),
    ),
  );
}
