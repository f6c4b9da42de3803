// @ts-check
// Contracts: list, creation from an accepted quotation (or by hand), and the contract page: lines (no prices for
// production), review results, manager approval, change requests, payments and the contact sheet with its
// copies and the sign-off of the signed-in user's department.
import { fill, h } from '../lib/dom.js';
import { api, ApiError } from '../lib/api.js';
import { enumOptions, t, tEnum } from '../lib/i18n.js';
import * as fmt from '../lib/format.js';
import { canSeePrices, may, myDepartments, statusSets, transitions, enumValues } from '../lib/session.js';
import { linesEditor, linesTable, termsEditor, termsTable, totals } from '../lib/commercial.js';
import {
  askText,
  badge,
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
  rowsEditor,
  section,
  sleep,
  statusBadge,
  table,
  tabs,
  toast,
} from '../lib/ui.js';
import { customerLookup } from './quotations.js';
import { deliveryColumns, gatePanel } from './deliveries.js';

export async function render(ctx) {
  const [id, sub] = ctx.params;
  if (!id) return list(ctx);
  if (id === 'new') return create(ctx);
  if (sub === 'edit') return edit(ctx, id);
  return detail(ctx, id);
}

function list(ctx) {
  return listView(ctx, {
    title: t('nav.contracts'),
    actions: [may('POST /api/contracts') ? linkButton(t('contract.new'), '/app/contracts/new', 'primary') : null],
    filters: [
      { name: 'q', label: t('common.search'), placeholder: t('contract.searchHint'), wide: true },
      {
        name: 'status',
        type: 'select',
        label: t('common.status'),
        options: enumOptions('contractStatus', enumValues('contractStatus')),
      },
      { name: 'signedFrom', type: 'date', label: t('contract.signedFrom') },
      { name: 'signedTo', type: 'date', label: t('contract.signedTo') },
    ],
    load: (q) => api.get('/api/contracts', q),
    columns: [
      {
        key: 'number',
        label: t('contract.number'),
        render: (x) => link(`/app/contracts/${x.id}`, x.number),
        className: 'nowrap',
      },
      { key: 'customer', label: t('common.customer'), render: (x) => x.customer.name },
      { key: 'projectName', label: t('common.project') },
      { key: 'projectNumber', label: t('contract.projectNumber'), render: (x) => x.projectNumber ?? '' },
      { key: 'signingDate', label: t('contract.signingDate'), className: 'nowrap' },
      {
        key: 'deliveryDate',
        label: t('contract.deliveryDate'),
        className: 'nowrap',
        render: (x) => x.deliveryDate ?? '',
      },
      {
        key: 'total',
        label: t('common.totalWithTax'),
        align: 'right',
        hidden: !canSeePrices(),
        render: (x) => fmt.money(x.total, x.currency),
      },
      { key: 'status', label: t('common.status'), render: (x) => statusBadge('contractStatus', x.status) },
    ],
  });
}

const configEditor = (items = []) =>
  rowsEditor({
    columns: [
      { key: 'item', label: t('contract.configItem'), width: 'l' },
      { key: 'options', label: t('contract.configOptions') },
    ],
    rows: items.map((c) => ({ item: c.item, options: c.options ?? '' })),
    blank: () => ({}),
    addLabel: t('contract.configAdd'),
  });
const configValue = (editor) =>
  editor
    .value()
    .filter((c) => c.item)
    .map((c) => clean(c));

async function acceptedQuotations(q) {
  const page = await api.get('/api/quotations', { q, status: 'accepted', pageSize: 50 });
  return page.items.map((x) => ({ value: x.id, label: `${x.number} · ${x.customer.name} · ${x.projectName}` }));
}

async function create(ctx) {
  const byHand = ctx.query.get('mode') === 'manual';
  const config = configEditor();
  const lines = byHand ? await linesEditor([]) : null;
  const terms = byHand ? termsEditor() : null;
  if (!ctx.alive()) return;
  const fields = [
    byHand
      ? {
          name: 'customerId',
          label: t('common.customer'),
          type: 'custom',
          required: true,
          render: () => {
            const el = lookup({ load: customerLookup });
            return { el, get: () => el.getValue() };
          },
        }
      : {
          name: 'quotationId',
          label: t('contract.quotation'),
          type: 'custom',
          required: true,
          wide: true,
          help: t('contract.quotationHelp'),
          render: () => {
            const el = lookup({ load: acceptedQuotations, value: ctx.query.get('quotationId') ?? '' });
            return { el, get: () => el.getValue() };
          },
        },
    byHand ? { name: 'projectName', label: t('common.project'), required: true } : null,
    { name: 'number', label: t('contract.number'), help: t('contract.numberHelp') },
    { name: 'signingDate', label: t('contract.signingDate'), type: 'date', required: true },
    { name: 'deliveryDate', label: t('contract.deliveryDate'), type: 'date' },
    byHand ? { type: 'heading', name: 'h-lines', label: t('contract.lines') } : null,
    byHand
      ? { name: 'lines', label: '', type: 'custom', wide: true, render: () => ({ el: lines.el, get: lines.get }) }
      : null,
    byHand ? { type: 'heading', name: 'h-terms', label: t('terms.title') } : null,
    byHand
      ? {
          name: 'paymentTerms',
          label: '',
          type: 'custom',
          wide: true,
          render: () => ({ el: terms.el, get: terms.get }),
        }
      : null,
    { type: 'heading', name: 'h-config', label: t('contract.configuration') },
    {
      name: 'configuration',
      label: '',
      type: 'custom',
      wide: true,
      render: () => ({ el: config.el, get: () => configValue(config) }),
    },
    { name: 'specialRequirements', label: t('contract.special'), type: 'textarea', wide: true },
  ];
  const form = formView(
    fields,
    { signingDate: fmt.today() },
    {
      cancelHref: '/app/contracts',
      onSubmit: async (v) => {
        const body = clean(v);
        if (!body.configuration?.length) delete body.configuration;
        const saved = await api.post('/api/contracts', body);
        toast(t('common.saved'));
        navigate(`/app/contracts/${saved.id}`, { replace: true });
      },
    },
  );
  fill(
    ctx.el,
    pageHead(t('contract.new'), [
      byHand
        ? linkButton(t('contract.fromQuotation'), '/app/contracts/new')
        : linkButton(t('contract.byHand'), '/app/contracts/new?mode=manual'),
    ]),
    form,
  );
}

async function edit(ctx, id) {
  const c = await api.get(`/api/contracts/${id}`);
  const lines = await linesEditor(c.lines);
  const terms = termsEditor(c.paymentTerms);
  const config = configEditor(c.configuration);
  if (!ctx.alive()) return;
  const form = formView(
    [
      { name: 'projectName', label: t('common.project'), required: true },
      { name: 'number', label: t('contract.number') },
      { name: 'signingDate', label: t('contract.signingDate'), type: 'date', required: true },
      { name: 'deliveryDate', label: t('contract.deliveryDate'), type: 'date' },
      { type: 'heading', name: 'h-lines', label: t('contract.lines') },
      { name: 'lines', label: '', type: 'custom', wide: true, render: () => ({ el: lines.el, get: lines.get }) },
      { type: 'heading', name: 'h-terms', label: t('terms.title') },
      { name: 'paymentTerms', label: '', type: 'custom', wide: true, render: () => ({ el: terms.el, get: terms.get }) },
      { type: 'heading', name: 'h-config', label: t('contract.configuration') },
      {
        name: 'configuration',
        label: '',
        type: 'custom',
        wide: true,
        render: () => ({ el: config.el, get: () => configValue(config) }),
      },
      { name: 'specialRequirements', label: t('contract.special'), type: 'textarea', wide: true },
    ],
    c,
    {
      cancelHref: `/app/contracts/${id}`,
      onSubmit: async (v) => {
        const body = clean(v, { nulls: true });
        if (body.number === null) delete body.number;
        await api.of(c).patch(`/api/contracts/${id}`, body);
        toast(t('common.saved'));
        navigate(`/app/contracts/${id}`, { replace: true });
      },
    },
  );
  fill(ctx.el, pageHead(t('contract.editTitle', { number: c.number }), [], t('contract.editNote')), form);
}

async function detail(ctx, id) {
  const c = await api.get(
    `/api/contracts/${id}`,
    ctx.query.get('revision') ? { revision: ctx.query.get('revision') } : undefined,
  );
  if (!ctx.alive()) return;
  const canWrite = may('PATCH /api/contracts/:id');
  /** @param {keyof ReturnType<typeof transitions>['contract']} action */
  const from = (action) => transitions().contract[action].includes(c.status);
  const act = (path, body) => async () => {
    await api.post(`/api/contracts/${id}/${path}`, body ?? {});
    toast(t('common.saved'));
    ctx.reload();
  };
  const withReason = (path, title) => async () => {
    const reason = await askText({ title, label: t('common.reason'), required: true });
    if (reason) await act(path, { reason })();
  };
  const actions = [];
  if (canWrite && from('review')) {
    actions.push(
      button(t('contract.review'), act('review'), { kind: 'primary', name: 'review' }),
      linkButton(t('common.edit'), `/app/contracts/${id}/edit`),
    );
  }
  if (from('approve') && may('POST /api/contracts/:id/approve'))
    actions.push(button(t('contract.approve'), withReason('approve', t('contract.approve')), { kind: 'primary' }));
  if (from('complete') && may('POST /api/contracts/:id/complete'))
    actions.push(button(t('contract.complete'), act('complete')));
  if (from('cancel') && may('POST /api/contracts/:id/cancel'))
    actions.push(button(t('contract.cancel'), withReason('cancel', t('contract.cancel')), { kind: 'danger' }));
  if (statusSets().contractPayable.includes(c.status) && may('POST /api/payments'))
    actions.push(linkButton(t('payment.new'), `/app/payments/new?contractId=${id}&customerId=${c.customer.id}`));

  const ws = tabs(ctx, [
    { key: 'contract', label: t('contract.tab.contract'), render: () => contractPanel(c) },
    {
      key: 'review',
      label: t('contract.tab.review'),
      hidden: !('review' in c) && !canSeePrices(),
      render: () => reviewPanel(c),
    },
    { key: 'sheet', label: t('contract.tab.sheet'), render: () => sheetPanel(ctx, c) },
    { key: 'changes', label: t('contract.tab.changes'), render: () => changesPanel(ctx, c) },
    { key: 'deliveries', label: t('contract.tab.deliveries'), render: () => deliveriesPanel(c) },
    {
      key: 'payments',
      label: t('contract.tab.payments'),
      hidden: !may('GET /api/payments'),
      render: () => paymentsPanel(c),
    },
  ]);
  fill(
    ctx.el,
    pageHead(`${c.number} · ${c.projectName}`, actions, [
      statusBadge('contractStatus', c.status),
      link(`/app/customers/${c.customer.id}`, c.customer.name),
      c.projectNumber ? `${t('contract.projectNumber')} ${c.projectNumber}` : null,
      `R${c.revision}`,
    ]),
    c.review && !c.review.passed && c.status === 'review_failed'
      ? h('div.alert.alert-error', t('contract.reviewFailedNote'))
      : null,
    ws.el,
  );
}

function contractPanel(c) {
  return h(
    'div',
    section(
      t('common.details'),
      fieldList([
        [
          t('contract.quotation'),
          c.quotation
            ? link(`/app/quotations/${c.quotation.id}`, `${c.quotation.number} R${c.quotation.revision}`)
            : t('contract.noQuotation'),
        ],
        [t('contract.signingDate'), c.signingDate],
        [t('contract.projectNumber'), c.projectNumber],
        [t('contract.deliveryDate'), c.deliveryDate],
        [t('common.currency'), c.currency],
        [t('contract.createdBy'), `${c.createdBy.name} · ${fmt.dateTime(c.createdAt)}`],
        c.approval
          ? [t('contract.approval'), `${c.approval.by.name} · ${fmt.dateTime(c.approval.at)} · ${c.approval.reason}`]
          : null,
        [t('contract.special'), c.specialRequirements],
      ]),
    ),
    section(t('contract.lines'), linesTable(c.lines, c.currency), totals(c)),
    c.paymentTerms ? section(t('terms.title'), termsTable(c.paymentTerms)) : null,
    section(
      t('contract.configuration'),
      table(
        [
          { key: 'item', label: t('contract.configItem') },
          { key: 'options', label: t('contract.configOptions'), render: (x) => x.options ?? '' },
        ],
        c.configuration,
      ),
    ),
    section(
      t('contract.revisions'),
      h(
        'div.toolbar',
        c.revisions.map((r) => [
          r.revision === c.revision
            ? h('strong', `R${r.revision}`)
            : link(`/app/contracts/${c.id}?revision=${r.revision}`, `R${r.revision}`),
          h('span.muted', ` ${fmt.date(r.createdAt)} ${r.createdBy.name} `),
        ]),
      ),
    ),
  );
}

function reviewPanel(c) {
  if (!c.review) return section(t('contract.tab.review'), h('p.muted', t('contract.notReviewed')));
  const r = c.review;
  const show = (v) => (v === null || v === undefined ? '' : typeof v === 'object' ? JSON.stringify(v) : String(v));
  return section(
    t('contract.reviewResult'),
    h(
      'p',
      r.passed ? badge(t('contract.reviewPassed'), 'ok') : badge(t('contract.reviewFailed'), 'bad'),
      ' ',
      h('span.muted', `${t('contract.reviewedBy')} ${r.by.name} · ${fmt.dateTime(r.at)} · R${r.revision}`),
    ),
    table(
      [
        {
          key: 'passed',
          label: t('contract.check'),
          render: (x) => (x.passed ? badge('✓', 'ok') : badge('✗', 'bad')),
          align: 'center',
        },
        { key: 'check', label: t('contract.checkName'), render: (x) => h('code', x.check) },
        { key: 'quotation', label: t('contract.inQuotation'), render: (x) => show(x.quotation) },
        { key: 'contract', label: t('contract.inContract'), render: (x) => show(x.contract) },
        { key: 'message', label: t('contract.checkMessage') },
      ],
      r.checks,
      { rowClass: (x) => (x.passed ? null : 'row-expired'), className: 'review' },
    ),
    c.approval
      ? h('div.alert.alert-info', t('contract.approvedDespite', { by: c.approval.by.name, reason: c.approval.reason }))
      : null,
  );
}

async function sheetPanel(ctx, c) {
  let sheet;
  try {
    sheet = await api.get(`/api/contracts/${c.id}/contact-sheet`);
  } catch (err) {
    if (err instanceof ApiError && err.code === 'CONTACT_SHEET_NOT_FOUND')
      return section(t('sheet.title'), h('p.muted', t('sheet.notIssued')));
    throw err;
  }
  const box = h('div');
  const draw = (s) => {
    const rendering = s.status === 'open' && s.copies.some((cp) => cp.files.length === 0);
    const signable = s.status === 'open' && !s.superseded;
    const mine = myDepartments();
    // A department signs once its own copy is there (the API answers CONTACT_SHEET_NOT_ISSUED before).
    const issued = (d) => s.copies.some((cp) => cp.department === d && cp.files.length > 0);
    const viewer = h('div');
    fill(
      box,
      section(
        t('sheet.title'),
        h(
          'p',
          statusBadge('sheetStatus', s.status),
          ' ',
          t('sheet.version', { v: s.version }),
          ' · ',
          `${t('contract.projectNumber')} ${s.projectNumber}`,
          ' · ',
          h('span.muted', `${t('sheet.issued')} ${fmt.dateTime(s.issuedAt)} ${s.issuedBy.name}`),
        ),
        rendering ? h('div.alert.alert-info', t('sheet.rendering')) : null,
        h(
          'div.signoffs',
          s.signoffs.map((so) =>
            h(
              'div.signoff',
              { class: so.signed ? 'done' : null, dataset: { department: so.department, signed: String(so.signed) } },
              h('h3', tEnum('department', so.department)),
              so.signed
                ? [
                    h('div', badge(t('sheet.signed'), 'ok'), ' ', so.name),
                    h('div.muted', fmt.dateTime(so.signedAt)),
                    so.comment ? h('div', so.comment) : null,
                  ]
                : h('div.muted', t('sheet.waiting')),
              !so.signed && signable && mine.includes(so.department) && issued(so.department)
                ? button(
                    t('sheet.sign', { dept: tEnum('department', so.department) }),
                    async () => {
                      const comment = await askText({
                        title: t('sheet.sign', { dept: tEnum('department', so.department) }),
                        label: t('sheet.comment'),
                        okLabel: t('sheet.signOk'),
                      });
                      if (comment === null) return;
                      const r = await api.post(
                        `/api/contracts/${c.id}/contact-sheet/sign`,
                        clean({ department: so.department, comment }),
                      );
                      toast(r.complete ? t('sheet.completed') : t('sheet.signedToast'));
                      draw(r.contactSheet);
                    },
                    { kind: 'primary', name: `sign-${so.department}` },
                  )
                : null,
            ),
          ),
        ),
      ),
      section(
        t('sheet.copies'),
        table(
          [
            { key: 'department', label: t('sheet.copy'), render: (cp) => tEnum('copy', cp.department) },
            {
              key: 'version',
              label: t('doc.version'),
              render: (cp) => (cp.latestVersion ? `v${cp.latestVersion}` : ''),
            },
            {
              key: 'files',
              label: t('doc.files'),
              render: (cp) =>
                cp.files.length
                  ? h(
                      'div.actions',
                      cp.files.some((f) => f.format === 'pdf')
                        ? button(
                            t('common.preview'),
                            () =>
                              fill(
                                viewer,
                                h('h3', tEnum('copy', cp.department)),
                                preview(() => api.blob(cp.files.find((f) => f.format === 'pdf').url)),
                              ),
                            { kind: 'link', name: `preview-${cp.department}` },
                          )
                        : null,
                      cp.files.map((f) => button(f.format.toUpperCase(), () => download(f.url), { kind: 'link' })),
                    )
                  : h('span.muted', t('sheet.copyPending')),
            },
          ],
          s.copies,
        ),
        viewer,
      ),
      s.mailings?.length
        ? section(
            t('sheet.mailings'),
            table(
              [
                { key: 'department', label: t('sheet.copy'), render: (m) => tEnum('department', m.department) },
                { key: 'stage', label: t('sheet.stage'), render: (m) => tEnum('sheetStage', m.stage) },
                // Each row is an outbox message (sent, retried and sent again by hand on the outbox page).
                {
                  key: 'to',
                  label: t('sheet.address'),
                  render: (m) => (m.to.length ? m.to.join(', ') : h('span.muted', t('sheet.noAddress'))),
                },
                { key: 'status', label: t('common.status'), render: (m) => statusBadge('mailStatus', m.status) },
                { key: 'attempts', label: t('outbox.attempts'), render: (m) => (m.outboxMessageId ? m.attempts : '') },
                {
                  key: 'sentAt',
                  label: t('outbox.sentAt'),
                  render: (m) => (m.sentAt ? fmt.dateTime(m.sentAt) : ''),
                },
                { key: 'lastError', label: t('sheet.error'), render: (m) => m.lastError ?? '' },
              ],
              s.mailings,
            ),
          )
        : null,
      s.versions.length > 1
        ? section(
            t('sheet.versions'),
            table(
              [
                { key: 'version', label: t('doc.version'), render: (v) => `v${v.version}` },
                { key: 'contractRevision', label: t('contract.revision'), render: (v) => `R${v.contractRevision}` },
                {
                  key: 'status',
                  label: t('common.status'),
                  render: (v) => [
                    statusBadge('sheetStatus', v.status),
                    v.superseded ? badge(t('sheet.superseded')) : null,
                  ],
                },
                { key: 'issuedAt', label: t('sheet.issued'), render: (v) => fmt.dateTime(v.issuedAt) },
              ],
              s.versions,
            ),
          )
        : null,
    );
    if (rendering) void waitForCopies();
  };
  // The copies render in a job after the payment: look again until they are there (or the page is left).
  let waiting = false;
  const waitForCopies = async () => {
    if (waiting) return;
    waiting = true;
    for (let i = 0; i < 120 && ctx.alive(); i++) {
      await sleep(1500);
      const s = await api.get(`/api/contracts/${c.id}/contact-sheet`);
      if (!s.copies.some((cp) => cp.files.length === 0)) {
        waiting = false;
        if (ctx.alive()) draw(s);
        return;
      }
    }
    waiting = false;
  };
  draw(sheet);
  return box;
}

async function changesPanel(ctx, c) {
  const changes = await api.get(`/api/contracts/${c.id}/changes`);
  const decide = (ch, verb, required) => async () => {
    const reason = await askText({ title: t(`change.${verb}`), label: t('common.reason'), required });
    if (reason === null) return;
    await api.post(`/api/contracts/${c.id}/changes/${ch.id}/${verb}`, reason ? { reason } : {});
    toast(t('common.saved'));
    ctx.reload();
  };
  const describe = (op) =>
    op.op === 'remove'
      ? t('change.opRemove', { n: op.line })
      : op.op === 'add'
        ? t('change.opAdd', { name: op.line?.name ?? op.line?.productId ?? '' })
        : t('change.opReplace', { n: op.line });
  const canAsk = may('POST /api/contracts/:id/changes') && transitions().contract.change.includes(c.status);
  return h(
    'div',
    section(
      t('contract.tab.changes'),
      table(
        [
          {
            key: 'createdAt',
            label: t('change.asked'),
            render: (ch) => `${fmt.dateTime(ch.requestedAt)} ${ch.requestedBy.name}`,
          },
          {
            key: 'operations',
            label: t('change.what'),
            render: (ch) =>
              h(
                'ul',
                (ch.operations ?? []).map((op) => h('li', describe(op))),
                ch.deliveryDate ? h('li', `${t('contract.deliveryDate')} → ${ch.deliveryDate}`) : null,
              ),
          },
          {
            key: 'reason',
            label: t('common.reason'),
            render: (ch) => [
              ch.reason,
              ch.decisionReason ? h('div.muted', `${ch.decidedBy?.name ?? ''}: ${ch.decisionReason}`) : null,
            ],
          },
          { key: 'status', label: t('common.status'), render: (ch) => statusBadge('changeStatus', ch.status) },
          {
            key: 'decide',
            label: '',
            render: (ch) =>
              ch.status === 'pending' && may('POST /api/contracts/:id/changes/:changeId/approve')
                ? h(
                    'div.actions',
                    button(t('change.approve'), decide(ch, 'approve', false), { kind: 'primary' }),
                    button(t('change.reject'), decide(ch, 'reject', true), { kind: 'danger' }),
                  )
                : '',
          },
        ],
        changes,
        { empty: t('change.none') },
      ),
    ),
    canAsk ? await changeForm(ctx, c) : null,
  );
}

async function changeForm(ctx, c) {
  const add = await linesEditor([]);
  const ops = rowsEditor({
    columns: [
      {
        key: 'op',
        label: t('change.op'),
        type: 'select',
        required: true,
        options: [
          { value: 'remove', label: t('change.remove') },
          { value: 'replace', label: t('change.replaceQty') },
        ],
      },
      { key: 'line', label: t('change.lineNo'), type: 'number', width: 's' },
      { key: 'qty', label: t('line.qty'), width: 's' },
      { key: 'unitPrice', label: t('line.unitPrice'), width: 'm' },
    ],
    rows: [],
    blank: () => ({ op: 'replace' }),
    addLabel: t('change.addOp'),
  });
  const form = formView(
    [
      {
        name: 'ops',
        label: t('change.lineOps'),
        type: 'custom',
        wide: true,
        render: () => ({ el: ops.el, get: () => ops.value() }),
      },
      {
        name: 'add',
        label: t('change.addLines'),
        type: 'custom',
        wide: true,
        help: t('change.addHelp'),
        render: () => ({ el: add.el, get: add.get }),
      },
      { name: 'deliveryDate', label: t('contract.deliveryDate'), type: 'date' },
      { name: 'specialRequirements', label: t('contract.special'), type: 'textarea', wide: true },
      { name: 'reason', label: t('common.reason'), type: 'textarea', required: true, wide: true },
    ],
    {},
    {
      submitLabel: t('change.ask'),
      onSubmit: async (v) => {
        const operations = [
          ...v.ops
            .filter((o) => o.line)
            .map((o) =>
              o.op === 'remove'
                ? { op: 'remove', line: Number(o.line) }
                : { op: 'replace', line: Number(o.line), with: replacement(c, o) },
            ),
          ...v.add.filter((l) => l.productId || l.name).map((line) => ({ op: 'add', line })),
        ];
        await api.post(
          `/api/contracts/${c.id}/changes`,
          clean({
            operations,
            deliveryDate: v.deliveryDate,
            specialRequirements: v.specialRequirements,
            reason: v.reason,
          }),
        );
        toast(t('change.asked'));
        ctx.reload();
      },
    },
  );
  return section(t('change.new'), form);
}

/** What line n becomes: the same product (or text) and prices, with the quantity and price given. */
function replacement(c, o) {
  const l = c.lines.find((x) => x.line === Number(o.line));
  const out = {};
  if (l?.productId) out.productId = l.productId;
  else if (l) Object.assign(out, { name: l.name, unit: l.unit });
  if (l?.specification) out.specification = l.specification;
  if (l?.unitPrice !== undefined)
    Object.assign(out, { unitPrice: l.unitPrice, discount: l.discount, taxRate: l.taxRate });
  out.qty = o.qty || l?.qty;
  if (o.unitPrice) out.unitPrice = o.unitPrice;
  return out;
}

/** The contract's delivery notices, what remains to deliver, and the payment gate (shares due before delivery). */
async function deliveriesPanel(c) {
  const [notices, remaining, gate] = await Promise.all([
    api.get('/api/deliveries', { contractId: c.id, pageSize: 100 }),
    api.get('/api/deliveries/remaining', { contractId: c.id }),
    gatePanel(c.id),
  ]);
  const canIssue =
    may('POST /api/deliveries') &&
    statusSets().contractShippable.includes(c.status) &&
    remaining.lines.some((l) => Number(l.remaining) > 0);
  return h(
    'div',
    section(
      t('contract.tab.deliveries'),
      canIssue
        ? h('div.toolbar', linkButton(t('delivery.new'), `/app/deliveries/new?contractId=${c.id}`, 'primary'))
        : null,
      table(
        deliveryColumns().filter((col) => col.key !== 'contract' && col.key !== 'customer'),
        notices.items,
        { empty: t('delivery.none') },
      ),
    ),
    section(
      t('delivery.remainingTitle'),
      remaining.fullyDelivered ? h('p', badge(t('delivery.fullyDelivered'), 'ok')) : null,
      table(
        [
          { key: 'line', label: '#', align: 'right' },
          { key: 'name', label: t('line.name') },
          { key: 'ordered', label: t('delivery.ordered'), align: 'right', render: (l) => `${l.ordered} ${l.unit}` },
          { key: 'issued', label: t('delivery.issuedQty'), align: 'right' },
          { key: 'shipped', label: t('delivery.shippedQty'), align: 'right' },
          { key: 'delivered', label: t('delivery.deliveredQty'), align: 'right' },
          { key: 'remaining', label: t('delivery.remaining'), align: 'right' },
        ],
        remaining.lines,
      ),
    ),
    gate,
  );
}

async function paymentsPanel(c) {
  const page = await api.get('/api/payments', { contractId: c.id, pageSize: 100 });
  return section(
    t('contract.tab.payments'),
    table(
      [
        { key: 'date', label: t('payment.date'), render: (p) => link(`/app/payments/${p.id}`, p.date) },
        { key: 'nature', label: t('payment.nature'), render: (p) => statusBadge('paymentNature', p.nature) },
        { key: 'method', label: t('payment.method'), render: (p) => tEnum('paymentMethod', p.method) },
        { key: 'amount', label: t('payment.amount'), align: 'right', render: (p) => fmt.money(p.amount, p.currency) },
        { key: 'reference', label: t('payment.reference'), render: (p) => p.reference ?? '' },
      ],
      page.items,
      { empty: t('payment.none') },
    ),
  );
}
