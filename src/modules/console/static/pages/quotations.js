// @ts-check
// Quotations: list, form (lines, payment and delivery terms), detail with the life cycle, revisions, and the
// rendered PDF previewed before the quotation is marked as sent.
import { fill, h } from '../lib/dom.js';
import { api } from '../lib/api.js';
import { enumOptions, LANG_NAMES, LANGS, t } from '../lib/i18n.js';
import * as fmt from '../lib/format.js';
import { canSeePrices, may, overridesGates, transitions, enumValues } from '../lib/session.js';
import {
  INCOTERMS,
  deliveryText,
  linesEditor,
  linesTable,
  termsEditor,
  termsTable,
  totals,
} from '../lib/commercial.js';
import {
  askText,
  button,
  clean,
  download,
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
  statusBadge,
  toast,
} from '../lib/ui.js';

export async function render(ctx) {
  const [id, sub] = ctx.params;
  if (!id) return list(ctx);
  if (id === 'new') return edit(ctx, null);
  if (sub === 'edit') return edit(ctx, id);
  return detail(ctx, id);
}

/** Customers for a lookup: name search, not archived. */
export const customerLookup = async (q) =>
  (await api.get('/api/customers', { q, pageSize: 50 })).items.map((c) => ({ value: c.id, label: c.name }));

function list(ctx) {
  const prices = canSeePrices();
  return listView(ctx, {
    title: t('nav.quotations'),
    actions: [may('POST /api/quotations') ? linkButton(t('quotation.new'), '/app/quotations/new', 'primary') : null],
    filters: [
      { name: 'q', label: t('common.search'), placeholder: t('quotation.searchHint'), wide: true },
      {
        name: 'status',
        type: 'select',
        label: t('common.status'),
        options: enumOptions('quotationStatus', enumValues('quotationStatus')),
      },
    ],
    load: (q) => api.get('/api/quotations', q),
    columns: [
      {
        key: 'number',
        label: t('quotation.number'),
        render: (x) => link(`/app/quotations/${x.id}`, x.number),
        className: 'nowrap',
      },
      { key: 'customer', label: t('common.customer'), render: (x) => x.customer.name },
      { key: 'projectName', label: t('common.project') },
      { key: 'revision', label: t('quotation.revision'), align: 'right', render: (x) => `R${x.revision}` },
      { key: 'issueDate', label: t('quotation.issueDate'), className: 'nowrap' },
      { key: 'validUntil', label: t('quotation.validUntil'), className: 'nowrap' },
      {
        key: 'total',
        label: t('common.totalWithTax'),
        align: 'right',
        hidden: !prices,
        render: (x) => fmt.money(x.total, x.currency),
      },
      { key: 'status', label: t('common.status'), render: (x) => statusBadge('quotationStatus', x.status) },
    ],
  });
}

async function detail(ctx, id) {
  const n = ctx.query.get('revision');
  const q = await api.get(n ? `/api/quotations/${id}/revisions/${n}` : `/api/quotations/${id}`);
  if (!ctx.alive()) return;
  const current = q.revision === q.currentRevision;
  const act =
    (path, body = {}) =>
    async () => {
      await api.post(`/api/quotations/${id}/${path}`, body);
      toast(t('common.saved'));
      ctx.reload();
    };
  const actions = [];
  /**
   * Whether the status machine has this edge from the quotation's status and the user's roles may call its route.
   * @param {keyof ReturnType<typeof transitions>['quotation']} action
   */
  const can = (action) =>
    transitions().quotation[action].includes(q.status) && may(`POST /api/quotations/:id/${action}`);
  if (current) {
    if (can('submit')) actions.push(button(t('quotation.submit'), act('submit'), { kind: 'primary' }));
    if (can('approve')) {
      const below = q.lines.some((l) => l.belowFloor);
      actions.push(
        button(
          t('quotation.approve'),
          async () => {
            let reason;
            if (below && overridesGates()) {
              reason = await askText({
                title: t('quotation.approve'),
                label: t('quotation.belowFloorReason'),
                required: true,
              });
              if (reason === null) return;
            }
            await act('approve', reason ? { reason } : {})();
          },
          { kind: 'primary' },
        ),
      );
    }
    if (can('send')) actions.push(button(t('quotation.markSent'), act('send'), { kind: 'primary' }));
    if (can('accept')) actions.push(button(t('quotation.accept'), act('accept'), { kind: 'primary' }));
    if (can('reject')) {
      actions.push(
        button(
          t('quotation.reject'),
          async () => {
            const reason = await askText({ title: t('quotation.reject'), label: t('quotation.rejectReason') });
            if (reason !== null) await act('reject', reason ? { reason } : {})();
          },
          { kind: 'danger' },
        ),
      );
    }
    if (q.status !== 'accepted' && may('PATCH /api/quotations/:id'))
      actions.push(linkButton(t('quotation.revise'), `/app/quotations/${id}/edit`));
    if (q.status === 'accepted' && may('POST /api/contracts'))
      actions.push(linkButton(t('contract.fromQuotation'), `/app/contracts/new?quotationId=${id}`));
  }

  const docArea = h('div');
  const showDocument = (docId) => {
    fill(
      docArea,
      h(
        'div.toolbar',
        button(t('common.downloadPdf'), () => download(`/api/documents/${docId}/file`, { format: 'pdf' })),
        button(t('common.downloadDocx'), () => download(`/api/documents/${docId}/file`, { format: 'docx' })),
      ),
      preview(() => api.blob(`/api/documents/${docId}/file`, { format: 'pdf' }), { title: q.number }),
    );
  };
  const mayRender = q.approval && may('POST /api/quotations/:id/render');
  const documentPanel = mayRender
    ? section(
        t('quotation.document'),
        h('p.muted', t('quotation.documentHelp')),
        h(
          'div.toolbar',
          LANGS.map((locale) =>
            button(
              t('quotation.renderIn', { lang: LANG_NAMES[locale] }),
              async () => {
                const doc = await api.post(`/api/quotations/${id}/render`, {}, { formats: 'pdf,docx', locale });
                ctx.replaceQuery({ doc: doc.id });
                showDocument(doc.id);
              },
              { kind: locale === 'zh-CN' ? 'primary' : '' },
            ),
          ),
        ),
        docArea,
      )
    : null;
  if (mayRender && ctx.query.get('doc')) showDocument(ctx.query.get('doc'));

  fill(
    ctx.el,
    pageHead(`${q.number} · ${q.projectName}`, actions, [
      statusBadge('quotationStatus', q.status),
      link(`/app/customers/${q.customer.id}`, q.customer.name),
      `R${q.revision}/${q.currentRevision}`,
    ]),
    current
      ? null
      : h(
          'div.alert.alert-info',
          t('quotation.oldRevision', { n: q.revision }),
          ' ',
          link(`/app/quotations/${id}`, t('quotation.toCurrent')),
        ),
    section(
      t('common.details'),
      fieldList([
        [t('quotation.issueDate'), q.issueDate],
        [t('quotation.validUntil'), q.validUntil],
        [t('common.currency'), q.currency],
        [t('quotation.delivery'), deliveryText(q.deliveryTerms)],
        [t('quotation.createdBy'), `${q.createdBy.name} · ${fmt.dateTime(q.createdAt)}`],
        q.approval
          ? [
              t('quotation.approval'),
              `${q.approval.by.name} · ${fmt.dateTime(q.approval.at)}${q.approval.reason ? ` · ${q.approval.reason}` : ''}`,
            ]
          : null,
        [t('common.notes'), q.notes],
      ]),
    ),
    onlineAnswerPanel(q),
    section(t('quotation.lines'), linesTable(q.lines, q.currency), totals(q)),
    q.paymentTerms ? section(t('terms.title'), termsTable(q.paymentTerms)) : null,
    documentPanel,
    section(
      t('quotation.revisions'),
      h(
        'div.toolbar',
        q.revisions.map(
          (r) =>
            r.revision === q.revision
              ? h('strong', `R${r.revision}`)
              : link(`/app/quotations/${id}?revision=${r.revision}`, `R${r.revision}`),
          ' ',
        ),
        h('span.muted', q.revisions.map((r) => `R${r.revision}: ${r.issueDate} ${r.createdBy.name}`).join(' · ')),
      ),
    ),
  );
}

/**
 * The acceptance links mailed with the quotation (POST /send with sendTo) and what the customer answered through
 * them: accepted by name and position at a time from an address (with the record page's PDF), or declined with the
 * reason. An accepted quotation says it is locked.
 */
function onlineAnswerPanel(q) {
  if (!q.onlineLinks?.length && q.status !== 'accepted') return null;
  const answers = q.customerAnswers ?? [];
  const items = (q.onlineLinks ?? []).map((l) => {
    const a = answers.find((x) => x.revision === l.revision);
    const line = [
      h(
        'div',
        statusBadge('linkState', l.state),
        ' ',
        t('quotation.linkSentTo', {
          revision: l.revision,
          to: l.sentTo,
          at: fmt.dateTime(l.sentAt),
          until: fmt.dateTime(l.expiresAt),
        }),
      ),
    ];
    if (l.openedAt) line.push(h('div.muted', t('quotation.linkOpened', { at: fmt.dateTime(l.openedAt) })));
    if (a && a.answer === 'accepted') {
      line.push(
        h(
          'div.answer-accepted',
          t('quotation.acceptedBy', {
            name: a.name,
            position: a.position ?? '—',
            at: fmt.dateTime(a.at),
            ip: a.ip ?? '—',
          }),
          a.document.recordVersion
            ? [
                ' · ',
                button(
                  t('quotation.auditPage'),
                  () =>
                    download(`/api/documents/${a.document.id}/file`, {
                      format: 'pdf',
                      version: String(a.document.recordVersion),
                    }),
                  { kind: 'link', name: 'audit-pdf' },
                ),
              ]
            : null,
        ),
      );
    } else if (a) {
      line.push(
        h(
          'div.answer-declined',
          t('quotation.declinedBy', { name: a.name, at: fmt.dateTime(a.at), reason: a.reason ?? '—' }),
        ),
      );
    }
    return h('li', line);
  });
  return section(
    t('quotation.onlineAnswer'),
    q.status === 'accepted' ? h('div.alert.alert-info.quotation-locked', t('quotation.lockedAccepted')) : null,
    items.length ? h('ul.online-links', items) : null,
  );
}

async function edit(ctx, id) {
  const q = id
    ? await api.get(`/api/quotations/${id}`)
    : { currency: 'CNY', issueDate: fmt.today(), validUntil: fmt.today(30), lines: [] };
  const lines = await linesEditor(q.lines);
  const terms = termsEditor(q.paymentTerms ?? undefined);
  if (!ctx.alive()) return;
  const fields = [
    id
      ? null
      : {
          name: 'customerId',
          label: t('common.customer'),
          type: 'custom',
          required: true,
          render: () => {
            const el = lookup({ load: customerLookup, value: ctx.query.get('customerId') ?? '' });
            return { el, get: () => el.getValue() };
          },
        },
    { name: 'projectName', label: t('common.project'), required: true, wide: !!id },
    { name: 'issueDate', label: t('quotation.issueDate'), type: 'date' },
    { name: 'validUntil', label: t('quotation.validUntil'), type: 'date', required: true },
    { name: 'currency', label: t('common.currency') },
    { type: 'heading', name: 'h-lines', label: t('quotation.lines') },
    { name: 'lines', label: '', type: 'custom', wide: true, render: () => ({ el: lines.el, get: lines.get }) },
    { type: 'heading', name: 'h-terms', label: t('terms.title') },
    { name: 'paymentTerms', label: '', type: 'custom', wide: true, render: () => ({ el: terms.el, get: terms.get }) },
    { type: 'heading', name: 'h-delivery', label: t('quotation.delivery') },
    { name: 'deliveryTerms.daysAfterAdvance', label: t('terms.daysAfterAdvanceLabel'), type: 'int', min: 0 },
    { name: 'deliveryTerms.date', label: t('terms.deliveryDate'), type: 'date' },
    { name: 'deliveryTerms.place', label: t('terms.place') },
    {
      name: 'deliveryTerms.incoterm',
      label: 'Incoterm',
      type: 'select',
      options: INCOTERMS.map((v) => ({ value: v, label: v })),
    },
    { name: 'notes', label: t('common.notes'), type: 'textarea', wide: true },
  ];
  const form = formView(fields, q, {
    cancelHref: id ? `/app/quotations/${id}` : '/app/quotations',
    onSubmit: async (v) => {
      const delivery = clean(v.deliveryTerms ?? {});
      const body = clean({ ...v, deliveryTerms: undefined });
      body.deliveryTerms = Object.keys(delivery).length ? delivery : id ? null : undefined;
      if (body.deliveryTerms === undefined) delete body.deliveryTerms;
      if (id && !v.notes) body.notes = null;
      const saved = id ? await api.of(q).patch(`/api/quotations/${id}`, body) : await api.post('/api/quotations', body);
      toast(t('common.saved'));
      navigate(`/app/quotations/${saved.id}`, { replace: true });
    },
  });
  fill(
    ctx.el,
    pageHead(
      id ? t('quotation.editTitle', { number: q.number }) : t('quotation.new'),
      [],
      id && q.status !== 'draft' ? t('quotation.newRevisionNote') : null,
    ),
    form,
  );
}
