// @ts-check
// The price list: list prices for everyone but production, floor prices for the floor-price roles only.
import { fill, h } from '../lib/dom.js';
import { api } from '../lib/api.js';
import { t } from '../lib/i18n.js';
import * as fmt from '../lib/format.js';
import { canSeeFloor, canSeePrices, may } from '../lib/session.js';
import {
  badge,
  button,
  clean,
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

export async function render(ctx) {
  const [id, sub] = ctx.params;
  if (!id) return list(ctx);
  if (id === 'new') return edit(ctx, null);
  if (id === 'import') return importView(ctx);
  if (sub === 'edit') return edit(ctx, id);
  return detail(ctx, id);
}

const activeBadge = (p) => (p.active ? badge(t('product.active'), 'ok') : badge(t('product.inactive'), 'muted'));

function list(ctx) {
  const query = Object.fromEntries(ctx.query);
  return listView(ctx, {
    title: t('nav.products'),
    actions: [
      may('POST /api/products') ? linkButton(t('product.new'), '/app/products/new', 'primary') : null,
      may('POST /api/products/import') ? linkButton(t('common.import'), '/app/products/import') : null,
      ...exportButtons('/api/products/export', query),
    ],
    filters: [
      { name: 'q', label: t('common.search'), placeholder: t('product.searchHint'), wide: true },
      { name: 'productLine', label: t('product.line') },
      {
        name: 'active',
        type: 'select',
        label: t('product.state'),
        options: [
          { value: 'true', label: t('product.active') },
          { value: 'false', label: t('product.inactive') },
        ],
      },
    ],
    load: (q) => api.get('/api/products', q),
    columns: [
      { key: 'code', label: t('product.code'), render: (p) => link(`/app/products/${p.id}`, p.code) },
      {
        key: 'nameZh',
        label: t('product.name'),
        render: (p) => [p.nameZh, p.nameEn ? h('div.muted', p.nameEn) : null],
      },
      { key: 'specification', label: t('product.spec'), render: (p) => p.specification ?? '' },
      { key: 'unit', label: t('product.unit') },
      {
        key: 'listPrice',
        label: t('product.listPrice'),
        align: 'right',
        hidden: !canSeePrices(),
        render: (p) => fmt.money(p.listPrice, p.currency),
      },
      {
        key: 'floorPrice',
        label: t('product.floorPrice'),
        align: 'right',
        hidden: !canSeeFloor(),
        render: (p) => fmt.money(p.floorPrice, p.currency),
      },
      {
        key: 'taxRate',
        label: t('product.taxRate'),
        align: 'right',
        hidden: !canSeePrices(),
        render: (p) => fmt.percent(p.taxRate),
      },
      { key: 'productLine', label: t('product.line'), render: (p) => p.productLine ?? '' },
      { key: 'active', label: t('product.state'), render: activeBadge },
    ],
    rowClass: (p) => (p.active ? null : 'row-muted'),
  });
}

async function detail(ctx, id) {
  const p = await api.get(`/api/products/${id}`);
  if (!ctx.alive()) return;
  const canWrite = may('PATCH /api/products/:id');
  fill(
    ctx.el,
    pageHead(
      `${p.code} ${p.nameZh}`,
      canWrite
        ? [
            linkButton(t('common.edit'), `/app/products/${id}/edit`),
            p.active
              ? button(
                  t('product.deactivate'),
                  async () => (await api.of(p).del(`/api/products/${id}`), toast(t('common.saved')), ctx.reload()),
                  { kind: 'danger' },
                )
              : button(
                  t('product.activate'),
                  async () => (await api.of(p).patch(`/api/products/${id}`, { active: true }), ctx.reload()),
                ),
          ]
        : [],
      [activeBadge(p), p.nameEn],
    ),
    section(
      t('common.details'),
      fieldList([
        [t('product.code'), p.code],
        [t('product.unit'), p.unit],
        [t('product.spec'), p.specification],
        [t('product.line'), p.productLine],
        // Keys absent for this user (no prices) are not shown at all.
        'listPrice' in p ? [t('product.listPrice'), fmt.money(p.listPrice, p.currency)] : null,
        'floorPrice' in p ? [t('product.floorPrice'), fmt.money(p.floorPrice, p.currency)] : null,
        canSeePrices() ? [t('product.taxRate'), fmt.percent(p.taxRate)] : null,
        [t('common.updatedAt'), fmt.dateTime(p.updatedAt)],
      ]),
    ),
  );
}

async function edit(ctx, id) {
  const p = id ? await api.get(`/api/products/${id}`) : { taxRate: '13.00', currency: 'CNY', active: true };
  if (!ctx.alive()) return;
  const form = formView(
    [
      { name: 'code', label: t('product.code'), required: true },
      { name: 'unit', label: t('product.unit'), required: true, placeholder: '台' },
      { name: 'nameZh', label: t('product.nameZh'), required: true },
      { name: 'nameEn', label: t('product.nameEn') },
      { name: 'specification', label: t('product.spec'), type: 'textarea', wide: true },
      { name: 'listPrice', label: t('product.listPrice'), type: 'money', required: true },
      {
        name: 'floorPrice',
        label: t('product.floorPrice'),
        type: 'money',
        required: true,
        help: t('product.floorHelp'),
      },
      { name: 'taxRate', label: t('product.taxRate'), help: t('product.taxRateHelp') },
      { name: 'currency', label: t('common.currency') },
      { name: 'productLine', label: t('product.line') },
      { name: 'active', label: t('product.active'), type: 'checkbox' },
    ],
    p,
    {
      cancelHref: id ? `/app/products/${id}` : '/app/products',
      onSubmit: async (v) => {
        const body = clean(v, { nulls: !!id });
        for (const k of ['taxRate', 'currency']) if (body[k] === null) delete body[k];
        const saved = id ? await api.of(p).patch(`/api/products/${id}`, body) : await api.post('/api/products', body);
        toast(t('common.saved'));
        navigate(`/app/products/${saved.id}`, { replace: true });
      },
    },
  );
  fill(ctx.el, pageHead(id ? `${p.code} ${p.nameZh}` : t('product.new')), form);
}

function importView(ctx) {
  fill(
    ctx.el,
    pageHead(t('product.import'), [linkButton(t('common.back'), '/app/products')]),
    section(null, h('p.muted', t('product.importHelp')), importPanel({ path: '/api/products/import' })),
  );
}
