// @ts-check
// Performance records (业绩): searchable references with their proofs; no amounts for production users.
import { fill, h } from '../lib/dom.js';
import { api } from '../lib/api.js';
import { enumOptions, t, tEnum } from '../lib/i18n.js';
import * as fmt from '../lib/format.js';
import { canSeePrices, may, enumValues } from '../lib/session.js';
import {
  button,
  clean,
  confirmAction,
  dropzone,
  exportButtons,
  fieldList,
  formView,
  importPanel,
  link,
  linkButton,
  listView,
  navigate,
  pageHead,
  section,
  toast,
} from '../lib/ui.js';
import { filesTable } from './qualifications.js';

export async function render(ctx) {
  const [id, sub] = ctx.params;
  if (!id) return list(ctx);
  if (id === 'new') return edit(ctx, null);
  if (id === 'import') return importView(ctx);
  if (sub === 'edit') return edit(ctx, id);
  return detail(ctx, id);
}

export const industryLabel = (v) => tEnum('industry', v);

function list(ctx) {
  const prices = canSeePrices();
  const query = Object.fromEntries(ctx.query);
  return listView(ctx, {
    title: t('nav.performance'),
    actions: [
      may('POST /api/performance') ? linkButton(t('perf.new'), '/app/performance/new', 'primary') : null,
      may('POST /api/performance/import') ? linkButton(t('common.import'), '/app/performance/import') : null,
      ...exportButtons('/api/performance/export', query),
    ],
    filters: [
      { name: 'q', label: t('common.search'), placeholder: t('perf.searchHint'), wide: true },
      {
        name: 'industry',
        type: 'select',
        label: t('perf.industry'),
        options: enumOptions('industry', enumValues('industry')),
      },
      { name: 'productLine', label: t('perf.productLine') },
      prices ? { name: 'minAmount', label: t('perf.minAmount') } : null,
      prices ? { name: 'maxAmount', label: t('perf.maxAmount') } : null,
      { name: 'completedWithinYears', type: 'number', label: t('perf.withinYears'), min: 1, max: 50 },
    ].filter(Boolean),
    load: (q) => api.get('/api/performance', q),
    columns: [
      { key: 'projectName', label: t('perf.project'), render: (p) => link(`/app/performance/${p.id}`, p.projectName) },
      { key: 'customerName', label: t('perf.customer') },
      { key: 'industry', label: t('perf.industry'), render: (p) => industryLabel(p.industry) },
      { key: 'productLine', label: t('perf.productLine'), render: (p) => p.productLine ?? '' },
      {
        key: 'contractAmount',
        label: t('perf.amount'),
        align: 'right',
        hidden: !prices,
        render: (p) => fmt.money(p.contractAmount, p.currency),
      },
      { key: 'signedDate', label: t('perf.signed'), className: 'nowrap' },
      {
        key: 'completedDate',
        label: t('perf.completed'),
        className: 'nowrap',
        render: (p) => p.completedDate ?? t('perf.ongoing'),
      },
      { key: 'proofs', label: t('perf.proofs'), align: 'right', render: (p) => String(p.proofs?.length ?? 0) },
    ],
  });
}

async function detail(ctx, id) {
  const p = await api.get(`/api/performance/${id}`);
  const proofs = await api.get(`/api/performance/${id}/proofs`);
  if (!ctx.alive()) return;
  const canWrite = may('PATCH /api/performance/:id');
  const base = `/api/performance/${id}/proofs`;
  const kind = h(
    'select',
    { name: 'kind' },
    enumOptions('proofKind', enumValues('proofKind')).map((o) => h('option', { value: o.value }, o.label)),
  );
  const upload = canWrite
    ? h(
        'div',
        h('label.filter', h('span', t('file.kind')), kind),
        dropzone({
          accept: '.pdf,.jpg,.jpeg,.png',
          multiple: true,
          label: t('perf.dropProofs'),
          onFiles: async (files) => {
            for (const f of files) await api.upload(base, f, { kind: kind.value });
            toast(t('file.uploadedN', { n: files.length }));
            ctx.reload();
          },
        }),
      )
    : null;
  fill(
    ctx.el,
    pageHead(
      p.projectName,
      canWrite
        ? [
            linkButton(t('common.edit'), `/app/performance/${id}/edit`),
            button(
              t('common.delete'),
              async () => {
                if (!(await confirmAction(t('perf.deleteConfirm', { name: p.projectName })))) return;
                await api.of(p).del(`/api/performance/${id}`);
                navigate('/app/performance', { replace: true });
              },
              { kind: 'danger' },
            ),
          ]
        : [],
      [p.customerName, industryLabel(p.industry)],
    ),
    section(
      t('common.details'),
      fieldList([
        [t('perf.customer'), p.customerName],
        [t('perf.industry'), industryLabel(p.industry)],
        [t('perf.productLine'), p.productLine],
        canSeePrices() ? [t('perf.amount'), fmt.money(p.contractAmount, p.currency)] : null,
        [t('perf.signed'), p.signedDate],
        [t('perf.completed'), p.completedDate ?? t('perf.ongoing')],
        [t('perf.location'), p.location],
        [t('perf.scope'), p.scope],
      ]),
    ),
    section(
      t('perf.proofs'),
      upload,
      filesTable(proofs, base, { canDelete: canWrite, onDeleted: () => ctx.reload(), kinds: true }),
    ),
  );
}

async function edit(ctx, id) {
  const p = id ? await api.get(`/api/performance/${id}`) : { currency: 'CNY', industry: 'steel' };
  if (!ctx.alive()) return;
  const industries = enumValues('industry');
  const form = formView(
    [
      { name: 'projectName', label: t('perf.project'), required: true, wide: true },
      { name: 'customerName', label: t('perf.customer'), required: true },
      {
        name: 'industry',
        label: t('perf.industry'),
        type: 'select',
        required: true,
        // "One of the industries, or another word": a record's own word stays choosable.
        options: enumOptions('industry', industries.includes(p.industry) ? industries : [...industries, p.industry]),
      },
      { name: 'productLine', label: t('perf.productLine') },
      { name: 'contractAmount', label: t('perf.amount'), type: 'money', required: true },
      { name: 'currency', label: t('common.currency'), placeholder: 'CNY' },
      { name: 'signedDate', label: t('perf.signed'), type: 'date', required: true },
      { name: 'completedDate', label: t('perf.completed'), type: 'date' },
      { name: 'location', label: t('perf.location') },
      { name: 'scope', label: t('perf.scope'), type: 'textarea', wide: true },
    ],
    p,
    {
      cancelHref: id ? `/app/performance/${id}` : '/app/performance',
      onSubmit: async (v) => {
        const body = clean(v, { nulls: !!id });
        if (id && body.currency === null) delete body.currency;
        const saved = id
          ? await api.of(p).patch(`/api/performance/${id}`, body)
          : await api.post('/api/performance', body);
        toast(t('common.saved'));
        navigate(`/app/performance/${saved.id}`, { replace: true });
      },
    },
  );
  fill(ctx.el, pageHead(id ? p.projectName : t('perf.new')), form);
}

function importView(ctx) {
  fill(
    ctx.el,
    pageHead(t('perf.import'), [linkButton(t('common.back'), '/app/performance')]),
    section(null, h('p.muted', t('perf.importHelp')), importPanel({ path: '/api/performance/import' })),
  );
}
