// @ts-check
// The console's building blocks: page heads, lists with filters, tables, forms, uploads, previews, downloads,
// job progress and dialogs. Pages compose these; none of them knows about a particular record type.
import { append, fill, h } from './dom.js';
import { api, ApiError } from './api.js';
import { t, tEnum } from './i18n.js';

// ---- navigation (app.js installs the router) ----

/** @typedef {{ navigate: (path: string, opts?: { replace?: boolean }) => void }} Router */
/** @type {Router} */
let router = { navigate: (path) => location.assign(path) };
/** @param {Router} r */
export function setRouter(r) {
  router = r;
}
/** @type {Router['navigate']} */
export const navigate = (path, opts) => router.navigate(path, opts);
export const link = (href, ...children) => h('a', { href }, ...children);
export const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

// ---- messages ----

export function errorMessage(err) {
  if (!(err instanceof ApiError)) return String(err?.message ?? err);
  const key = `error.${err.code}`;
  const known = t(key);
  return known === key ? err.message : known;
}

export function toast(message, kind = 'ok') {
  let host = document.getElementById('toasts');
  if (!host) host = document.body.appendChild(h('div', { id: 'toasts', 'aria-live': 'polite' }));
  const el = h('div', { class: `toast toast-${kind}`, role: kind === 'error' ? 'alert' : 'status' }, message);
  host.append(el);
  setTimeout(() => el.remove(), kind === 'error' ? 9000 : 4000);
}

export function showError(err) {
  if (!(err instanceof ApiError)) console.error(err);
  toast(isStale(err) ? staleNotice() : errorMessage(err), 'error');
}

/** 412 STALE_RECORD: someone else saved the record after this page read it. */
const isStale = (err) => err instanceof ApiError && err.code === 'STALE_RECORD';

/** "Changed by someone else — reload", with the reload (the page again, with the record as it is now). */
function staleNotice() {
  return h(
    'span.stale-record',
    h('strong', t('error.STALE_RECORD')),
    ' ',
    button(t('common.reload'), () => navigate(location.pathname + location.search, { replace: true }), {
      name: 'reload-record',
    }),
  );
}

/** An error as a block: the message, its code, and the fields a validation error names. */
export function errorBox(err) {
  const fields = err instanceof ApiError ? err.details?.fields : null;
  if (isStale(err)) return h('div.alert.alert-error', { role: 'alert' }, staleNotice());
  return h(
    'div.alert.alert-error',
    { role: 'alert' },
    h('strong', errorMessage(err)),
    err instanceof ApiError ? h('code.err-code', err.code) : null,
    Array.isArray(fields) && fields.length
      ? h(
          'ul',
          fields.map((f) => h('li', `${f.field}: ${(f.messages ?? []).join('; ')}`)),
        )
      : null,
  );
}

export const spinner = () => h('div.spinner', { 'aria-busy': 'true' }, t('common.loading'));
export const muted = (s) => h('span.muted', s);

// ---- small pieces ----

/** A button running an async action: disabled while it runs, its error shown as a toast. */
/**
 * @param {any} label
 * @param {((e: Event) => unknown) | null} onClick
 * @param {{ kind?: string, disabled?: boolean, title?: string, type?: string, name?: string }} [opts]
 */
export function button(label, onClick, { kind = '', disabled = false, title, type = 'button', name } = {}) {
  const b = h('button', { type, class: kind ? `btn btn-${kind}` : 'btn', disabled, title, name });
  append(b, label);
  if (onClick) {
    b.addEventListener('click', async (e) => {
      if (b.classList.contains('busy')) return;
      b.classList.add('busy');
      b.disabled = true;
      try {
        await onClick(e);
      } catch (err) {
        showError(err);
      } finally {
        b.classList.remove('busy');
        b.disabled = false;
      }
    });
  }
  return b;
}

export const linkButton = (label, href, kind = '') => h('a', { href, class: kind ? `btn btn-${kind}` : 'btn' }, label);

const BADGE_KINDS = {
  ok: [
    'valid',
    'approved',
    'accepted',
    'active',
    'succeeded',
    'complete',
    'won',
    'sent',
    'paid',
    'returned',
    'confirmed',
    'signed',
    'true',
    'generated',
    'completed',
    'delivered',
    'passed',
  ],
  warn: [
    'expiring',
    'submitted',
    'review_failed',
    'retrying',
    'queued',
    'running',
    'to_pay',
    'open',
    'preparing',
    'sending',
    'pending',
    'disputed',
    'no_email',
  ],
  bad: ['expired', 'rejected', 'failed', 'cancelled', 'lost', 'forfeited', 'blocking', 'false'],
};
const kindOf = (v) => Object.keys(BADGE_KINDS).find((k) => BADGE_KINDS[k].includes(String(v))) ?? 'muted';

export const badge = (label, kind = 'muted') => h('span', { class: `badge badge-${kind}` }, label);
/** An enum value as a coloured badge: statusBadge('quotationStatus', 'draft'). */
export const statusBadge = (group, value) => badge(tEnum(group, value), kindOf(value));

export function pageHead(title, actions = [], sub = null) {
  // Each part of the sub-title its own box, so that the flex gap separates them.
  const parts = [sub].flat(Infinity).filter((x) => x !== null && x !== undefined && x !== false && x !== '');
  return h(
    'div.page-head',
    h(
      'div.titles',
      h('h1', title),
      parts.length
        ? h(
            'div.sub',
            parts.map((x) => (x instanceof Node ? x : h('span', String(x)))),
          )
        : null,
    ),
    h('div.actions', actions),
  );
}

export function section(title, ...children) {
  return h('section.panel', title ? h('h2', title) : null, ...children);
}

/** A definition list of [label, value] pairs; falsy pairs are left out, empty values shown as a dash. */
export function fieldList(pairs, cls = '') {
  return h(
    'dl.fields',
    { class: cls },
    pairs
      .filter(Boolean)
      .map(([label, value]) => [
        h('dt', label),
        h('dd', value === null || value === undefined || value === '' ? '—' : value),
      ]),
  );
}

// ---- tables and lists ----

/**
 * columns: [{ key, label, render(row), align: 'right'|'center', hidden, className }]; hidden columns are not
 * drawn at all (a production user's price columns do not exist, not even empty).
 */
/**
 * @param {any[]} columns
 * @param {any[]} rows
 * @param {{ empty?: string, rowClass?: (row: any) => string | null, className?: string }} [opts]
 */
export function table(columns, rows, { empty, rowClass, className } = {}) {
  const cols = columns.filter((c) => c && !c.hidden);
  const cell = (c, r) => (c.render ? c.render(r) : (r[c.key] ?? ''));
  return h(
    'div.table-wrap',
    h(
      'table.data',
      { class: className },
      h(
        'thead',
        h(
          'tr',
          cols.map((c) => h('th', { class: c.align ? `a-${c.align}` : null, scope: 'col' }, c.label)),
        ),
      ),
      h(
        'tbody',
        rows.length
          ? rows.map((r) =>
              h(
                'tr',
                { class: rowClass?.(r) ?? null },
                cols.map((c) =>
                  h(
                    'td',
                    { class: [c.align ? `a-${c.align}` : '', c.className ?? ''].join(' ').trim() || null },
                    cell(c, r),
                  ),
                ),
              ),
            )
          : h('tr', h('td.empty', { colspan: String(cols.length) }, empty ?? t('common.empty'))),
      ),
    ),
  );
}

export function pager({ page, pageSize, total }, go) {
  const pages = Math.max(1, Math.ceil(total / pageSize));
  return h(
    'div.pager',
    h('span', t('list.total', { n: total })),
    button('‹', () => go(page - 1), { disabled: page <= 1, title: t('list.prev') }),
    h('span.pages', `${page} / ${pages}`),
    button('›', () => go(page + 1), { disabled: page >= pages, title: t('list.next') }),
  );
}

function filterInput(f, value) {
  switch (f.type) {
    case 'select':
      return h(
        'select',
        { name: f.name, value: value ?? '' },
        h('option', { value: '' }, f.allLabel ?? t('common.all')),
        f.options.map((o) => h('option', { value: o.value }, o.label)),
      );
    case 'checkbox':
      return h('input', { type: 'checkbox', name: f.name, checked: value === 'true' });
    case 'date':
      return h('input', { type: 'date', name: f.name, value: value ?? '' });
    case 'number':
      return h('input', {
        type: 'number',
        name: f.name,
        value: value ?? '',
        min: f.min,
        max: f.max,
        step: f.step ?? '1',
        class: 'narrow',
      });
    default:
      return h('input', {
        type: 'search',
        name: f.name,
        value: value ?? '',
        placeholder: f.placeholder ?? '',
        class: f.wide ? 'wide' : null,
      });
  }
}

function filterBar(filters, query, apply) {
  if (!filters.length) return null;
  const inputs = filters.map((f) => [f, filterInput(f, query[f.name])]);
  const collect = () => {
    const out = {};
    for (const [f, el] of inputs) {
      const v = f.type === 'checkbox' ? (el.checked ? 'true' : '') : el.value.trim();
      if (v !== '') out[f.name] = v;
    }
    return out;
  };
  for (const [f, el] of inputs)
    if (f.type === 'select' || f.type === 'checkbox' || f.type === 'date')
      el.addEventListener('change', () => apply(collect()));
  return h(
    'form.filters',
    { role: 'search', onSubmit: (e) => (e.preventDefault(), apply(collect())) },
    inputs.map(([f, el]) =>
      f.type === 'checkbox' ? h('label.filter.check', el, f.label) : h('label.filter', h('span', f.label), el),
    ),
    h('button', { type: 'submit', class: 'btn btn-primary' }, t('common.search')),
    button(t('common.reset'), () => apply({})),
  );
}

/**
 * A list page: head, filters, table and pager. Its state is the URL's query (filters, page), so a filtered list
 * can be reloaded and linked. cfg.load(query) answers { items, total, page, pageSize } or a plain array.
 */
export async function listView(ctx, cfg) {
  const query = Object.fromEntries(ctx.query);
  const keep = {};
  for (const k of cfg.keep ?? []) if (query[k] !== undefined) keep[k] = query[k];
  const results = h('div.results', spinner());
  fill(
    ctx.el,
    pageHead(cfg.title, cfg.actions ?? [], cfg.sub),
    cfg.intro ?? null,
    filterBar(cfg.filters ?? [], query, (v) => ctx.setQuery({ ...keep, ...v })),
    results,
  );
  try {
    const answer = await cfg.load({ ...query, page: query.page ?? 1, pageSize: query.pageSize ?? cfg.pageSize ?? 50 });
    if (!ctx.alive()) return;
    const items = Array.isArray(answer) ? answer : answer.items;
    fill(
      results,
      table(cfg.columns, items, { rowClass: cfg.rowClass, empty: cfg.empty }),
      Array.isArray(answer)
        ? h('div.pager', t('list.total', { n: items.length }))
        : pager(answer, (p) => ctx.setQuery({ ...query, page: p })),
    );
  } catch (err) {
    if (ctx.alive()) fill(results, errorBox(err));
  }
}

// ---- forms ----

function setPath(obj, path, value) {
  const keys = path.split('.');
  let o = obj;
  for (const k of keys.slice(0, -1)) o = o[k] ??= {};
  o[keys.at(-1)] = value;
}
export function getPath(obj, path) {
  return path.split('.').reduce((o, k) => (o === null || o === undefined ? undefined : o[k]), obj);
}

function control(f, value) {
  const id = `f-${f.name.replace(/[^\w-]/g, '-')}`;
  const common = { id, name: f.name, required: f.required, disabled: f.disabled };
  switch (f.type) {
    case 'textarea':
      return {
        el: h('textarea', { ...common, rows: f.rows ?? 3, value: value ?? '', maxlength: f.maxlength }),
        get: (el) => el.value.trim(),
      };
    case 'select':
      return {
        el: h(
          'select',
          { ...common, value: value ?? '' },
          f.required && value ? null : h('option', { value: '' }, f.emptyLabel ?? '—'),
          f.options.map((o) => h('option', { value: o.value }, o.label)),
        ),
        get: (el) => el.value,
      };
    case 'checkbox':
      return { el: h('input', { ...common, type: 'checkbox', checked: !!value }), get: (el) => el.checked };
    case 'checkboxes': {
      const chosen = new Set(value ?? []);
      const boxes = f.options.map((o) =>
        h('label.check', h('input', { type: 'checkbox', value: o.value, checked: chosen.has(o.value) }), o.label),
      );
      return {
        el: h('div.checks', { id }, boxes),
        get: (el) => [...el.querySelectorAll('input:checked')].map((i) => i.value),
      };
    }
    case 'int':
      return {
        el: h('input', { ...common, type: 'number', step: '1', min: f.min, max: f.max, value: value ?? '' }),
        get: (el) => (el.value.trim() === '' ? '' : Number(el.value)),
      };
    case 'money':
      return {
        el: h('input', {
          ...common,
          type: 'text',
          inputmode: 'decimal',
          pattern: '-?\\d+(\\.\\d{1,2})?',
          value: value ?? '',
          class: 'num',
          placeholder: f.placeholder ?? '0.00',
        }),
        get: (el) => el.value.trim(),
      };
    case 'custom': {
      const c = f.render(value);
      return { el: c.el, get: () => c.get() };
    }
    default:
      return {
        el: h('input', {
          ...common,
          type: f.type ?? 'text',
          value: value ?? '',
          placeholder: f.placeholder,
          maxlength: f.maxlength,
          min: f.min,
          max: f.max,
        }),
        get: (el) => el.value.trim(),
      };
  }
}

/**
 * A form from field specs: { name ('a.b' for nested), label, type, options, required, help, wide, render }.
 * onSubmit(values) sends; a VALIDATION_FAILED answer marks the fields it names. Values are raw ('' for empty):
 * clean() turns them into a request body.
 */
/**
 * @param {any[]} fields
 * @param {any} values
 * @param {{ onSubmit?: (values: any, form: any) => unknown, submitLabel?: string, cancelHref?: string, extra?: any }} [opts]
 */
export function formView(fields, values, { onSubmit, submitLabel, cancelHref, extra } = {}) {
  const summary = h('div.form-errors');
  const rows = fields.filter(Boolean).map((f) => {
    if (f.type === 'heading') return { f, row: h('h3.form-heading', f.label) };
    const c = control(f, getPath(values ?? {}, f.name));
    const msg = h('div.field-error');
    const row = h(
      'div.field',
      { class: f.wide ? 'wide' : null, dataset: { field: f.name } },
      f.type === 'checkbox'
        ? h('label.check', c.el, f.label)
        : [h('label', { for: c.el.id }, f.label, f.required ? h('span.req', ' *') : null), c.el],
      f.help ? h('div.help', f.help) : null,
      msg,
    );
    return { f, c, row, msg };
  });
  const submit = h('button', { type: 'submit', class: 'btn btn-primary' }, submitLabel ?? t('common.save'));
  const form = h(
    'form.form',
    { novalidate: true },
    summary,
    h(
      'div.grid',
      rows.map((r) => r.row),
    ),
    extra ?? null,
    h('div.form-actions', submit, cancelHref ? linkButton(t('common.cancel'), cancelHref) : null),
  );
  const collect = () => {
    const out = {};
    for (const r of rows) if (r.c) setPath(out, r.f.name, r.c.get(r.c.el));
    return out;
  };
  const showErrors = (err) => {
    for (const r of rows) {
      r.row.classList.remove('invalid');
      if (r.msg) fill(r.msg);
    }
    const unplaced = [];
    for (const fe of (err instanceof ApiError && err.details?.fields) || []) {
      const r = rows.find(
        (x) =>
          x.c && (fe.field === x.f.name || fe.field.startsWith(`${x.f.name}.`) || fe.field.startsWith(`${x.f.name}[`)),
      );
      if (r) {
        r.row.classList.add('invalid');
        append(
          r.msg,
          h('div', fe.field === r.f.name ? fe.messages.join('; ') : `${fe.field}: ${fe.messages.join('; ')}`),
        );
      } else unplaced.push(fe);
    }
    fill(summary, errorBox(err));
    return unplaced;
  };
  form.addEventListener('submit', async (e) => {
    e.preventDefault();
    if (submit.disabled) return;
    submit.disabled = true;
    fill(summary);
    try {
      await onSubmit(collect());
    } catch (err) {
      if (!(err instanceof ApiError)) console.error(err);
      showErrors(err);
      summary.scrollIntoView({ block: 'nearest' });
    } finally {
      submit.disabled = false;
    }
  });
  form.collect = collect;
  return form;
}

/**
 * A request body from form values: '' is left out (create) or sent as null (nulls: true, a PATCH clearing a field).
 * Nested objects are cleaned too; keep lists as they are.
 */
export function clean(values, { nulls = false } = {}) {
  const out = {};
  for (const [k, v] of Object.entries(values)) {
    if (v === '' || v === undefined) {
      if (nulls) out[k] = null;
    } else if (v && typeof v === 'object' && !Array.isArray(v)) out[k] = clean(v, { nulls });
    else out[k] = v;
  }
  return out;
}

/** Rows of small inputs that grow and shrink (contacts, quotation lines, payment terms, deviations…). */
export function rowsEditor({ columns, rows = [], blank, min = 0, addLabel }) {
  const body = h('tbody');
  const state = [];
  const add = (row) => {
    const cells = columns.map((c) => {
      const v = row[c.key];
      let el;
      if (c.type === 'select')
        el = h(
          'select',
          { value: v ?? '' },
          c.required ? null : h('option', { value: '' }, '—'),
          c.options.map((o) => h('option', { value: o.value }, o.label)),
        );
      else if (c.type === 'checkbox') el = h('input', { type: 'checkbox', checked: !!v });
      else if (c.type === 'radio') el = h('input', { type: 'radio', name: c.group, checked: !!v });
      else if (c.type === 'custom') el = c.render(v, row);
      else
        el = h('input', {
          type: c.type ?? 'text',
          value: v ?? '',
          placeholder: c.placeholder,
          class: c.className,
          inputmode: c.inputmode,
        });
      if (c.onChange) el.addEventListener('change', () => c.onChange(el, entry));
      return { c, el };
    });
    const tr = h(
      'tr',
      cells.map(({ el }) => h('td', el)),
      h(
        'td.row-actions',
        button('×', () => remove(entry), { title: t('common.remove'), kind: 'link' }),
      ),
    );
    const entry = { tr, cells, hidden: row };
    state.push(entry);
    body.append(tr);
    return entry;
  };
  const remove = (entry) => {
    if (state.length <= min) return;
    state.splice(state.indexOf(entry), 1);
    entry.tr.remove();
  };
  for (const r of rows) add(r);
  while (state.length < min) add(blank());
  const el = h(
    'div.rows-editor',
    h(
      'table.data.compact',
      h(
        'thead',
        h(
          'tr',
          columns.map((c) => h('th', { class: c.width ? `w-${c.width}` : null }, c.label)),
          h('th'),
        ),
      ),
      body,
    ),
    button(`+ ${addLabel ?? t('common.addRow')}`, () => add(blank()), { kind: 'link' }),
  );
  const value = () =>
    state.map((e) => {
      const out = { ...e.hidden };
      for (const { c, el: input } of e.cells) {
        if (c.type === 'checkbox' || c.type === 'radio') out[c.key] = input.checked;
        else if (c.type === 'custom') out[c.key] = input.getValue();
        else out[c.key] = input.value.trim();
      }
      return out;
    });
  return { el, value, add };
}

/** A <select> of records found by a search box (customers, quotations, contracts…). */
/**
 * @param {{ load: (q: string) => Promise<{ value: string, label: string }[]>, value?: string, valueLabel?: string,
 *   placeholder?: string, onChange?: (value: string, label: string) => void, required?: boolean }} opts
 */
export function lookup({ load, value = '', valueLabel, placeholder, onChange, required }) {
  const sel = h('select', { required });
  const q = h('input', { type: 'search', placeholder: placeholder ?? t('common.searchHint'), class: 'lookup-q' });
  let current = value;
  let timer;
  async function refresh() {
    const items = await load(q.value.trim());
    fill(
      sel,
      h('option', { value: '' }, '—'),
      items.map((i) => h('option', { value: i.value }, i.label)),
    );
    if (current && !items.some((i) => i.value === current))
      sel.append(h('option', { value: current }, valueLabel ?? current));
    sel.value = current;
  }
  q.addEventListener('input', () => {
    clearTimeout(timer);
    timer = setTimeout(() => refresh().catch(showError), 250);
  });
  sel.addEventListener('change', () => {
    current = sel.value;
    onChange?.(current, sel.selectedOptions[0]?.textContent ?? '');
  });
  refresh().catch(showError);
  const el = h('div.lookup', q, sel);
  el.getValue = () => sel.value;
  el.reload = () => refresh().catch(showError);
  return el;
}

// ---- uploads ----

/** A drop area (drag and drop, or click / Enter to choose) that hands the files to onFiles. */
export function dropzone({ label, accept, multiple = false, onFiles }) {
  const input = h('input', { type: 'file', accept, multiple, class: 'visually-hidden', tabindex: '-1' });
  const zone = h(
    'div.dropzone',
    { tabindex: '0', role: 'button' },
    h('span.dz-icon', { 'aria-hidden': 'true' }, '⇪'),
    h('span.dz-label', label ?? t('upload.drop')),
  );
  const handle = async (files) => {
    if (!files.length) return;
    zone.classList.add('busy');
    try {
      await onFiles(multiple ? files : files.slice(0, 1));
    } catch (err) {
      showError(err);
    } finally {
      zone.classList.remove('busy');
    }
  };
  input.addEventListener('change', () => {
    const files = [...input.files];
    input.value = '';
    void handle(files);
  });
  zone.addEventListener('click', () => input.click());
  zone.addEventListener('keydown', (e) => {
    if (e.key === 'Enter' || e.key === ' ') {
      e.preventDefault();
      input.click();
    }
  });
  zone.addEventListener('dragover', (e) => {
    e.preventDefault();
    zone.classList.add('over');
  });
  zone.addEventListener('dragleave', () => zone.classList.remove('over'));
  zone.addEventListener('drop', (e) => {
    e.preventDefault();
    zone.classList.remove('over');
    void handle([...(e.dataTransfer?.files ?? [])]);
  });
  return h('div.dropzone-wrap', zone, input);
}

const SHEETS = '.csv,.xlsx,text/csv,application/vnd.openxmlformats-officedocument.spreadsheetml.sheet';

/** An import: drop a CSV/XLSX, optionally validate only; rows with errors are listed in a table. */
/** @param {{ path: string, onDone?: (report: any) => void }} opts */
export function importPanel({ path, onDone }) {
  const out = h('div.import-result');
  const zone = dropzone({
    accept: SHEETS,
    label: t('import.drop'),
    onFiles: async ([file]) => {
      fill(out, spinner());
      // Always a dry run first: the rows' changes are shown, and only "Apply" writes them.
      try {
        const report = await api.upload(path, file, {}, { dryRun: 'true' });
        fill(
          out,
          importPreview(report, file, () => apply(file)),
        );
      } catch (err) {
        fill(out, importFailure(err, file));
      }
    },
  });
  async function apply(file) {
    fill(out, spinner());
    try {
      const r = await api.upload(path, file);
      fill(
        out,
        h(
          'div.alert.alert-ok',
          { role: 'status' },
          t('import.done', { ...r.totals, written: r.written, file: file.name }),
        ),
      );
      onDone?.(r);
    } catch (err) {
      // Someone changed a record between the preview and the apply, or an update was refused: nothing was written.
      fill(out, importFailure(err, file));
    }
  }
  return h('div.import', zone, out);
}

function importFailure(err, file) {
  if (!(err instanceof ApiError && err.code === 'IMPORT_INVALID' && Array.isArray(err.details?.errors)))
    return errorBox(err);
  const report = err.details;
  const bad = new Set(report.errors.map((e) => e.row)).size;
  return h(
    'div.import-errors',
    h('div.alert.alert-error', { role: 'alert' }, t('import.invalid', { bad, rows: report.rows, file: file.name })),
    table(
      [
        { key: 'row', label: t('import.row'), align: 'right' },
        { key: 'column', label: t('import.column') },
        { key: 'field', label: t('import.field'), render: (e) => h('code', e.field ?? '') },
        { key: 'code', label: t('import.code'), render: (e) => (e.code ? h('code', e.code) : '') },
        { key: 'message', label: t('import.message') },
      ],
      report.errors,
      { className: 'errors' },
    ),
    // The other rows too (what the file would change once corrected), unless every row is an error.
    Array.isArray(report.results) && report.results.some((r) => r.status !== 'error')
      ? importRows(report.results)
      : null,
  );
}

const STATUS_BADGE = { new: 'badge-ok', changed: 'badge-warn', unchanged: '', error: 'badge-bad' };

/** The dry run's answer: totals, each row with its status and changed fields, and the Apply button. */
function importPreview(report, file, onApply) {
  const { totals } = report;
  const writes = totals.new + totals.changed;
  return h(
    'div.import-preview',
    h('div.alert.alert-ok', { role: 'status' }, t('import.preview', { ...totals, rows: report.rows, file: file.name })),
    importRows(report.results),
    h(
      'div.actions',
      writes
        ? button(t('import.apply', { n: writes }), onApply, { kind: 'primary', name: 'import-apply' })
        : h('p.muted', t('import.nothing')),
    ),
  );
}

function importRows(results) {
  return table(
    [
      { key: 'row', label: t('import.row'), align: 'right' },
      {
        key: 'status',
        label: t('import.status'),
        render: (r) =>
          h('span', { class: `badge ${STATUS_BADGE[r.status] ?? ''}`.trim() }, t(`import.status.${r.status}`)),
      },
      {
        key: 'changes',
        label: t('import.changes'),
        render: (r) =>
          r.status === 'error'
            ? h(
                'ul.import-changes',
                r.errors.map((e) => h('li', e.column ? `${e.column}: ${e.message}` : e.message)),
              )
            : r.changes.length
              ? h(
                  'ul.import-changes',
                  r.changes.map((c) =>
                    h(
                      'li',
                      h('strong', c.column),
                      ': ',
                      h('del', c.old ?? t('import.empty')),
                      ' → ',
                      h('ins', c.new ?? t('import.empty')),
                    ),
                  ),
                )
              : '',
      },
    ],
    results,
    { className: 'import-rows', rowClass: (r) => `import-${r.status}` },
  );
}

// ---- files: previews and downloads ----

const objectUrls = new Set();
/** Object URLs of the page's previews, revoked when the page is left. */
export function revokeObjectUrls() {
  for (const u of objectUrls) URL.revokeObjectURL(u);
  objectUrls.clear();
}

/**
 * A preview of a file fetched with the token: a PDF inline (the browser's viewer in an iframe of a blob: URL),
 * an image as an image. load() answers api.blob(...).
 */
/**
 * @param {() => Promise<{ blob: Blob, fileName: string, contentType: string }>} load
 * @param {{ title?: string }} [opts]
 */
export function preview(load, { title } = {}) {
  const box = h('div.preview', spinner());
  load().then(
    ({ blob, contentType, fileName }) => {
      const url = URL.createObjectURL(blob);
      objectUrls.add(url);
      box.dataset.type = contentType;
      if (contentType.startsWith('image/')) fill(box, h('img', { src: url, alt: fileName }));
      else if (contentType.includes('pdf')) fill(box, h('iframe', { src: url, title: title ?? fileName }));
      else fill(box, h('p.muted', t('preview.unsupported')));
    },
    (err) => fill(box, errorBox(err)),
  );
  return box;
}

export async function download(path, query) {
  const { blob, fileName } = await api.blob(path, query);
  const url = URL.createObjectURL(blob);
  const a = h('a', { href: url, download: fileName, hidden: true });
  document.body.append(a);
  a.click();
  a.remove();
  setTimeout(() => URL.revokeObjectURL(url), 60_000);
  return fileName;
}

export const downloadButton = (label, path, query, opts) => button(label, () => download(path, query), opts);

/** Export buttons of a list: CSV and XLSX of the list as filtered. */
export function exportButtons(path, query) {
  const q = { ...query };
  delete q.page;
  delete q.pageSize;
  return [
    downloadButton(t('common.exportCsv'), path, { ...q, format: 'csv' }),
    downloadButton(t('common.exportXlsx'), path, { ...q, format: 'xlsx' }),
  ];
}

// ---- jobs ----

/**
 * A job's progress bar, polling GET /api/jobs/:id until it succeeds or fails (or the page is left).
 * Answers { el, done } where done resolves to the final job (null when the page was left).
 */
/**
 * @param {any} ctx
 * @param {string} jobId
 * @param {{ onDone?: (job: any) => unknown }} [opts]
 */
export function jobProgress(ctx, jobId, { onDone } = {}) {
  const bar = h('div.bar');
  const label = h('span.job-label', t('common.loading'));
  const el = h(
    'div.progress',
    {
      role: 'progressbar',
      'aria-valuemin': '0',
      'aria-valuemax': '100',
      'aria-valuenow': '0',
      dataset: { job: jobId },
    },
    h('div.track', bar),
    label,
  );
  const done = (async () => {
    for (;;) {
      if (!ctx.alive()) return null;
      let job;
      try {
        job = await api.get(`/api/jobs/${jobId}`);
      } catch (err) {
        fill(label, errorMessage(err));
        el.dataset.status = 'error';
        return null;
      }
      const p = job.status === 'succeeded' ? 100 : Math.max(0, Math.min(100, job.progress ?? 0));
      bar.style.width = `${p}%`;
      el.setAttribute('aria-valuenow', String(p));
      el.dataset.status = job.status;
      fill(label, `${tEnum('jobStatus', job.status)} · ${p}%`, job.error ? ` — ${job.error}` : '');
      if (job.status === 'succeeded' || job.status === 'failed') {
        if (ctx.alive()) await onDone?.(job);
        return job;
      }
      await sleep(500);
    }
  })();
  return { el, done };
}

// ---- dialogs ----

/** A modal dialog; resolves with the value the chosen action returns (null when dismissed). */
export function dialog({ title, body, actions }) {
  return new Promise((resolve) => {
    const dlg = h('dialog.dialog');
    const close = (v) => {
      dlg.close();
      dlg.remove();
      resolve(v);
    };
    const form = h(
      'form',
      { method: 'dialog', onSubmit: (e) => e.preventDefault() },
      h('h2', title),
      h('div.dialog-body', body),
      h(
        'div.form-actions',
        actions.map((a) =>
          button(
            a.label,
            async () => {
              const v = await a.run();
              if (v !== undefined) close(v);
            },
            { kind: a.kind },
          ),
        ),
        button(t('common.cancel'), () => close(null)),
      ),
    );
    dlg.append(form);
    dlg.addEventListener('cancel', (e) => (e.preventDefault(), close(null)));
    document.body.append(dlg);
    dlg.showModal();
  });
}

/** Asks for a text (a reason, a comment): the text, or null when cancelled. A required one cannot be blank. */
/** @param {{ title: string, label: string, required?: boolean, okLabel?: string, value?: string }} opts */
export function askText({ title, label, required = false, okLabel, value = '' }) {
  const area = h('textarea', { rows: 3, value, name: 'reason', maxlength: 2000 });
  const err = h('div.field-error');
  return dialog({
    title,
    body: [h('label', label), area, err],
    actions: [
      {
        label: okLabel ?? t('common.ok'),
        kind: 'primary',
        run: () => {
          const v = area.value.trim();
          if (required && !v) {
            fill(err, t('common.required'));
            return undefined;
          }
          return v;
        },
      },
    ],
  });
}

/**
 * Asks for a few values in a dialog: fields [{ name, label, type, value, required }]; resolves with
 * { name: value } (blank ones left out), or null when cancelled.
 */
/** @param {{ title: string, fields: any[], okLabel?: string, intro?: any }} opts */
export function askFields({ title, fields, okLabel, intro }) {
  const inputs = fields.map((f) => [
    f,
    f.type === 'textarea'
      ? h('textarea', { name: f.name, rows: 3, value: f.value ?? '' })
      : h('input', { name: f.name, type: f.type ?? 'text', value: f.value ?? '' }),
  ]);
  const err = h('div.field-error');
  return dialog({
    title,
    body: [
      intro ? h('p.muted', intro) : null,
      inputs.map(([f, el]) => h('label.dialog-field', h('span', f.label, f.required ? h('span.req', ' *') : null), el)),
      err,
    ],
    actions: [
      {
        label: okLabel ?? t('common.ok'),
        kind: 'primary',
        run: () => {
          const out = {};
          for (const [f, el] of inputs) {
            const v = el.value.trim();
            if (f.required && !v) {
              fill(err, `${f.label}: ${t('common.required')}`);
              return undefined;
            }
            if (v) out[f.name] = v;
          }
          return out;
        },
      },
    ],
  });
}

export const confirmAction = (message, okLabel) =>
  dialog({
    title: t('common.confirm'),
    body: h('p', message),
    actions: [{ label: okLabel ?? t('common.ok'), kind: 'primary', run: () => true }],
  });

// ---- tabs ----

/**
 * Tabs whose panels render on first use; the chosen one is kept in the URL (?tab=) without reloading the page.
 * items: [{ key, label, render: () => Node | Promise<Node>, hidden }]
 */
export function tabs(ctx, items, { param = 'tab' } = {}) {
  const shown = items.filter((i) => i && !i.hidden);
  const panels = new Map();
  const bar = h('div.tabs', { role: 'tablist' });
  const host = h('div.tab-panel', { role: 'tabpanel' });
  const select = async (key, push = true) => {
    const item = shown.find((i) => i.key === key) ?? shown[0];
    for (const b of bar.children) b.setAttribute('aria-selected', String(b.dataset.key === item.key));
    if (push) ctx.replaceQuery({ [param]: item.key === shown[0].key ? undefined : item.key });
    let panel = panels.get(item.key);
    if (!panel) {
      panel = h('div', spinner());
      panels.set(item.key, panel);
      Promise.resolve()
        .then(() => item.render())
        .then(
          (node) => fill(panel, node),
          (err) => fill(panel, errorBox(err)),
        );
    }
    host.replaceChildren(panel);
  };
  for (const i of shown)
    bar.append(
      h(
        'button',
        { type: 'button', role: 'tab', class: 'tab', dataset: { key: i.key }, onClick: () => select(i.key) },
        i.label,
      ),
    );
  void select(ctx.query.get(param) ?? shown[0]?.key, false);
  /** Drops a panel so that it renders again (after a change it shows). */
  const refresh = (key) => {
    panels.delete(key);
    if (bar.querySelector('[aria-selected="true"]')?.dataset.key === key) void select(key, false);
  };
  return { el: h('div.tabbed', bar, host), select, refresh };
}
