// @ts-check
// Qualifications (资质): expiring and expired ones highlighted, the renewal list, scans by drag and drop.
import { fill, h } from '../lib/dom.js';
import { api } from '../lib/api.js';
import { enumOptions, t, tEnum } from '../lib/i18n.js';
import * as fmt from '../lib/format.js';
import { may, enumValues } from '../lib/session.js';
import {
  button,
  clean,
  confirmAction,
  download,
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
  preview,
  section,
  statusBadge,
  table,
  toast,
} from '../lib/ui.js';

export const QUALIFICATION_TYPES = [
  'business_licence',
  'iso9001',
  'iso14001',
  'iso45001',
  'industry_permit',
  'product_certificate',
  'credit_rating',
  'other',
];
const SCANS = '.pdf,.jpg,.jpeg,.png,application/pdf,image/jpeg,image/png';

export async function render(ctx) {
  const [id, sub] = ctx.params;
  if (!id) return ctx.query.get('view') === 'expiring' ? renewals(ctx) : list(ctx);
  if (id === 'new') return edit(ctx, null);
  if (id === 'import') return importView(ctx);
  if (sub === 'edit') return edit(ctx, id);
  return detail(ctx, id);
}

/** "12 days left" / "expired 5 days ago" / "permanent". */
export function daysLeft(q) {
  if (q.daysLeft === null || q.daysLeft === undefined) return t('q.permanent');
  if (q.daysLeft < 0) return t('q.expiredAgo', { n: -q.daysLeft });
  return t('q.daysLeft', { n: q.daysLeft });
}

const rowClass = (q) =>
  q.status === 'expired'
    ? 'row-expired'
    : q.status === 'expiring'
      ? 'row-expiring'
      : q.status === 'not_yet_valid'
        ? 'row-muted'
        : null;

function columns() {
  return [
    { key: 'type', label: t('q.type'), render: (q) => tEnum('qualificationType', q.type) },
    { key: 'name', label: t('q.name'), render: (q) => link(`/app/qualifications/${q.id}`, q.name) },
    { key: 'number', label: t('q.number'), render: (q) => q.number ?? '' },
    { key: 'issuer', label: t('q.issuer'), render: (q) => q.issuer ?? '' },
    { key: 'validFrom', label: t('q.validFrom'), className: 'nowrap' },
    { key: 'validTo', label: t('q.validTo'), className: 'nowrap', render: (q) => q.validTo ?? t('q.permanent') },
    {
      key: 'status',
      label: t('common.status'),
      render: (q) => [statusBadge('qualificationStatus', q.status), h('div.muted', daysLeft(q))],
    },
    { key: 'scans', label: t('q.scans'), align: 'right', render: (q) => String(q.scans?.length ?? 0) },
  ];
}

function headActions(query) {
  return [
    may('POST /api/qualifications') ? linkButton(t('q.new'), '/app/qualifications/new', 'primary') : null,
    may('POST /api/qualifications/import') ? linkButton(t('common.import'), '/app/qualifications/import') : null,
    ...exportButtons('/api/qualifications/export', query),
  ];
}

function list(ctx) {
  const query = Object.fromEntries(ctx.query);
  return listView(ctx, {
    title: t('nav.qualifications'),
    sub: link('/app/qualifications?view=expiring', t('q.renewals')),
    actions: headActions(query),
    filters: [
      { name: 'q', label: t('common.search'), placeholder: t('q.searchHint'), wide: true },
      {
        name: 'type',
        type: 'select',
        label: t('q.type'),
        options: enumOptions('qualificationType', QUALIFICATION_TYPES),
      },
      {
        name: 'status',
        type: 'select',
        label: t('common.status'),
        options: enumOptions('qualificationStatus', enumValues('qualificationStatus')),
      },
      { name: 'validOn', type: 'date', label: t('q.validOn') },
      { name: 'expiringWithinDays', type: 'number', label: t('q.expiringWithin'), min: 0, max: 3650 },
    ],
    load: (q) => api.get('/api/qualifications', q),
    columns: columns(),
    rowClass,
  });
}

function renewals(ctx) {
  return listView(ctx, {
    title: t('q.renewals'),
    sub: link('/app/qualifications', t('q.all')),
    keep: ['view'],
    intro: h('p.muted', t('q.renewalsHelp')),
    filters: [
      { name: 'days', type: 'number', label: t('q.expiringWithin'), min: 0, max: 3650 },
      { name: 'asOf', type: 'date', label: t('q.asOf') },
    ],
    load: (q) => api.get('/api/qualifications/expiring', { days: q.days, asOf: q.asOf }),
    columns: columns(),
    rowClass,
  });
}

/** A stored file (scan or proof) with preview, download and, for writers, delete. */
/**
 * @param {any[]} files
 * @param {string} base
 * @param {{ canDelete?: boolean, onDeleted?: () => unknown, kinds?: boolean }} [opts]
 *   kinds: show each file's kind (a performance record's proofs)
 */
export function filesTable(files, base, { canDelete, onDeleted, kinds } = {}) {
  const box = h('div.file-preview');
  return h(
    'div',
    table(
      [
        { key: 'originalName', label: t('file.name') },
        kinds ? { key: 'kind', label: t('file.kind'), render: (f) => tEnum('proofKind', f.kind) } : null,
        { key: 'size', label: t('file.size'), align: 'right', render: (f) => fmt.bytes(f.size) },
        {
          key: 'uploadedAt',
          label: t('file.uploaded'),
          render: (f) => `${fmt.dateTime(f.uploadedAt)} ${f.uploadedByName ?? ''}`,
        },
        {
          key: 'actions',
          label: '',
          render: (f) =>
            h(
              'div.actions',
              button(
                t('common.preview'),
                () =>
                  fill(
                    box,
                    h('h3', f.originalName),
                    preview(() => api.blob(`${base}/${f.id}`)),
                  ),
                { kind: 'link' },
              ),
              button(t('common.download'), () => download(`${base}/${f.id}`), { kind: 'link' }),
              canDelete
                ? button(
                    t('common.delete'),
                    async () => {
                      if (!(await confirmAction(t('file.deleteConfirm', { name: f.originalName })))) return;
                      await api.del(`${base}/${f.id}`);
                      onDeleted?.();
                    },
                    { kind: 'link' },
                  )
                : null,
            ),
        },
      ],
      files,
      { empty: t('file.none') },
    ),
    box,
  );
}

async function detail(ctx, id) {
  const q = await api.get(`/api/qualifications/${id}`);
  if (!ctx.alive()) return;
  const canWrite = may('PATCH /api/qualifications/:id');
  const actions = canWrite
    ? [
        linkButton(t('common.edit'), `/app/qualifications/${id}/edit`),
        button(
          t('common.delete'),
          async () => {
            if (!(await confirmAction(t('q.deleteConfirm', { name: q.name })))) return;
            await api.of(q).del(`/api/qualifications/${id}`);
            toast(t('common.deleted'));
            navigate('/app/qualifications', { replace: true });
          },
          { kind: 'danger' },
        ),
      ]
    : [];
  const base = `/api/qualifications/${id}/scans`;
  const upload = canWrite
    ? dropzone({
        accept: SCANS,
        multiple: true,
        label: t('q.dropScans'),
        onFiles: async (files) => {
          for (const f of files) await api.upload(base, f);
          toast(t('file.uploadedN', { n: files.length }));
          ctx.reload();
        },
      })
    : null;
  fill(
    ctx.el,
    pageHead(q.name, actions, [
      tEnum('qualificationType', q.type),
      statusBadge('qualificationStatus', q.status),
      h('span', daysLeft(q)),
    ]),
    q.status === 'expired'
      ? h('div.alert.alert-error', t('q.expiredWarning'))
      : q.status === 'expiring'
        ? h('div.alert.alert-warn', t('q.expiringWarning', { date: q.validTo }))
        : null,
    section(
      t('common.details'),
      fieldList([
        [t('q.number'), q.number],
        [t('q.issuer'), q.issuer],
        [t('q.validFrom'), q.validFrom],
        [t('q.validTo'), q.validTo ?? t('q.permanent')],
        [t('q.grade'), q.grade],
        [t('q.notes'), q.notes],
      ]),
    ),
    section(t('q.scans'), upload, filesTable(q.scans, base, { canDelete: canWrite, onDeleted: () => ctx.reload() })),
  );
}

async function edit(ctx, id) {
  const q = id ? await api.get(`/api/qualifications/${id}`) : { type: 'product_certificate', validFrom: fmt.today() };
  if (!ctx.alive()) return;
  const form = formView(
    [
      {
        name: 'type',
        label: t('q.type'),
        type: 'select',
        required: true,
        options: enumOptions('qualificationType', QUALIFICATION_TYPES),
      },
      { name: 'name', label: t('q.name'), required: true },
      { name: 'number', label: t('q.number') },
      { name: 'issuer', label: t('q.issuer') },
      { name: 'validFrom', label: t('q.validFrom'), type: 'date', required: true },
      { name: 'validTo', label: t('q.validTo'), type: 'date', help: t('q.validToHelp') },
      { name: 'grade', label: t('q.grade'), wide: true },
      { name: 'notes', label: t('q.notes'), type: 'textarea', wide: true },
    ],
    q,
    {
      cancelHref: id ? `/app/qualifications/${id}` : '/app/qualifications',
      onSubmit: async (v) => {
        const body = clean(v, { nulls: !!id });
        const saved = id
          ? await api.of(q).patch(`/api/qualifications/${id}`, body)
          : await api.post('/api/qualifications', body);
        toast(t('common.saved'));
        navigate(`/app/qualifications/${saved.id}`, { replace: true });
      },
    },
  );
  fill(ctx.el, pageHead(id ? q.name : t('q.new')), form);
}

function importView(ctx) {
  fill(
    ctx.el,
    pageHead(t('q.import'), [linkButton(t('common.back'), '/app/qualifications')]),
    section(null, h('p.muted', t('q.importHelp')), importPanel({ path: '/api/qualifications/import' })),
  );
}
