// @ts-check
// Editors and tables shared by quotations and contracts: priced lines, payment terms, delivery terms.
import { h } from './dom.js';
import { api } from './api.js';
import { enumOptions, t, tEnum } from './i18n.js';
import * as fmt from './format.js';
import { canSeeFloor, canSeePrices } from './session.js';
import { badge, rowsEditor, table } from './ui.js';

export const PAYMENT_EVENTS = [
  'contract_signed',
  'before_delivery',
  'on_delivery',
  'after_acceptance',
  'warranty_end',
  'other',
];
export const INCOTERMS = ['EXW', 'FCA', 'CPT', 'CIP', 'DAP', 'DPU', 'DDP', 'FAS', 'FOB', 'CFR', 'CIF'];

/** 30% contract_signed within 7 days / 60% before_delivery / 10% after_acceptance (质保金). */
export const DEFAULT_TERMS = [
  { percent: '30', event: 'contract_signed', days: '7' },
  { percent: '60', event: 'before_delivery' },
  { percent: '10', event: 'after_acceptance', days: '365', label: '质保金' },
];

/** Lines as stored (quotation or contract), with price columns only for those who may see prices. */
export function linesTable(lines, currency) {
  const prices = canSeePrices();
  return table(
    [
      { key: 'line', label: '#', align: 'right' },
      { key: 'productCode', label: t('product.code'), render: (l) => l.productCode ?? '' },
      {
        key: 'name',
        label: t('line.name'),
        render: (l) => [l.name, l.specification ? h('div.muted', l.specification) : null],
      },
      { key: 'qty', label: t('line.qty'), align: 'right', render: (l) => `${l.qty} ${l.unit}` },
      {
        key: 'unitPrice',
        label: t('line.unitPrice'),
        align: 'right',
        hidden: !prices,
        render: (l) => [
          fmt.money(l.unitPrice, currency),
          l.belowFloor ? h('div', badge(t('line.belowFloor'), 'bad')) : null,
        ],
      },
      {
        key: 'floorPrice',
        label: t('product.floorPrice'),
        align: 'right',
        hidden: !canSeeFloor() || !lines.some((l) => 'floorPrice' in l),
        render: (l) => fmt.money(l.floorPrice, currency),
      },
      {
        key: 'discount',
        label: t('line.discount'),
        align: 'right',
        hidden: !prices,
        render: (l) => fmt.percent(l.discount),
      },
      {
        key: 'taxRate',
        label: t('line.taxRate'),
        align: 'right',
        hidden: !prices,
        render: (l) => fmt.percent(l.taxRate),
      },
      { key: 'net', label: t('line.net'), align: 'right', hidden: !prices, render: (l) => fmt.money(l.net, currency) },
      {
        key: 'total',
        label: t('line.total'),
        align: 'right',
        hidden: !prices,
        render: (l) => fmt.money(l.total, currency),
      },
    ],
    lines,
    { rowClass: (l) => (l.belowFloor ? 'row-expired' : null) },
  );
}

export function totals(x) {
  if (!canSeePrices() || x.total === undefined) return null;
  return h(
    'div.totals',
    h('span', t('common.subtotal'), ' ', h('strong', fmt.money(x.subtotal, x.currency))),
    h('span', t('common.tax'), ' ', h('strong', fmt.money(x.taxTotal, x.currency))),
    h('span', t('common.total'), ' ', h('strong', { 'data-total': x.total }, fmt.money(x.total, x.currency))),
  );
}

export function termsTable(terms) {
  return table(
    [
      { key: 'percent', label: t('terms.percent'), align: 'right', render: (s) => fmt.percent(s.percent) },
      {
        key: 'event',
        label: t('terms.event'),
        render: (s) => (s.event === 'other' ? s.label : tEnum('paymentEvent', s.event)),
      },
      {
        key: 'days',
        label: t('terms.days'),
        render: (s) => (s.days === null || s.days === undefined ? '' : t('terms.withinDays', { n: s.days })),
      },
      { key: 'label', label: t('terms.label'), render: (s) => s.label ?? '' },
    ],
    terms ?? [],
  );
}

export function deliveryText(d) {
  if (!d) return '';
  return [
    d.date,
    d.daysAfterAdvance !== null && d.daysAfterAdvance !== undefined
      ? t('terms.daysAfterAdvance', { n: d.daysAfterAdvance })
      : null,
    d.place,
    d.incoterm,
  ]
    .filter(Boolean)
    .join(' · ');
}

let productCache = null;
/** The active products (the first 200) for line pickers. */
export async function activeProducts() {
  productCache ??= api.get('/api/products', { active: 'true', pageSize: 200 }).then((p) => p.items);
  return productCache;
}

/** An editor of priced lines: a product of the price list, or a free-text line. */
export async function linesEditor(lines = []) {
  const products = await activeProducts();
  const options = products.map((p) => ({ value: p.id, label: `${p.code} ${p.nameZh}` }));
  const byId = new Map(products.map((p) => [p.id, p]));
  const editor = rowsEditor({
    columns: [
      {
        key: 'productId',
        label: t('line.product'),
        type: 'select',
        options,
        width: 'l',
        // Choosing a product shows its defaults as placeholders: the API fills them in.
        onChange: (el, entry) => {
          const p = byId.get(el.value);
          const cell = (k) => entry.cells.find((c) => c.c.key === k).el;
          cell('name').placeholder = p?.nameZh ?? '';
          cell('unit').placeholder = p?.unit ?? '';
          cell('unitPrice').placeholder = p?.listPrice ?? '';
          cell('taxRate').placeholder = p?.taxRate ?? '13';
        },
      },
      { key: 'name', label: t('line.name') },
      { key: 'specification', label: t('line.spec') },
      { key: 'qty', label: t('line.qty'), inputmode: 'decimal', className: 'num', width: 's' },
      { key: 'unit', label: t('line.unit'), width: 's' },
      { key: 'unitPrice', label: t('line.unitPrice'), inputmode: 'decimal', className: 'num', width: 'm' },
      {
        key: 'discount',
        label: t('line.discountPct'),
        inputmode: 'decimal',
        className: 'num',
        width: 's',
        placeholder: '0',
      },
      { key: 'taxRate', label: t('line.taxPct'), inputmode: 'decimal', className: 'num', width: 's' },
    ],
    rows: lines.map((l) => ({
      productId: l.productId ?? '',
      name: l.name,
      specification: l.specification ?? '',
      qty: l.qty,
      unit: l.unit,
      unitPrice: l.unitPrice,
      discount: l.discount,
      taxRate: l.taxRate,
    })),
    blank: () => ({ qty: '1' }),
    min: 1,
    addLabel: t('line.add'),
  });
  // Each line as the API takes it: given values only (a product's line takes the rest from the price list).
  const value = () =>
    editor.value().map((l) => {
      const out = {};
      for (const k of ['productId', 'name', 'specification', 'qty', 'unit', 'unitPrice', 'discount', 'taxRate'])
        if (l[k] !== '' && l[k] !== undefined) out[k] = l[k];
      return out;
    });
  return { el: editor.el, get: value };
}

export function termsEditor(terms = DEFAULT_TERMS) {
  const editor = rowsEditor({
    columns: [
      { key: 'percent', label: t('terms.percent'), inputmode: 'decimal', className: 'num', width: 's' },
      {
        key: 'event',
        label: t('terms.event'),
        type: 'select',
        required: true,
        options: enumOptions('paymentEvent', PAYMENT_EVENTS),
      },
      { key: 'days', label: t('terms.days'), type: 'number', width: 's' },
      { key: 'label', label: t('terms.label') },
    ],
    rows: terms.map((s) => ({ ...s, days: s.days ?? '', label: s.label ?? '' })),
    blank: () => ({ event: 'contract_signed' }),
    min: 1,
    addLabel: t('terms.add'),
  });
  const value = () =>
    editor.value().map((s) => {
      const out = { percent: s.percent, event: s.event };
      if (s.days !== '') out.days = Number(s.days);
      if (s.label) out.label = s.label;
      return out;
    });
  return { el: editor.el, get: value };
}
