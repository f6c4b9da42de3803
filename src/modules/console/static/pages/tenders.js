// @ts-check
// Tenders and the tender workspace: requirements, candidate qualifications and performance records with their
// blocking / warning marks, the hand-picked selection, package generation with job progress, versions,
// downloads (PDF, DOCX, bundle), the PDF inline, and sending to the sales owner; the tender's own section formats
// (投标文件格式): a section's wording edited from the company's markup, saved with If-Match, reset to the company's.
import { fill, h } from '../lib/dom.js';
import { api, ApiError } from '../lib/api.js';
import { enumOptions, LANG_NAMES, LANGS, t, tEnum } from '../lib/i18n.js';
import * as fmt from '../lib/format.js';
import { may, overridesGates, ownerOptions, statusSets, transitions, enumValues } from '../lib/session.js';
import {
  askText,
  badge,
  button,
  clean,
  download,
  errorBox,
  fieldList,
  formView,
  jobProgress,
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
  spinner,
  statusBadge,
  table,
  tabs,
  toast,
} from '../lib/ui.js';
import { QUALIFICATION_TYPES, daysLeft } from './qualifications.js';

const SECTIONS = [
  'cover',
  'toc',
  'bid_letter',
  'opening_summary',
  'itemised_quotation',
  'deviation_table',
  'authorisation',
  'qualifications',
  'performance',
  'credit',
];

export async function render(ctx) {
  const [id, sub] = ctx.params;
  if (!id) return list(ctx);
  if (id === 'new') return edit(ctx, null);
  if (sub === 'edit') return edit(ctx, id);
  return workspace(ctx, id);
}

function deadlineCell(x) {
  const days = Math.ceil((new Date(x.deadline).getTime() - Date.now()) / 86_400_000);
  const open = !statusSets().tenderLocked.includes(x.status);
  return [
    fmt.dateTime(x.deadline),
    open && days >= 0 && days <= 7 ? h('div', badge(t('tender.inDays', { n: days }), 'warn')) : null,
  ];
}

function list(ctx) {
  return listView(ctx, {
    title: t('nav.tenders'),
    actions: [may('POST /api/tenders') ? linkButton(t('tender.new'), '/app/tenders/new', 'primary') : null],
    filters: [
      { name: 'q', label: t('common.search'), placeholder: t('tender.searchHint'), wide: true },
      {
        name: 'status',
        type: 'select',
        label: t('common.status'),
        options: enumOptions('tenderStatus', enumValues('tenderStatus')),
      },
      { name: 'deadlineFrom', type: 'date', label: t('tender.deadlineFrom') },
      { name: 'deadlineTo', type: 'date', label: t('tender.deadlineTo') },
    ],
    load: (q) => api.get('/api/tenders', q),
    columns: [
      { key: 'tenderNo', label: t('tender.no'), className: 'nowrap' },
      {
        key: 'projectName',
        label: t('tender.project'),
        render: (x) => [link(`/app/tenders/${x.id}`, x.projectName), x.lot ? h('div.muted', x.lot) : null],
      },
      { key: 'buyer', label: t('tender.buyer') },
      { key: 'deadline', label: t('tender.deadline'), render: deadlineCell, className: 'nowrap' },
      {
        key: 'quotation',
        label: t('tender.quotation'),
        render: (x) => (x.quotation ? link(`/app/quotations/${x.quotation.id}`, x.quotation.number) : ''),
      },
      { key: 'salesOwner', label: t('tender.owner'), render: (x) => x.salesOwner?.name ?? '' },
      { key: 'status', label: t('common.status'), render: (x) => statusBadge('tenderStatus', x.status) },
    ],
  });
}

// ---- form ----

const pad = (n) => String(n).padStart(2, '0');
/** A Date as the value of a datetime-local input (the browser's time zone). */
function localInput(iso) {
  if (!iso) return '';
  const d = new Date(iso);
  return `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())}T${pad(d.getHours())}:${pad(d.getMinutes())}`;
}
/** A datetime-local value with the browser's offset, so the server does not read it in its own time zone. */
function withOffset(local) {
  if (!local) return '';
  const off = -new Date(local).getTimezoneOffset();
  const sign = off >= 0 ? '+' : '-';
  return `${local.length === 16 ? `${local}:00` : local}${sign}${pad(Math.floor(Math.abs(off) / 60))}:${pad(Math.abs(off) % 60)}`;
}

async function quotationLookup(q) {
  const page = await api.get('/api/quotations', { q, pageSize: 50 });
  return page.items
    .filter((x) => x.status !== 'rejected')
    .map((x) => ({ value: x.id, label: `${x.number} · ${x.customer.name} · ${x.projectName}` }));
}

async function edit(ctx, id) {
  const x = id
    ? await api.get(`/api/tenders/${id}`)
    : {
        bidValidityDays: 90,
        language: 'zh-CN',
        currency: 'CNY',
        bidBond: { status: 'not_required' },
        requirements: { qualificationTypes: [], performance: null },
      };
  const owners = await ownerOptions(x.salesOwner, t('common.me'));
  if (!ctx.alive()) return;
  const values = {
    ...x,
    deadline: localInput(x.deadline),
    salesOwnerId: x.salesOwner?.id ?? '',
    quotationId: x.quotation?.id ?? '',
    perfOn: !!x.requirements?.performance,
    perf: x.requirements?.performance ?? { minCount: 1 },
    qualificationTypes: x.requirements?.qualificationTypes ?? [],
  };
  const fields = [
    { name: 'tenderNo', label: t('tender.no'), required: true },
    { name: 'projectName', label: t('tender.project'), required: true },
    { name: 'lot', label: t('tender.lot') },
    { name: 'buyer', label: t('tender.buyer'), required: true },
    { name: 'agency', label: t('tender.agency') },
    { name: 'deadline', label: t('tender.deadline'), type: 'datetime-local', required: true },
    { name: 'bidValidityDays', label: t('tender.validityDays'), type: 'int', min: 1, max: 365 },
    {
      name: 'language',
      label: t('tender.language'),
      type: 'select',
      required: true,
      options: LANGS.map((l) => ({ value: l, label: LANG_NAMES[l] })),
    },
    {
      name: 'quotationId',
      label: t('tender.quotation'),
      type: 'custom',
      wide: true,
      help: t('tender.quotationHelp'),
      render: () => {
        const el = lookup({ load: quotationLookup, value: values.quotationId, valueLabel: x.quotation?.number });
        return { el, get: () => el.getValue() };
      },
    },
    { name: 'salesOwnerId', label: t('tender.owner'), type: 'select', options: owners },
    { name: 'currency', label: t('common.currency') },
    { type: 'heading', name: 'h-bond', label: t('tender.bidBond') },
    { name: 'bidBond.amount', label: t('tender.bondAmount'), type: 'money' },
    {
      name: 'bidBond.form',
      label: t('tender.bondForm'),
      type: 'select',
      options: enumOptions('bondForm', enumValues('bidBondForm')),
    },
    { name: 'bidBond.bank', label: t('tender.bondBank') },
    {
      name: 'bidBond.status',
      label: t('tender.bondStatus'),
      type: 'select',
      required: true,
      options: enumOptions('bondStatus', enumValues('bidBondStatus')),
    },
    { type: 'heading', name: 'h-rep', label: t('tender.representative') },
    { name: 'representative.name', label: t('tender.repName') },
    { name: 'representative.title', label: t('tender.repTitle') },
    { name: 'representative.idNumber', label: t('tender.repId') },
    { name: 'representative.phone', label: t('tender.repPhone') },
    ...(id
      ? []
      : [
          { type: 'heading', name: 'h-req', label: t('tender.requirements') },
          {
            name: 'qualificationTypes',
            label: t('tender.qualificationTypes'),
            type: 'checkboxes',
            wide: true,
            options: enumOptions('qualificationType', QUALIFICATION_TYPES),
          },
          { name: 'perfOn', label: t('tender.perfRequired'), type: 'checkbox', wide: true },
          {
            name: 'perf.industry',
            label: t('perf.industry'),
            type: 'select',
            options: enumOptions('industry', enumValues('industry')),
          },
          { name: 'perf.productLine', label: t('perf.productLine') },
          { name: 'perf.minAmount', label: t('tender.perfMinAmount'), type: 'money' },
          { name: 'perf.completedWithinYears', label: t('perf.withinYears'), type: 'int', min: 1, max: 50 },
          { name: 'perf.minCount', label: t('tender.perfMinCount'), type: 'int', min: 0, max: 100 },
        ]),
    { name: 'notes', label: t('common.notes'), type: 'textarea', wide: true },
  ];
  const form = formView(fields, values, {
    cancelHref: id ? `/app/tenders/${id}` : '/app/tenders',
    onSubmit: async (v) => {
      const rep = clean(v.representative ?? {}, { nulls: true });
      const bond = clean(v.bidBond ?? {}, { nulls: true });
      const body = clean(
        {
          tenderNo: v.tenderNo,
          projectName: v.projectName,
          lot: v.lot,
          buyer: v.buyer,
          agency: v.agency,
          deadline: withOffset(v.deadline),
          bidValidityDays: v.bidValidityDays,
          language: v.language,
          quotationId: v.quotationId,
          salesOwnerId: v.salesOwnerId,
          currency: v.currency,
          notes: v.notes,
        },
        { nulls: !!id },
      );
      if (id && body.currency === null) delete body.currency;
      if (id && body.bidValidityDays === null) delete body.bidValidityDays;
      body.representative = rep.name ? rep : id ? null : undefined;
      body.bidBond =
        bond.amount || bond.form || bond.bank || bond.status !== 'not_required' ? bond : id ? null : undefined;
      if (!id) {
        body.requirements = { qualificationTypes: v.qualificationTypes, performance: v.perfOn ? clean(v.perf) : null };
      }
      for (const k of Object.keys(body)) if (body[k] === undefined) delete body[k];
      const saved = id ? await api.of(x).patch(`/api/tenders/${id}`, body) : await api.post('/api/tenders', body);
      toast(t('common.saved'));
      navigate(`/app/tenders/${saved.id}`, { replace: true });
    },
  });
  fill(ctx.el, pageHead(id ? `${x.tenderNo} · ${x.projectName}` : t('tender.new')), form);
}

// ---- workspace ----

async function workspace(ctx, id) {
  const x = await api.get(`/api/tenders/${id}`);
  if (!ctx.alive()) return;
  const canWrite = may('PATCH /api/tenders/:id');
  const locked = statusSets().tenderLocked.includes(x.status);
  const move = (status, ask) => async () => {
    let reason;
    if (ask) {
      reason = await askText({ title: tEnum('tenderStatus', status), label: t('common.reason') });
      if (reason === null) return;
    }
    await api.post(`/api/tenders/${id}/status`, reason ? { status, reason } : { status });
    toast(t('common.saved'));
    ctx.reload();
  };
  const actions = [];
  // The moves the server's status machine allows from here (generated is the package's, not a button).
  const next = transitions().tender[x.status];
  if (canWrite) {
    if (!locked) actions.push(linkButton(t('common.edit'), `/app/tenders/${id}/edit`));
    if (may('POST /api/tenders/:id/status')) {
      if (next.includes('submitted')) actions.push(button(t('tender.markSubmitted'), move('submitted')));
      if (next.includes('won')) actions.push(button(t('tender.markWon'), move('won', true)));
      if (next.includes('lost')) actions.push(button(t('tender.markLost'), move('lost', true)));
      if (next.includes('cancelled'))
        actions.push(button(t('tender.cancel'), move('cancelled', true), { kind: 'danger' }));
    }
  }
  const ws = tabs(ctx, [
    { key: 'overview', label: t('tender.tab.overview'), render: () => overview(x) },
    {
      key: 'requirements',
      label: t('tender.tab.requirements'),
      render: () => requirements(ctx, x, canWrite && !locked),
    },
    {
      key: 'candidates',
      label: t('tender.tab.candidates'),
      render: () => candidates(ctx, x, canWrite && !locked, () => ws.refresh('package')),
    },
    {
      key: 'formats',
      label: t('tender.tab.formats'),
      render: () => formatsPanel(ctx, x, may('PUT /api/tenders/:id/formats/:key') && !locked),
    },
    { key: 'package', label: t('tender.tab.package'), render: () => packagePanel(ctx, x, canWrite) },
  ]);
  fill(
    ctx.el,
    pageHead(`${x.projectName}`, actions, [
      statusBadge('tenderStatus', x.status),
      x.tenderNo,
      x.lot,
      `${t('tender.deadline')} ${fmt.dateTime(x.deadline)}`,
    ]),
    ws.el,
  );
}

function overview(x) {
  const bond = x.bidBond;
  return h(
    'div.cols',
    section(
      t('common.details'),
      fieldList(
        [
          [t('tender.no'), x.tenderNo],
          [t('tender.lot'), x.lot],
          [t('tender.buyer'), x.buyer],
          [t('tender.agency'), x.agency],
          [t('tender.deadline'), fmt.dateTime(x.deadline)],
          [t('tender.validityEnd'), `${x.bidValidityDays} ${t('common.days')} · ${x.validityEndDate}`],
          [t('tender.quotation'), x.quotation ? link(`/app/quotations/${x.quotation.id}`, x.quotation.number) : null],
          [
            t('tender.owner'),
            x.salesOwner ? `${x.salesOwner.name}${x.salesOwner.email ? ` <${x.salesOwner.email}>` : ''}` : null,
          ],
          [t('tender.language'), LANG_NAMES[x.language] ?? x.language],
          [t('common.notes'), x.notes],
        ],
        'one',
      ),
    ),
    section(
      t('tender.bidBond'),
      fieldList(
        [
          [t('tender.bondAmount'), bond.amount ? fmt.money(bond.amount, x.currency) : null],
          [t('tender.bondForm'), tEnum('bondForm', bond.form)],
          [t('tender.bondBank'), bond.bank],
          [t('tender.bondStatus'), statusBadge('bondStatus', bond.status)],
        ],
        'one',
      ),
      h('h2', t('tender.representative')),
      fieldList(
        [
          [t('tender.repName'), x.representative?.name],
          [t('tender.repTitle'), x.representative?.title],
          [t('tender.repPhone'), x.representative?.phone],
        ],
        'one',
      ),
    ),
  );
}

function requirements(ctx, x, editable) {
  const r = x.requirements;
  const types = h(
    'div.checks',
    QUALIFICATION_TYPES.map((k) =>
      h(
        'label.check',
        h('input', { type: 'checkbox', value: k, checked: r.qualificationTypes.includes(k), disabled: !editable }),
        tEnum('qualificationType', k),
      ),
    ),
  );
  const perf = r.performance ?? { minCount: 1 };
  const perfOn = h('input', { type: 'checkbox', checked: !!r.performance, disabled: !editable, name: 'perfOn' });
  const perfInputs = {
    industry: h(
      'select',
      { value: perf.industry ?? '', disabled: !editable },
      h('option', { value: '' }, '—'),
      enumOptions('industry', enumValues('industry')).map((o) => h('option', { value: o.value }, o.label)),
    ),
    productLine: h('input', { value: perf.productLine ?? '', disabled: !editable }),
    minAmount: h('input', { value: perf.minAmount ?? '', class: 'num', inputmode: 'decimal', disabled: !editable }),
    completedWithinYears: h('input', {
      type: 'number',
      min: 1,
      max: 50,
      value: perf.completedWithinYears ?? '',
      disabled: !editable,
    }),
    minCount: h('input', { type: 'number', min: 0, max: 100, value: perf.minCount ?? 1, disabled: !editable }),
  };
  // Sections: on or off, in the package's order (up / down).
  const order = [...r.sections, ...SECTIONS.filter((s) => !r.sections.includes(s))];
  const sectionList = h('ol.sections');
  const drawSections = () =>
    fill(
      sectionList,
      order.map((s, i) =>
        h(
          'li',
          h(
            'label.check',
            h('input', {
              type: 'checkbox',
              value: s,
              checked: on.has(s),
              disabled: !editable || s === 'bid_letter',
              onChange: (e) => (e.target.checked ? on.add(s) : on.delete(s)),
            }),
            tEnum('section', s),
          ),
          editable
            ? [
                button('↑', () => (i > 0 && ([order[i - 1], order[i]] = [order[i], order[i - 1]]), drawSections()), {
                  kind: 'link',
                }),
                button(
                  '↓',
                  () => (i < order.length - 1 && ([order[i + 1], order[i]] = [order[i], order[i + 1]]), drawSections()),
                  { kind: 'link' },
                ),
              ]
            : null,
        ),
      ),
    );
  const on = new Set(r.sections);
  drawSections();
  const deviations = rowsEditor({
    columns: [
      { key: 'clause', label: t('deviation.clause'), width: 'm' },
      { key: 'requirement', label: t('deviation.requirement') },
      { key: 'response', label: t('deviation.response') },
      {
        key: 'deviation',
        label: t('deviation.kind'),
        type: 'select',
        required: true,
        options: enumOptions('deviation', enumValues('deviationKind')),
      },
      { key: 'note', label: t('deviation.note') },
    ],
    rows: r.deviations,
    blank: () => ({ deviation: 'none' }),
    addLabel: t('deviation.add'),
  });
  const msg = h('div');
  const save = button(
    t('common.save'),
    async () => {
      const p = {};
      for (const [k, el] of Object.entries(perfInputs))
        if (el.value.trim() !== '')
          p[k] = k === 'completedWithinYears' || k === 'minCount' ? Number(el.value) : el.value.trim();
      const body = {
        requirements: {
          qualificationTypes: [...types.querySelectorAll('input:checked')].map((i) => i.value),
          performance: perfOn.checked ? p : null,
          sections: order.filter((s) => on.has(s)),
          deviations: deviations
            .value()
            .filter((d) => d.clause || d.requirement || d.response)
            .map((d) => clean(d)),
        },
      };
      try {
        await api.of(x).patch(`/api/tenders/${x.id}`, body);
        toast(t('common.saved'));
        ctx.reload();
      } catch (err) {
        fill(msg, errorBox(err));
      }
    },
    { kind: 'primary' },
  );
  return h(
    'div',
    editable ? null : h('div.alert.alert-info', t('tender.lockedNote')),
    section(t('tender.qualificationTypes'), types),
    section(
      t('tender.perfRequirement'),
      h('label.check', perfOn, t('tender.perfRequired')),
      h(
        'div.filters',
        Object.entries(perfInputs).map(([k, el]) => h('label.filter', h('span', t(`tender.perf.${k}`)), el)),
      ),
    ),
    h('div.cols-side', section(t('tender.sections'), sectionList), section(t('tender.deviations'), deviations.el)),
    msg,
    editable ? h('div.form-actions', save) : null,
  );
}

/** Blocking / warning marks of a qualification candidate. */
function marks(c) {
  return h(
    'span.marks',
    c.blocking ? badge(t('tender.mark.blocking'), 'bad') : null,
    c.warning ? badge(t('tender.mark.warning'), 'warn') : null,
    !c.blocking && !c.warning ? badge(t('tender.mark.ok'), 'ok') : null,
  );
}

async function candidates(ctx, x, editable, changed) {
  const c = await api.get(`/api/tenders/${x.id}/candidates`);
  const box = h('div');
  const picks = [];
  const pick = (kind, item) => {
    const el = h('input', {
      type: 'checkbox',
      checked: item.selected,
      disabled: !editable,
      name: `${kind}-pick`,
      value: item.id,
      'aria-label': item.name ?? item.projectName,
    });
    picks.push({ kind, id: item.id, el });
    return el;
  };
  const alerts = [];
  if (c.blocking.length)
    alerts.push(
      h(
        'div.alert.alert-error',
        { dataset: { blocking: String(c.blocking.length) } },
        h('strong', t('tender.blockingTitle')),
        h(
          'ul',
          c.blocking.map((b) =>
            h('li', `${b.name} — ${tEnum('qualificationType', b.type)} · ${t('q.validTo')} ${b.validTo}`),
          ),
        ),
      ),
    );
  if (c.missingTypes.length)
    alerts.push(
      h(
        'div.alert.alert-error',
        t('tender.missingTypes', { types: c.missingTypes.map((k) => tEnum('qualificationType', k)).join('、') }),
      ),
    );
  if (c.warnings.length)
    alerts.push(
      h(
        'div.alert.alert-warn',
        h('strong', t('tender.warningsTitle')),
        h(
          'ul',
          c.warnings.map((w) => h('li', `${w.name} · ${t('q.validTo')} ${w.validTo}`)),
        ),
      ),
    );
  if (!alerts.length) alerts.push(h('div.alert.alert-ok', t('tender.allClear')));

  const groups = c.qualifications.map((g) => {
    const seen = new Set();
    const rows = [...g.valid, ...g.expired].filter((q) => !seen.has(q.id) && seen.add(q.id));
    return h(
      'div.candidate-type',
      h('h3', tEnum('qualificationType', g.type), g.missing ? badge(t('tender.missing'), 'bad') : null),
      table(
        [
          { key: 'pick', label: t('tender.pick'), render: (q) => pick('q', q), align: 'center' },
          { key: 'name', label: t('q.name'), render: (q) => link(`/app/qualifications/${q.id}`, q.name) },
          { key: 'number', label: t('q.number'), render: (q) => q.number ?? '' },
          { key: 'validTo', label: t('q.validTo'), render: (q) => q.validTo ?? t('q.permanent'), className: 'nowrap' },
          {
            key: 'left',
            label: t('common.status'),
            render: (q) => [statusBadge('qualificationStatus', q.status), h('div.muted', daysLeft(q))],
          },
          { key: 'marks', label: t('tender.marks'), render: marks },
          { key: 'scans', label: t('q.scans'), align: 'right', render: (q) => String(q.scans.length) },
        ],
        rows,
        {
          rowClass: (q) => (q.blocking ? 'row-expired' : q.warning ? 'row-expiring' : null),
          empty: t('tender.noCandidates'),
        },
      ),
    );
  });
  const perf = c.performance;
  const perfPart = perf.criteria
    ? section(
        t('tender.perfMatches'),
        h(
          'p',
          perf.minCountMet
            ? badge(t('tender.minCountMet', { n: perf.minCount }), 'ok')
            : badge(t('tender.minCountNotMet', { n: perf.minCount }), 'bad'),
        ),
        table(
          [
            { key: 'pick', label: t('tender.pick'), render: (p) => pick('p', p), align: 'center' },
            {
              key: 'projectName',
              label: t('perf.project'),
              render: (p) => link(`/app/performance/${p.id}`, p.projectName),
            },
            { key: 'customerName', label: t('perf.customer') },
            {
              key: 'amount',
              label: t('perf.amount'),
              align: 'right',
              render: (p) => fmt.money(p.contractAmount, p.currency),
            },
            {
              key: 'completedDate',
              label: t('perf.completed'),
              className: 'nowrap',
              render: (p) => p.completedDate ?? '',
            },
            { key: 'proofs', label: t('perf.proofs'), align: 'right', render: (p) => String(p.proofs.length) },
          ],
          perf.matches,
          { empty: t('tender.noMatches') },
        ),
      )
    : section(t('tender.perfMatches'), h('p.muted', t('tender.noPerfRequirement')));
  const ids = (kind) => picks.filter((p) => p.kind === kind && p.el.checked).map((p) => p.id);
  const save = async (body) => {
    await api.put(`/api/tenders/${x.id}/selection`, body);
    // Saving the selection raised the tender's version: keep the requirements tab's next save from taking it for
    // someone else's change (412).
    x.version = (await api.get(`/api/tenders/${x.id}`)).version;
    toast(t('tender.selectionSaved'));
    changed();
    fill(box, await candidates(ctx, x, editable, changed));
  };
  fill(
    box,
    h('p.muted', t('tender.candidatesHelp', { deadline: c.deadlineDate, end: c.validityEndDate })),
    alerts,
    editable
      ? h(
          'div.toolbar',
          button(t('tender.saveSelection'), () => save({ qualificationIds: ids('q'), performanceIds: ids('p') }), {
            kind: 'primary',
            name: 'save-selection',
          }),
          button(t('tender.useProposal'), () => save({ qualificationIds: null, performanceIds: null })),
          x.selection.qualificationIds || x.selection.performanceIds
            ? h('span.muted', t('tender.handPicked'))
            : h('span.muted', t('tender.proposal')),
        )
      : null,
    section(t('tender.qualificationCandidates'), groups),
    perfPart,
  );
  return box;
}

async function packagePanel(ctx, x, canWrite) {
  const box = h('div');
  const versionsBox = h('div', spinner());
  const genBox = h('div');
  const viewer = h('div');
  const loadVersions = async () => {
    let pkg;
    try {
      pkg = await api.get(`/api/tenders/${x.id}/package`);
    } catch (err) {
      if (err instanceof ApiError && err.code === 'TENDER_PACKAGE_NOT_FOUND')
        return fill(versionsBox, h('p.muted', t('tender.noPackage')));
      return fill(versionsBox, errorBox(err));
    }
    const base = `/api/tenders/${x.id}/package/file`;
    const latest = pkg.versions.find((v) => v.version === pkg.latestVersion) ?? pkg.versions.at(-1);
    fill(
      versionsBox,
      table(
        [
          { key: 'version', label: t('doc.version'), render: (v) => `v${v.version}`, align: 'right' },
          {
            key: 'createdAt',
            label: t('doc.created'),
            render: (v) => `${fmt.dateTime(v.createdAt)} · ${v.createdBy.name}`,
          },
          { key: 'pages', label: t('doc.pages'), align: 'right', render: (v) => String(v.pages ?? '') },
          {
            key: 'signed',
            label: t('doc.signed'),
            render: (v) => (v.signed ? badge(t('doc.signedYes'), 'ok') : badge(t('doc.signedNo'))),
          },
          {
            key: 'override',
            label: t('tender.override'),
            render: (v) => (v.override ? badge(`${t('tender.overrideBy')} ${v.override.by.name}`, 'warn') : ''),
          },
          {
            key: 'warnings',
            label: t('tender.warnings'),
            render: (v) => v.warnings.map((w) => h('div.muted', w.message ?? JSON.stringify(w))),
          },
          {
            key: 'files',
            label: t('doc.files'),
            render: (v) =>
              h(
                'div.actions',
                button(
                  t('common.preview'),
                  () =>
                    fill(
                      viewer,
                      h('h3', `v${v.version}`),
                      preview(() => api.blob(base, { format: 'pdf', version: v.version }), {
                        title: `${x.tenderNo} v${v.version}`,
                      }),
                    ),
                  { kind: 'link', name: `preview-v${v.version}` },
                ),
                v.files.map((f) =>
                  button(f.format.toUpperCase(), () => download(base, { format: f.format, version: v.version }), {
                    kind: 'link',
                    name: `download-${f.format}-v${v.version}`,
                  }),
                ),
              ),
          },
        ],
        [...pkg.versions].reverse(),
      ),
      latest?.sections?.length
        ? h(
            'details',
            h('summary', t('tender.sectionPages', { v: latest.version })),
            table(
              [
                { key: 'title', label: t('tender.section') },
                { key: 'pages', label: t('doc.pages'), render: (s) => `${s.firstPage}–${s.lastPage}` },
              ],
              latest.sections,
            ),
          )
        : null,
      canWrite ? sendForm(ctx, x, pkg) : null,
    );
    if (!viewer.childElementCount && latest)
      fill(
        viewer,
        h('h3', `v${latest.version}`),
        preview(() => api.blob(base, { format: 'pdf', version: latest.version }), { title: x.tenderNo }),
      );
  };
  const generate = async (override) => {
    let job;
    try {
      job = await api.post(`/api/tenders/${x.id}/package`, override ? { override: { reason: override } } : {});
    } catch (err) {
      if (err instanceof ApiError && (err.code === 'QUALIFICATION_EXPIRED' || err.code === 'QUALIFICATION_MISSING'))
        return fill(genBox, refusal(err, generate));
      throw err;
    }
    const progress = jobProgress(ctx, job.id, {
      onDone: async (done) => {
        if (done.status === 'succeeded') {
          toast(t('tender.generated', { v: done.result?.version ?? '' }));
          fill(viewer);
          await loadVersions();
        }
      },
    });
    fill(genBox, progress.el);
  };
  fill(
    box,
    section(
      t('tender.package'),
      may('POST /api/tenders/:id/package') && transitions().tender[x.status].length > 0
        ? h(
            'div.toolbar',
            button(t('tender.generate'), () => generate(null), { kind: 'primary', name: 'generate' }),
            h('span.muted', t('tender.generateHelp')),
          )
        : null,
      genBox,
      versionsBox,
    ),
    viewer,
  );
  await loadVersions();
  return box;
}

/**
 * The tender's own formats: each section with "company's format" or "this tender's format (vN)"; a section's body
 * edited in a textarea starting from the company's markup, saved with If-Match, or reset to the company's; free
 * sections (a title, a position among the sections) added. The server checks each body (422 TEMPLATE_REFUSED lists
 * the problems with line and column).
 */
async function formatsPanel(ctx, x, canWrite) {
  const box = h('div');
  const listBox = h('div', spinner());
  const editor = h('div');
  const base = `/api/tenders/${x.id}/formats`;
  const state = (s) =>
    s.format ? badge(t('tender.formats.own', { v: s.format.version }), 'ok') : badge(t('tender.formats.company'));
  const load = async () => {
    const view = await api.get(base);
    fill(
      listBox,
      table(
        [
          {
            key: 'title',
            label: t('tender.section'),
            render: (s) => [
              s.title,
              s.custom ? h('span.muted', ` · ${t('tender.formats.free')}`) : null,
              s.inPackage ? null : h('span.muted', ` · ${t('tender.formats.notInPackage')}`),
            ],
          },
          { key: 'format', label: t('tender.formats.state'), render: state },
          {
            key: 'updated',
            label: t('common.updatedAt'),
            render: (s) => (s.format ? `${fmt.dateTime(s.format.updatedAt)} · ${s.format.updatedBy.name}` : ''),
          },
          {
            key: 'actions',
            label: '',
            render: (s) =>
              button(canWrite ? t('common.edit') : t('common.details'), () => open(s.key), {
                kind: 'link',
                name: `format-edit-${s.key}`,
              }),
          },
        ],
        view.sections,
      ),
      canWrite
        ? h(
            'div.toolbar',
            button(t('tender.formats.addFree'), () => openFree(view.sections.length), { name: 'format-add' }),
          )
        : null,
    );
  };
  /** The editor of one section: its body (the tender's, else the company's markup), save and reset. */
  const editFormat = (f, free) => {
    const body = h('textarea.mono', { name: 'format-body', rows: 22, spellcheck: 'false', value: f.body });
    const title = free ? h('input', { name: 'format-title', value: f.title ?? '', maxlength: 200 }) : null;
    const key = free && !f.overridden ? h('input', { name: 'format-key', placeholder: 'pledge', maxlength: 40 }) : null;
    const position = free
      ? h('input', { name: 'format-position', type: 'number', min: 0, max: 50, value: f.position ?? '' })
      : null;
    const result = h('div');
    const save = async () => {
      const path = `${base}/${encodeURIComponent(key ? `custom:${key.value.trim()}` : f.key)}`;
      const dto = { body: body.value };
      if (free) Object.assign(dto, { title: title.value, position: Number(position.value) });
      let saved;
      try {
        saved = await api.of(f.overridden ? f : null).put(path, dto);
      } catch (err) {
        return fill(result, problemsBox(err));
      }
      toast(t('tender.formats.saved', { v: saved.version }));
      fill(result, saved.problems?.length ? problemList(t('tender.formats.warnings'), saved.problems) : null);
      await load();
      editFormat(saved, free);
    };
    const reset = async () => {
      await api.of(f).del(`${base}/${encodeURIComponent(f.key)}`);
      toast(t('tender.formats.resetDone'));
      await load();
      fill(editor);
    };
    fill(
      editor,
      section(
        `${f.title} · ${f.overridden ? t('tender.formats.own', { v: f.version }) : t('tender.formats.company')}`,
        h('p.muted', t('tender.formats.help')),
        free
          ? h(
              'div.form-grid',
              key ? h('label.field', h('span', t('tender.formats.freeKey')), key) : null,
              h('label.field', h('span', t('tender.formats.freeTitle')), title),
              h('label.field', h('span', t('tender.formats.position')), position),
            )
          : null,
        h('label.field.wide', h('span', t('tender.formats.body')), body),
        result,
        canWrite
          ? h(
              'div.toolbar',
              button(t('tender.formats.save'), save, { kind: 'primary', name: 'format-save' }),
              f.overridden ? button(t('tender.formats.reset'), reset, { kind: 'danger', name: 'format-reset' }) : null,
              !free && f.body !== f.companyBody
                ? button(t('tender.formats.fromCompany'), () => (body.value = f.companyBody), {
                    name: 'format-from-company',
                  })
                : null,
            )
          : null,
      ),
    );
    body.focus();
  };
  const open = async (key) =>
    editFormat(await api.get(`${base}/${encodeURIComponent(key)}`), key.startsWith('custom:'));
  const openFree = (position) =>
    editFormat(
      {
        key: '',
        title: '',
        body: '<p class="indent"></p>',
        companyBody: '',
        overridden: false,
        version: null,
        position,
      },
      true,
    );
  fill(box, section(t('tender.formats.title'), h('p.muted', t('tender.formats.intro')), listBox), editor);
  await load();
  return box;
}

/** 422 TEMPLATE_REFUSED / TEMPLATE_ERROR: the message and every problem with its line and column. */
function problemsBox(err) {
  const problems = err instanceof ApiError ? (err.details?.problems ?? (err.details?.line ? [err.details] : [])) : [];
  if (!problems.length) return errorBox(err);
  return h('div.alert.alert-error', { role: 'alert' }, h('strong', err.message), problemList(null, problems));
}

function problemList(title, problems) {
  return h(
    'div',
    title ? h('strong', title) : null,
    h(
      'ul',
      problems.map((p) =>
        h(
          'li',
          p.line ? `${t('tender.formats.line', { line: p.line, column: p.column ?? 1 })} · ` : '',
          p.message ?? p.reason,
        ),
      ),
    ),
  );
}

/** QUALIFICATION_EXPIRED / MISSING: what blocks, and for a manager the override with a reason. */
function refusal(err, generate) {
  const d = err.details ?? {};
  return h(
    'div.alert.alert-error',
    h('strong', err.message),
    d.blocking?.length
      ? h(
          'ul',
          d.blocking.map((b) => h('li', `${b.name} · ${t('q.validTo')} ${b.validTo}`)),
        )
      : null,
    d.missingTypes?.length
      ? h('p', t('tender.missingTypes', { types: d.missingTypes.map((k) => tEnum('qualificationType', k)).join('、') }))
      : null,
    overridesGates()
      ? button(
          t('tender.override'),
          async () => {
            const reason = await askText({
              title: t('tender.override'),
              label: t('tender.overrideReason'),
              required: true,
            });
            if (reason) await generate(reason);
          },
          { kind: 'danger' },
        )
      : h('p', t('tender.overrideManagerOnly')),
  );
}

/**
 * The mail queued in the outbox (POST /package/send answers 202 with it): its status, followed on GET /api/outbox/:id
 * until it is sent or failed (the outbox retries while the mail server is down; a failed one is retried from the
 * outbox page), or the page is left.
 */
function queuedMail(ctx, message) {
  const status = h('span');
  const detail = h('span.muted');
  const el = h(
    'div.alert.alert-info',
    { dataset: { outboxMessage: message.id } },
    h('p', t('tender.queued', { to: message.to.join(', '), n: message.attachments.length })),
    h('p', status, ' ', detail),
    h('p.muted', message.attachments.join(', ')),
    link(`/app/outbox?subjectType=tender&subjectId=${encodeURIComponent(message.about.id)}`, t('tender.outboxLink')),
  );
  const show = (m) => {
    el.dataset.status = m.status;
    fill(status, statusBadge('mailStatus', m.status));
    fill(
      detail,
      [
        m.attempts ? t('tender.mailAttempts', { n: m.attempts }) : null,
        m.sentAt ? fmt.dateTime(m.sentAt) : null,
        m.lastError,
      ]
        .filter(Boolean)
        .join(' · '),
    );
  };
  show(message);
  void (async () => {
    let m = message;
    for (
      let wait = 1000;
      ctx.alive() && m.status !== 'sent' && m.status !== 'failed';
      wait = Math.min(wait * 2, 15_000)
    ) {
      await sleep(wait);
      if (!ctx.alive()) return;
      try {
        m = await api.get(`/api/outbox/${message.id}`);
      } catch {
        return; // the status stays as last seen; the outbox page has it
      }
      show(m);
    }
  })();
  return el;
}

function sendForm(ctx, x, pkg) {
  const parts = h(
    'div.checks',
    ['all', ...SECTIONS].map((p) =>
      h(
        'label.check',
        h('input', { type: 'checkbox', value: p, checked: p === 'all' }),
        p === 'all' ? t('tender.sendAll') : tEnum('section', p),
      ),
    ),
  );
  const formats = h(
    'div.checks',
    enumValues('documentFormat').map((f) =>
      h('label.check', h('input', { type: 'checkbox', value: f, checked: f === 'pdf' }), f.toUpperCase()),
    ),
  );
  const out = h('div');
  return h(
    'details.send',
    h('summary', t('tender.send', { to: x.salesOwner?.name ?? '—' })),
    h('p.muted', t('tender.sendHelp')),
    parts,
    formats,
    h(
      'div.toolbar',
      button(
        t('tender.sendNow'),
        async () => {
          const checked = (el) => [...el.querySelectorAll('input:checked')].map((i) => i.value);
          const r = await api.post(`/api/tenders/${x.id}/package/send`, {
            parts: checked(parts),
            formats: checked(formats),
            version: pkg.latestVersion,
          });
          fill(out, queuedMail(ctx, r));
        },
        { kind: 'primary' },
      ),
    ),
    out,
  );
}
