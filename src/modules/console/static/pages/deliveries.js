// @ts-check
// Delivery notices (发货通知): issued against the payment gate (a manager may let goods go before the money with
// a reason), rendered and mailed to production and the customer, shipped, delivered. No prices: production reads
// them too.
import { fill, h } from '../lib/dom.js';
import { api, ApiError } from '../lib/api.js';
import { enumOptions, t, tEnum } from '../lib/i18n.js';
import * as fmt from '../lib/format.js';
import { may, overridesGates, enumValues } from '../lib/session.js';
import {
  askFields,
  askText,
  badge,
  button,
  clean,
  download,
  errorBox,
  fieldList,
  formView,
  link,
  linkButton,
  listView,
  lookup,
  navigate,
  pageHead,
  preview,
  section,
  sleep,
  statusBadge,
  table,
  toast,
} from '../lib/ui.js';

export async function render(ctx) {
  const [id] = ctx.params;
  if (!id) return list(ctx);
  if (id === 'new') return create(ctx);
  return detail(ctx, id);
}

export const gateBadge = (gate) =>
  gate?.result === 'approved' ? badge(t('delivery.gateApproved'), 'warn') : badge(t('delivery.gatePaid'), 'ok');
const itemsText = (items) => items.map((i) => `${i.name} ×${i.qty}${i.unit}`).join('；');

/** The columns of a list of notices (also the contract page's delivery tab). */
export function deliveryColumns() {
  return [
    {
      key: 'number',
      label: t('delivery.number'),
      render: (d) => link(`/app/deliveries/${d.id}`, d.number),
      className: 'nowrap',
    },
    {
      key: 'contract',
      label: t('contract.number'),
      render: (d) => link(`/app/contracts/${d.contract.id}`, d.contract.number ?? ''),
    },
    { key: 'customer', label: t('common.customer'), render: (d) => d.customer.name ?? '' },
    { key: 'items', label: t('delivery.items'), render: (d) => itemsText(d.items) },
    { key: 'shipDate', label: t('delivery.shipDate'), className: 'nowrap' },
    {
      key: 'arrival',
      label: t('delivery.arrival'),
      className: 'nowrap',
      render: (d) => d.arrivedOn ?? (d.estimatedArrival ? `≈ ${d.estimatedArrival}` : ''),
    },
    { key: 'gate', label: t('delivery.gate'), render: (d) => gateBadge(d.gate) },
    { key: 'status', label: t('common.status'), render: (d) => statusBadge('deliveryStatus', d.status) },
  ];
}

function list(ctx) {
  return listView(ctx, {
    title: t('nav.deliveries'),
    actions: [may('POST /api/deliveries') ? linkButton(t('delivery.new'), '/app/deliveries/new', 'primary') : null],
    keep: ['contractId', 'customerId'],
    filters: [
      {
        name: 'status',
        type: 'select',
        label: t('common.status'),
        options: enumOptions('deliveryStatus', enumValues('deliveryStatus')),
      },
    ],
    load: (q) => api.get('/api/deliveries', q),
    columns: deliveryColumns(),
  });
}

async function contractsToDeliver(q) {
  const [approved, active] = await Promise.all([
    api.get('/api/contracts', { q, status: 'approved', pageSize: 50 }),
    api.get('/api/contracts', { q, status: 'active', pageSize: 50 }),
  ]);
  return [...active.items, ...approved.items].map((c) => ({
    value: c.id,
    label: `${c.number} · ${c.customer.name} · ${c.projectName}`,
  }));
}

/** Shares due before delivery and what is still owed on them (the payment gate), for the roles that see money. */
export async function gatePanel(contractId) {
  if (!may('GET /api/contracts/:id/schedule')) return null;
  const s = await api.get(`/api/contracts/${contractId}/schedule`);
  return section(
    t('delivery.schedule'),
    table(
      [
        { key: 'share', label: '#', align: 'right' },
        {
          key: 'event',
          label: t('terms.event'),
          render: (x) => (x.event === 'other' ? (x.label ?? '') : tEnum('paymentEvent', x.event)),
        },
        { key: 'percent', label: t('terms.percent'), align: 'right', render: (x) => fmt.percent(x.percent) },
        { key: 'dueDate', label: t('delivery.dueDate'), render: (x) => x.dueDate ?? '' },
        { key: 'amount', label: t('payment.amount'), align: 'right', render: (x) => fmt.money(x.amount) },
        { key: 'paid', label: t('delivery.paid'), align: 'right', render: (x) => fmt.money(x.paid) },
        {
          key: 'outstanding',
          label: t('delivery.outstanding'),
          align: 'right',
          render: (x) => fmt.money(x.outstanding),
        },
      ],
      s.shares,
      {
        rowClass: (x) =>
          ['contract_signed', 'before_delivery'].includes(x.event) && Number(x.outstanding) > 0 ? 'row-expiring' : null,
      },
    ),
    h('p.muted', t('delivery.gateHelp')),
  );
}

async function create(ctx) {
  let contractId = ctx.query.get('contractId') ?? '';
  const linesBox = h('div');
  const gateBox = h('div');
  const refusal = h('div');
  let qtyInputs = [];
  const loadLines = async () => {
    qtyInputs = [];
    fill(gateBox);
    if (!contractId) return fill(linesBox, h('p.muted', t('delivery.chooseContract')));
    const r = await api.get('/api/deliveries/remaining', { contractId });
    fill(
      linesBox,
      table(
        [
          { key: 'line', label: '#', align: 'right' },
          {
            key: 'name',
            label: t('line.name'),
            render: (l) => [l.name, l.specification ? h('div.muted', l.specification) : null],
          },
          { key: 'ordered', label: t('delivery.ordered'), align: 'right', render: (l) => `${l.ordered} ${l.unit}` },
          { key: 'issued', label: t('delivery.issuedQty'), align: 'right' },
          { key: 'delivered', label: t('delivery.deliveredQty'), align: 'right' },
          { key: 'remaining', label: t('delivery.remaining'), align: 'right' },
          {
            key: 'qty',
            label: t('delivery.qtyNow'),
            render: (l) => {
              const el = h('input', {
                name: `qty-${l.line}`,
                class: 'num',
                inputmode: 'decimal',
                value: Number(l.remaining) > 0 ? l.remaining : '',
                disabled: !(Number(l.remaining) > 0),
                size: 8,
              });
              qtyInputs.push({ line: l.line, el });
              return el;
            },
          },
        ],
        r.lines,
      ),
    );
    const gate = await gatePanel(contractId).catch(() => null);
    if (gate) fill(gateBox, gate);
  };
  const contract = lookup({
    load: contractsToDeliver,
    value: contractId,
    onChange: (v) => {
      contractId = v;
      loadLines().catch((err) => fill(linesBox, errorBox(err)));
    },
  });
  const submit = async (v, override) => {
    const items = qtyInputs
      .filter((q) => q.el.value.trim() && Number(q.el.value) > 0)
      .map((q) => ({ line: q.line, qty: q.el.value.trim() }));
    const body = clean({ ...v, contractId, items, contract: undefined, lines: undefined });
    if (override) body.override = { reason: override };
    try {
      const d = await api.post('/api/deliveries', body);
      toast(t('delivery.issued', { number: d.number }));
      navigate(`/app/deliveries/${d.id}`, { replace: true });
    } catch (err) {
      if (!(err instanceof ApiError && err.code === 'PAYMENT_OUTSTANDING')) throw err;
      fill(
        refusal,
        h(
          'div.alert.alert-error',
          h('strong', t('delivery.outstandingTitle')),
          h(
            'ul',
            (err.details?.shares ?? []).map((s) =>
              h(
                'li',
                `${s.label ?? tEnum('paymentEvent', s.event)} · ${t('delivery.dueDate')} ${s.dueDate ?? '—'} · ${t('delivery.outstanding')} ${fmt.money(s.outstanding)}`,
              ),
            ),
          ),
          overridesGates()
            ? button(
                t('delivery.override'),
                async () => {
                  const reason = await askText({
                    title: t('delivery.override'),
                    label: t('delivery.overrideReason'),
                    required: true,
                  });
                  if (reason) await submit(v, reason);
                },
                { kind: 'danger', name: 'override' },
              )
            : h('p', t('delivery.overrideManagerOnly')),
        ),
      );
      refusal.scrollIntoView({ block: 'nearest' });
    }
  };
  const form = formView(
    [
      {
        name: 'contract',
        label: t('contract.number'),
        type: 'custom',
        required: true,
        wide: true,
        render: () => ({ el: contract, get: () => contract.getValue() }),
      },
      {
        name: 'lines',
        label: t('delivery.items'),
        type: 'custom',
        wide: true,
        render: () => ({ el: h('div', linesBox, gateBox), get: () => null }),
      },
      { name: 'shipDate', label: t('delivery.shipDate'), type: 'date', required: true },
      { name: 'estimatedArrival', label: t('delivery.estimatedArrival'), type: 'date' },
      { name: 'consignee', label: t('delivery.consignee'), required: true },
      { name: 'contactPhone', label: t('delivery.contactPhone'), required: true },
      { name: 'address', label: t('delivery.address'), required: true, wide: true },
      {
        name: 'customerEmail',
        label: t('delivery.customerEmail'),
        type: 'email',
        help: t('delivery.customerEmailHelp'),
      },
      { name: 'carrier', label: t('delivery.carrier') },
      { name: 'driverName', label: t('delivery.driverName') },
      { name: 'driverPhone', label: t('delivery.driverPhone') },
      { name: 'licencePlate', label: t('delivery.licencePlate') },
      { name: 'remarks', label: t('common.notes'), type: 'textarea', wide: true },
    ],
    { shipDate: fmt.today() },
    { cancelHref: '/app/deliveries', submitLabel: t('delivery.issue'), onSubmit: (v) => submit(v, null) },
  );
  fill(ctx.el, pageHead(t('delivery.new')), refusal, form);
  await loadLines();
}

async function detail(ctx, id) {
  const d = await api.get(`/api/deliveries/${id}`);
  if (!ctx.alive()) return;
  const actions = [];
  if (d.status === 'issued' && may('POST /api/deliveries/:id/ship')) {
    actions.push(
      button(
        t('delivery.ship'),
        async () => {
          const v = await askFields({
            title: t('delivery.ship'),
            intro: t('delivery.shipHelp'),
            fields: [
              { name: 'carrier', label: t('delivery.carrier'), value: d.carrier },
              { name: 'driverName', label: t('delivery.driverName'), value: d.driverName },
              { name: 'driverPhone', label: t('delivery.driverPhone'), value: d.driverPhone },
              { name: 'licencePlate', label: t('delivery.licencePlate'), value: d.licencePlate },
            ],
          });
          if (!v) return;
          await api.post(`/api/deliveries/${id}/ship`, v);
          toast(t('common.saved'));
          ctx.reload();
        },
        { kind: 'primary', name: 'ship' },
      ),
    );
  }
  if (d.status === 'shipped' && may('POST /api/deliveries/:id/deliver')) {
    actions.push(
      button(
        t('delivery.deliver'),
        async () => {
          const v = await askFields({
            title: t('delivery.deliver'),
            fields: [
              { name: 'arrivedOn', label: t('delivery.arrivedOn'), type: 'date', value: fmt.today(), required: true },
              { name: 'note', label: t('delivery.arrivalNote') },
            ],
          });
          if (!v) return;
          await api.post(`/api/deliveries/${id}/deliver`, v);
          toast(t('common.saved'));
          ctx.reload();
        },
        { kind: 'primary', name: 'deliver' },
      ),
    );
  }
  if (d.status === 'issued' && may('POST /api/deliveries/:id/cancel')) {
    actions.push(
      button(
        t('delivery.cancel'),
        async () => {
          const reason = await askText({ title: t('delivery.cancel'), label: t('common.reason'), required: true });
          if (!reason) return;
          await api.post(`/api/deliveries/${id}/cancel`, { reason });
          ctx.reload();
        },
        { kind: 'danger' },
      ),
    );
  }
  const docBox = h('div');
  const drawDocument = (doc) => {
    if (!doc) return fill(docBox, h('div.alert.alert-info', t('delivery.rendering')));
    const latest = doc.versions.find((v) => v.version === doc.latestVersion) ?? doc.versions.at(-1);
    const pdf = latest.files.find((f) => f.format === 'pdf');
    fill(
      docBox,
      h(
        'div.toolbar',
        latest.files.map((f) =>
          button(`${t('common.download')} ${f.format.toUpperCase()}`, () => download(f.url), {
            name: `download-${f.format}`,
          }),
        ),
        h('span.muted', `v${latest.version} · ${fmt.dateTime(latest.createdAt)}`),
      ),
      pdf ? preview(() => api.blob(pdf.url), { title: d.number }) : null,
    );
  };
  drawDocument(d.document);
  if (!d.document) {
    void (async () => {
      for (let i = 0; i < 120 && ctx.alive(); i++) {
        await sleep(1500);
        const again = await api.get(`/api/deliveries/${id}`);
        if (again.document) {
          if (ctx.alive()) drawDocument(again.document);
          return;
        }
      }
    })();
  }
  const gate = d.gate;
  fill(
    ctx.el,
    pageHead(`${t('delivery.title')} ${d.number}`, actions, [
      statusBadge('deliveryStatus', d.status),
      gateBadge(gate),
      link(`/app/contracts/${d.contract.id}`, d.contract.number),
      d.customer.name,
    ]),
    h(
      'div.cols',
      section(
        t('delivery.transport'),
        fieldList(
          [
            [t('delivery.shipDate'), d.shipDate],
            [t('delivery.estimatedArrival'), d.estimatedArrival],
            [t('delivery.consignee'), `${d.consignee} · ${d.contactPhone}`],
            [t('delivery.address'), d.address],
            [t('delivery.carrier'), d.carrier],
            [t('delivery.driverName'), [d.driverName, d.driverPhone].filter(Boolean).join(' · ')],
            [t('delivery.licencePlate'), d.licencePlate],
            [t('delivery.shippedAt'), fmt.dateTime(d.shippedAt)],
            [
              t('delivery.arrivedOn'),
              d.arrivedOn ? `${d.arrivedOn}${d.arrivalNote ? ` · ${d.arrivalNote}` : ''}` : null,
            ],
            [t('common.notes'), d.remarks],
          ],
          'one',
        ),
      ),
      section(
        t('delivery.gate'),
        h(
          'p',
          gateBadge(gate),
          ' ',
          gate.approvedBy ? `${gate.approvedBy.name} · ${fmt.dateTime(gate.at)}` : fmt.dateTime(gate.at),
        ),
        gate.reason ? h('p', `${t('common.reason')}: ${gate.reason}`) : null,
        Array.isArray(gate.outstanding) && gate.outstanding.length
          ? table(
              [
                { key: 'event', label: t('terms.event'), render: (s) => s.label ?? tEnum('paymentEvent', s.event) },
                { key: 'dueDate', label: t('delivery.dueDate'), render: (s) => s.dueDate ?? '' },
                {
                  key: 'outstanding',
                  label: t('delivery.outstanding'),
                  align: 'right',
                  render: (s) => fmt.money(s.outstanding),
                },
              ],
              gate.outstanding,
            )
          : null,
        h('h2', t('delivery.mail')),
        table(
          [
            { key: 'audience', label: t('delivery.audience'), render: (m) => tEnum('deliveryAudience', m.audience) },
            { key: 'to', label: t('sheet.address'), render: (m) => m.to ?? h('span.muted', t('sheet.noAddress')) },
            { key: 'status', label: t('common.status'), render: (m) => statusBadge('mailStatus', m.status) },
            { key: 'sentAt', label: t('delivery.sentAt'), render: (m) => fmt.dateTime(m.sentAt) },
            { key: 'lastError', label: t('sheet.error'), render: (m) => m.lastError ?? '' },
          ],
          d.mail,
        ),
      ),
    ),
    section(
      t('delivery.items'),
      table(
        [
          { key: 'line', label: '#', align: 'right' },
          { key: 'productCode', label: t('product.code'), render: (i) => i.productCode ?? '' },
          {
            key: 'name',
            label: t('line.name'),
            render: (i) => [i.name, i.specification ? h('div.muted', i.specification) : null],
          },
          { key: 'qty', label: t('line.qty'), align: 'right', render: (i) => `${i.qty} ${i.unit}` },
        ],
        d.items,
      ),
    ),
    section(t('delivery.document'), docBox),
  );
}
