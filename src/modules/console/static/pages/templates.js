// @ts-check
// Templates (issue #19): the document types × locales, each one's versions (compare, restore, reset to the built-in,
// a new draft, a Word import), and a draft's editor: "Fields" for clerks (the letterhead, colours, font and texts in
// meta.json, no markup), "Code" for the template maintainer (CodeMirror 6 with completion from the type's data
// contract and the guardrails' problems at their line and column), and a live preview, PDF (pdf.js) and DOCX
// (mammoth) side by side, on the sample or on a real record. The editor's bundles (vendor/, built by
// scripts/console-vendor.mjs) load only here, by dynamic import.
import { fill, h } from '../lib/dom.js';
import { api, ApiError } from '../lib/api.js';
import { LANG_NAMES, LANGS, t, tEnum } from '../lib/i18n.js';
import * as fmt from '../lib/format.js';
import { may } from '../lib/session.js';
import {
  button,
  confirmAction,
  dropzone,
  errorBox,
  link,
  navigate,
  pageHead,
  section,
  showError,
  spinner,
  statusBadge,
  table,
  tabs,
  toast,
} from '../lib/ui.js';

/** The files of a template version, in the order the Code tab shows them. */
const FILES = ['template.hbs', 'styles.css', 'header.hbs', 'footer.hbs', 'meta.json'];
/** What a preview waits for after a save before it renders (a burst of saves renders once). */
const PREVIEW_DELAY = 600;
/** A logo is stored in meta.json as a data URI: keep it small. */
const MAX_LOGO = 300 * 1024;
/** The record kinds a preview can use, and the list route of each. */
const RECORD_LISTS = {
  statement: '/api/statements',
  quotation: '/api/quotations',
  contract: '/api/contracts',
  delivery: '/api/deliveries',
  tender: '/api/tenders',
};

const typeName = (type) => {
  const key = `templates.type.${type}`;
  const name = t(key);
  return name === key ? type : name;
};
const localeOf = (ctx) => {
  const l = ctx.query.get('locale');
  return LANGS.includes(l) ? l : 'zh-CN';
};
/**
 * The vendored bundles, imported through a computed path: tsc (console:check) then does not read the minified
 * bundles, which it could not check; they are typed `any` here.
 * @param {string} file
 * @returns {Promise<any>}
 */
const vendor = (file) => import(new URL(`../vendor/${file}`, import.meta.url).href);
const base = (type) => `/api/templates/${encodeURIComponent(type)}`;

export async function render(ctx) {
  const [type, id] = ctx.params;
  if (!type) return typeList(ctx);
  if (!id) return typePage(ctx, type, localeOf(ctx));
  return editorPage(ctx, type, id);
}

// ---- the list: types × locales ----

async function typeList(ctx) {
  const types = await api.get('/api/templates');
  if (!ctx.alive()) return;
  fill(
    ctx.el,
    pageHead(t('nav.templates'), [], t('templates.listHelp')),
    section(
      t('templates.types'),
      table(
        [
          {
            key: 'type',
            label: t('templates.type'),
            render: (x) => [
              link(`/app/templates/${x.type}?locale=zh-CN`, typeName(x.type)),
              ' ',
              h('span.muted.mono', x.type),
            ],
          },
          ...LANGS.map((l) => ({
            key: l,
            label: LANG_NAMES[l],
            render: (x) => link(`/app/templates/${x.type}?locale=${l}`, t('templates.openLocale')),
          })),
          {
            key: 'version',
            label: t('templates.builtInVersion'),
            render: (x) => h('span.mono.muted', String(x.version).slice(0, 12)),
          },
        ],
        types,
        { className: 'templates-table' },
      ),
    ),
  );
}

// ---- a type in a locale: its versions ----

async function typePage(ctx, type, locale) {
  const v = await api.get(`${base(type)}/versions`, { locale });
  if (!ctx.alive()) return;
  const editor = may('POST /api/templates/:type/drafts');
  const active = v.versions.find((x) => x.id === v.active.id) ?? null;
  const reload = () => ctx.reload();
  const open = (x) => navigate(`/app/templates/${type}/${x.id}`);
  const actions = [];
  if (editor) {
    actions.push(
      button(
        t('templates.newDraft'),
        async () => {
          const d = await api.post(`${base(type)}/drafts`, { locale, from: 'active' });
          toast(t('templates.draftCreated', { n: d.number }));
          open(d);
        },
        { kind: 'primary', name: 'new-draft' },
      ),
    );
    if (active && may('POST /api/templates/:type/reset'))
      actions.push(
        button(
          t('templates.reset'),
          async () => {
            if (!(await confirmAction(t('templates.resetConfirm')))) return;
            await api.post(`${base(type)}/reset`, {}, { locale });
            toast(t('templates.resetDone'));
            reload();
          },
          { name: 'reset' },
        ),
      );
  }
  const diffOut = h('div.template-diff');
  const choices = [
    { value: 'built-in', label: t('templates.builtIn') },
    ...v.versions.map((x) => ({ value: x.id, label: `#${x.number} · ${tEnum('templateStatus', x.status)}` })),
  ];
  const select = (name, value) =>
    h(
      'select',
      { name, value },
      choices.map((c) => h('option', { value: c.value }, c.label)),
    );
  const from = select('from', v.versions[1]?.id ?? 'built-in');
  const to = select('to', v.versions[0]?.id ?? 'built-in');

  fill(
    ctx.el,
    pageHead(`${typeName(type)} · ${LANG_NAMES[locale]}`, actions, [
      link('/app/templates', t('nav.templates')),
      h('span.in-use', t('templates.inUse'), ': ', h('strong', active ? `#${active.number}` : t('templates.builtIn'))),
    ]),
    h(
      'div.toolbar.locale-switch',
      LANGS.map((l) =>
        l === locale ? h('strong', LANG_NAMES[l]) : link(`/app/templates/${type}?locale=${l}`, LANG_NAMES[l]),
      ),
    ),
    section(
      t('templates.versions'),
      table(
        [
          {
            key: 'number',
            label: '#',
            render: (x) => link(`/app/templates/${type}/${x.id}`, `#${x.number}`),
          },
          {
            key: 'status',
            label: t('common.status'),
            render: (x) => [
              statusBadge('templateStatus', x.status),
              x.id === v.active.id ? [' ', h('span.badge.badge-ok', t('templates.inUse'))] : null,
            ],
          },
          { key: 'createdBy', label: t('templates.by'), render: (x) => x.createdBy?.name ?? '' },
          { key: 'createdAt', label: t('templates.at'), render: (x) => fmt.dateTime(x.publishedAt ?? x.createdAt) },
          { key: 'note', label: t('common.notes'), render: (x) => x.note ?? '' },
          {
            key: 'actions',
            label: '',
            render: (x) =>
              h(
                'div.row-actions',
                x.status === 'draft' && editor
                  ? button(t('common.edit'), () => open(x), { kind: 'primary', name: 'edit-draft' })
                  : button(t('templates.view'), () => open(x), { name: 'view' }),
                x.status === 'superseded' && may('POST /api/templates/:type/versions/:id/restore')
                  ? button(
                      t('templates.restore'),
                      async () => {
                        if (!(await confirmAction(t('templates.restoreConfirm', { n: x.number })))) return;
                        await api.post(`${base(type)}/versions/${x.id}/restore`, {});
                        toast(t('templates.restored', { n: x.number }));
                        reload();
                      },
                      { name: 'restore' },
                    )
                  : null,
                x.status === 'draft' && may('DELETE /api/templates/:type/drafts/:id')
                  ? button(
                      t('common.delete'),
                      async () => {
                        if (!(await confirmAction(t('templates.deleteConfirm', { n: x.number })))) return;
                        await api.of(x).del(`${base(type)}/drafts/${x.id}`);
                        toast(t('common.deleted'));
                        reload();
                      },
                      { kind: 'danger', name: 'delete-draft' },
                    )
                  : null,
              ),
          },
        ],
        v.versions,
        { empty: t('templates.noVersions') },
      ),
    ),
    section(
      t('templates.compare'),
      h(
        'div.toolbar.compare',
        h('label', t('templates.from'), ' ', from),
        h('label', t('templates.to'), ' ', to),
        button(
          t('templates.showDiff'),
          async () => {
            fill(diffOut, spinner());
            try {
              const d = await api.get(`${base(type)}/diff`, { from: from.value, to: to.value });
              fill(diffOut, diffView(d));
            } catch (err) {
              fill(diffOut, errorBox(err));
            }
          },
          { name: 'diff' },
        ),
      ),
      diffOut,
    ),
    editor && may('POST /api/templates/:type/drafts/import-docx') ? wordImport(type, locale) : null,
  );
}

/** A unified diff per file, each line coloured by what it does. */
function diffView(d) {
  const changed = d.files.filter((f) => f.changed);
  if (!changed.length) return h('p.muted', t('templates.noDifference'));
  return changed.map((f) =>
    h(
      'div.diff-file',
      { dataset: { file: f.file } },
      h('h3.mono', f.file),
      h(
        'pre.diff',
        f.patch
          .split('\n')
          .filter((line) => !/^(Index:|====|---|\+\+\+)/.test(line))
          .map((line) =>
            h(
              `span.diff-line${line.startsWith('+') ? '.add' : line.startsWith('-') ? '.del' : line.startsWith('@@') ? '.hunk' : ''}`,
              line,
            ),
          ),
      ),
    ),
  );
}

function wordImport(type, locale) {
  const out = h('div.import-result');
  return section(
    t('templates.wordImport'),
    h('p.muted', t('templates.wordImportHelp')),
    dropzone({
      accept: '.docx,application/vnd.openxmlformats-officedocument.wordprocessingml.document',
      label: t('templates.wordImportDrop'),
      onFiles: async ([file]) => {
        fill(out, spinner());
        try {
          const d = await api.upload(`${base(type)}/drafts/import-docx`, file, { locale });
          fill(out);
          toast(t('templates.imported', { n: d.number }));
          navigate(`/app/templates/${type}/${d.id}${d.importWarnings?.length ? '?imported=1' : ''}`);
        } catch (err) {
          fill(out, errorBox(err), problemList(err?.details?.problems ?? [], null));
        }
      },
    }),
    out,
  );
}

// ---- a version: the editor ----

async function editorPage(ctx, type, id) {
  /** @type {any} */
  let version = await api.get(`${base(type)}/versions/${id}`);
  const types = await api.get('/api/templates');
  if (!ctx.alive()) return;
  const draft = version.status === 'draft';
  const editable = draft && may('PUT /api/templates/:type/drafts/:id');
  const locale = version.locale;
  /** The working copy of the files. */
  const files = Object.fromEntries(FILES.map((f) => [f, version.files[f] ?? '']));
  const present = new Set(Object.keys(version.files));
  let dirty = false;
  let problems = /** @type {any[]} */ (version.problems ?? []);

  const status = h('span.save-state');
  const setDirty = (d) => {
    dirty = d;
    fill(status, d ? t('templates.unsaved') : t('templates.savedState'));
    status.classList.toggle('dirty', d);
  };
  setDirty(false);

  // Problems: listed under the editor, and shown in CodeMirror at their line and column.
  const problemsBox = h('div.problems-box');
  let code =
    /** @type {null | { setFile: (file: string, text: string) => void, jump: (p: any) => void, showProblems: (p: any[]) => void }} */ (
      null
    );
  let switchTab = (/** @type {string} */ _key) => {};
  const setProblems = (list) => {
    problems = list;
    fill(
      problemsBox,
      problemList(list, (p) => {
        switchTab('code');
        // The Code tab may be rendering for the first time: jump when its editor exists.
        const wait = () => (code ? code.jump(p) : setTimeout(wait, 50));
        wait();
      }),
    );
    code?.showProblems(list);
  };
  setProblems(problems);

  /** A file changed in one tab: the working copy, and the other tab when it shows the same. */
  const change = (file, text, from) => {
    files[file] = text;
    present.add(file);
    setDirty(true);
    if (from === 'fields') code?.setFile(file, text);
    if (from === 'code' && file === 'meta.json') fieldsTab.refresh('fields');
  };

  const previewPanel = preview(
    ctx,
    type,
    version,
    types.find((x) => x.type === type),
    setProblems,
  );

  const save = async () => {
    /** @type {Record<string, string>} */
    const body = {};
    for (const f of FILES)
      if (present.has(f) && (f === 'template.hbs' || files[f] !== '' || version.files[f] !== undefined))
        body[f] = files[f];
    try {
      const saved = await api.of(version).put(`${base(type)}/drafts/${version.id}`, { files: body });
      version = saved;
      setDirty(false);
      setProblems(saved.problems ?? []);
      toast(t('common.saved'));
      previewPanel.refreshSoon();
    } catch (err) {
      if (err instanceof ApiError && err.status === 422) {
        setProblems(problemsOf(err));
        toast(t('templates.refused'), 'error');
        return;
      }
      showError(err);
    }
  };

  const actions = [];
  if (editable) {
    actions.push(button(t('common.save'), save, { kind: 'primary', name: 'save' }));
    if (may('POST /api/templates/:type/drafts/:id/publish'))
      actions.push(
        button(
          t('templates.publish'),
          async () => {
            if (dirty) await save();
            if (dirty) return;
            if (!(await confirmAction(t('templates.publishConfirm', { n: version.number })))) return;
            try {
              await api.of(version).post(`${base(type)}/drafts/${version.id}/publish`);
            } catch (err) {
              if (err instanceof ApiError && err.status === 422) {
                setProblems(problemsOf(err));
                toast(t('templates.refused'), 'error');
                return;
              }
              throw err;
            }
            toast(t('templates.published', { n: version.number }));
            navigate(`/app/templates/${type}?locale=${locale}`);
          },
          { name: 'publish' },
        ),
      );
    if (may('DELETE /api/templates/:type/drafts/:id'))
      actions.push(
        button(
          t('common.delete'),
          async () => {
            if (!(await confirmAction(t('templates.deleteConfirm', { n: version.number })))) return;
            await api.of(version).del(`${base(type)}/drafts/${version.id}`);
            toast(t('common.deleted'));
            navigate(`/app/templates/${type}?locale=${locale}`);
          },
          { kind: 'danger', name: 'delete-draft' },
        ),
      );
  }

  const fieldsTab = tabs(ctx, [
    {
      key: 'fields',
      label: t('templates.fields'),
      render: () => fieldsForm(files['meta.json'], locale, editable, change),
    },
    {
      key: 'code',
      label: t('templates.code'),
      render: async () => {
        const c = await codeEditor({ type, locale, files, editable, change, save });
        code = c;
        c.showProblems(problems);
        return c.el;
      },
    },
  ]);
  switchTab = (key) => void fieldsTab.select(key);

  fill(
    ctx.el,
    pageHead(`${typeName(type)} · ${LANG_NAMES[locale]} · #${version.number}`, actions, [
      link(`/app/templates/${type}?locale=${locale}`, t('templates.versions')),
      statusBadge('templateStatus', version.status),
      version.note,
      editable ? status : null,
    ]),
    draft ? null : h('div.alert.alert-info', t('templates.readOnly')),
    ctx.query.get('imported') ? h('div.alert.alert-info', t('templates.importedHelp')) : null,
    h(
      'div.template-workspace',
      h('div.template-edit', fieldsTab.el, section(t('templates.problems'), problemsBox)),
      previewPanel.el,
    ),
  );
  previewPanel.refreshSoon(0);
}

/** The problems of a refused save or preview: TEMPLATE_REFUSED's list, or TEMPLATE_ERROR's one place. */
function problemsOf(err) {
  const d = err.details ?? {};
  if (Array.isArray(d.problems)) return d.problems;
  return [
    {
      code: err.code,
      severity: 'error',
      file: d.file ?? 'template.hbs',
      line: d.line,
      column: d.column,
      message: d.reason ?? err.message,
    },
  ];
}

/** The problems as a list; a click on one jumps to its place in the Code tab. */
function problemList(list, onPick) {
  if (!list.length) return h('p.muted.no-problems', t('templates.noProblems'));
  return h(
    'ul.problems',
    list.map((p) =>
      h(
        'li',
        { class: `problem problem-${p.severity}`, dataset: { file: p.file, line: String(p.line ?? '') } },
        h(`span.badge.badge-${p.severity === 'error' ? 'bad' : 'warn'}`, t(`templates.severity.${p.severity}`)),
        ' ',
        onPick
          ? h(
              'button.btn.btn-link.problem-at',
              { type: 'button', onClick: () => onPick(p) },
              `${p.file}${p.line ? `:${p.line}${p.column ? `:${p.column}` : ''}` : ''}`,
            )
          : h('span.mono', p.file),
        ' ',
        h('span.problem-message', p.message),
        p.element ? h('span.muted', ` <${p.element}>`) : null,
        p.field ? h('span.muted.mono', ` ${p.field}`) : null,
      ),
    ),
  );
}

// ---- the Fields tab: meta.json for clerks ----

/**
 * The clerk's form over meta.json: letterhead, accent colour, font, and the locale's labels grouped by prefix. Every
 * change writes meta.json again (2-space JSON) through change().
 */
function fieldsForm(metaText, locale, editable, change) {
  let meta;
  try {
    meta = JSON.parse(metaText || '{}');
  } catch {
    return h('div.alert.alert-error.meta-invalid', t('templates.metaInvalid'));
  }
  if (!meta || typeof meta !== 'object' || Array.isArray(meta)) meta = {};
  const write = () => change('meta.json', `${JSON.stringify(meta, null, 2)}\n`, 'fields');
  const obj = (parent, key) => {
    if (!parent[key] || typeof parent[key] !== 'object' || Array.isArray(parent[key])) parent[key] = {};
    return parent[key];
  };
  /** Sets or removes a value (undefined removes it, and empty objects left behind). */
  const set = (path, value) => {
    let o = meta;
    for (const k of path.slice(0, -1)) o = obj(o, k);
    const last = path[path.length - 1];
    if (value === undefined) delete o[last];
    else o[last] = value;
    prune(meta, path.slice(0, -1));
    write();
  };
  const get = (path) => path.reduce((o, k) => (o && typeof o === 'object' ? o[k] : undefined), meta);
  const disabled = !editable;

  const colour = (name, path) => {
    const value = get(path);
    const input = h('input', {
      type: 'color',
      name,
      value: /^#[0-9a-f]{6}$/i.test(value ?? '') ? value : '#000000',
      disabled,
      onInput: (e) => {
        set(path, e.target.value);
        fill(state, e.target.value);
      },
    });
    const state = h('span.muted.mono', value ?? t('templates.default'));
    return h(
      'div.colour',
      input,
      state,
      editable
        ? button(t('templates.default'), () => {
            set(path, undefined);
            fill(state, t('templates.default'));
          })
        : null,
    );
  };
  const field = (label, control, help) =>
    h(
      control.matches?.('input, textarea, select') ? 'label.tpl-field' : 'div.tpl-field',
      h('span.tpl-label', label),
      control,
      help ? h('span.muted.help', help) : null,
    );

  // Letterhead.
  const logoOut = h('div.logo-preview');
  const showLogo = () => {
    const src = get(['letterhead', 'logo']);
    fill(
      logoOut,
      src
        ? [
            h('img', { src, alt: t('templates.logo') }),
            editable ? button(t('common.remove'), () => (set(['letterhead', 'logo'], undefined), showLogo())) : null,
          ]
        : h('span.muted', t('templates.noLogo')),
    );
  };
  showLogo();
  const shown = (key) =>
    h(
      'label.check',
      h('input', {
        type: 'checkbox',
        name: `show-${key}`,
        checked: get(['letterhead', 'show', key]) !== false,
        disabled,
        onChange: (e) => set(['letterhead', 'show', key], e.target.checked ? undefined : false),
      }),
      ' ',
      t(`templates.show.${key}`),
    );
  const lines = h('textarea', {
    name: 'letterhead-lines',
    rows: 3,
    disabled,
    value: (get(['letterhead', 'lines', locale]) ?? []).join('\n'),
    onInput: (e) => {
      const v = e.target.value
        .split('\n')
        .map((s) => s.trim())
        .filter(Boolean);
      set(['letterhead', 'lines', locale], v.length ? v : undefined);
    },
  });
  const letterhead = section(
    t('templates.letterhead'),
    field(
      t('templates.logo'),
      h(
        'div.logo-field',
        logoOut,
        editable
          ? dropzone({
              accept: 'image/png,image/jpeg',
              label: t('templates.logoDrop'),
              onFiles: async ([file]) => {
                if (file.size > MAX_LOGO) return toast(t('templates.logoTooLarge', { kb: MAX_LOGO / 1024 }), 'error');
                set(['letterhead', 'logo'], await dataUri(file));
                showLogo();
              },
            })
          : null,
      ),
    ),
    field(t('templates.colour'), colour('letterhead-color', ['letterhead', 'color'])),
    field(
      t('templates.align'),
      h(
        'select',
        {
          name: 'letterhead-align',
          disabled,
          value: get(['letterhead', 'align']) ?? 'left',
          onChange: (e) => set(['letterhead', 'align'], e.target.value === 'left' ? undefined : e.target.value),
        },
        ['left', 'center'].map((a) => h('option', { value: a }, t(`templates.align.${a}`))),
      ),
    ),
    field(t('templates.showLines'), h('div.checks', ['nameEn', 'phone', 'taxId', 'address'].map(shown))),
    field(t('templates.extraLines'), lines, t('templates.extraLinesHelp')),
  );

  const look = section(
    t('templates.look'),
    field(t('templates.accent'), colour('theme-accent', ['theme', 'accent'])),
    field(
      t('templates.font'),
      h(
        'div.checks',
        ['sans', 'serif'].map((f) =>
          h(
            'label.check',
            h('input', {
              type: 'radio',
              name: 'font',
              value: f,
              disabled,
              checked: (meta.font ?? 'sans') === f,
              onChange: () => set(['font'], f),
            }),
            ' ',
            t(`templates.font.${f}`),
          ),
        ),
      ),
    ),
  );

  // The texts: the locale's labels by prefix; the signature block's words first among equals.
  const labels = get(['labels', locale]) ?? {};
  const groups = new Map();
  for (const key of Object.keys(labels)) {
    const g = key.includes('.') ? key.slice(0, key.indexOf('.')) : key;
    if (!groups.has(g)) groups.set(g, []);
    groups.get(g).push(key);
  }
  const texts = [...groups].map(([g, keys]) =>
    h(
      'fieldset.label-group',
      { dataset: { group: g } },
      h('legend', g === 'sig' ? t('templates.signature') : g),
      keys.map((key) => {
        const value = String(labels[key] ?? '');
        const long = value.length > 24 || /intro|clause|text|note|agree|dispute|terms/i.test(key);
        const props = {
          name: `label:${key}`,
          dataset: { key },
          disabled,
          value,
          onInput: (e) => set(['labels', locale, key], e.target.value),
        };
        return field(
          key,
          long
            ? h('textarea', { ...props, rows: Math.min(6, 1 + Math.ceil(value.length / 40)) })
            : h('input', { ...props, type: 'text' }),
        );
      }),
    ),
  );
  return h(
    'div.fields-form',
    letterhead,
    look,
    section(t('templates.texts'), texts.length ? texts : h('p.muted', t('templates.noLabels', { locale }))),
  );
}

/** Drops the empty objects a removal left on the path (letterhead.show = {} → no letterhead.show). */
function prune(meta, path) {
  for (let i = path.length; i > 0; i--) {
    const parent = path.slice(0, i - 1).reduce((o, k) => o?.[k], meta);
    const key = path[i - 1];
    const o = parent?.[key];
    if (o && typeof o === 'object' && !Array.isArray(o) && !Object.keys(o).length) delete parent[key];
  }
}

const dataUri = (file) =>
  new Promise((resolve, reject) => {
    const r = new FileReader();
    r.onload = () => resolve(String(r.result));
    r.onerror = () => reject(r.error);
    r.readAsDataURL(file);
  });

// ---- the Code tab: CodeMirror 6 ----

/** The type's data contract for completion (GET …/contract): field paths, helpers, partials and label keys. */
async function contract(type, locale) {
  /** @type {import('../types/api').components['schemas']['TemplateContractDto']} */
  const c = await api.get(`${base(type)}/contract`, { locale });
  return {
    fields: c.fields.map((f) => ({ name: f.path, kind: f.kind, example: f.example })),
    helpers: c.helpers.map((x) => ({ name: x.name, detail: x.example })),
    partials: c.partials.map((name) => ({ name })),
    labels: c.labels.map((x) => ({ name: x.key, detail: x.text })),
  };
}

/** Completion inside {{ … }}: label keys after `t "`, partials after `>`, else field paths and helpers. */
function completer(c) {
  const fields = c.fields.flatMap((f) => {
    const tail = f.name.includes('[].') ? f.name.slice(f.name.lastIndexOf('[].') + 3) : null;
    const detail = [f.kind, f.example !== undefined ? String(f.example) : null].filter(Boolean).join(' · ');
    return [
      { label: f.name.replace(/\[\]/g, ''), type: 'variable', detail },
      tail ? { label: tail, type: 'property', detail: `${f.name} ${detail}` } : null,
    ].filter(Boolean);
  });
  const helpers = c.helpers.map((x) => ({ label: x.name, type: 'function', detail: x.detail }));
  return (context) => {
    const label = context.matchBefore(/\{\{t\s+"[\w.-]*$/);
    if (label) {
      const from = label.from + label.text.indexOf('"') + 1;
      return {
        from,
        options: c.labels.map((x) => ({ label: x.name, type: 'constant', detail: x.detail })),
        validFor: /^[\w.-]*$/,
      };
    }
    const partial = context.matchBefore(/\{\{>\s*[\w-]*$/);
    if (partial) {
      const from = partial.to - /[\w-]*$/.exec(partial.text)[0].length;
      return { from, options: c.partials.map((x) => ({ label: x.name, type: 'namespace' })), validFor: /^[\w-]*$/ };
    }
    const word = context.matchBefore(/\{\{[#/^]?(?:else\s+)?[\w.@]*$/);
    if (!word) return null;
    const from = word.to - /[\w.@]*$/.exec(word.text)[0].length;
    const block = /\{\{#\s*$/.test(word.text.slice(0, from - word.from));
    const blocks = ['each', 'if', 'unless', 'with'].map((b) => ({ label: b, type: 'keyword' }));
    return {
      from,
      options: block
        ? [...blocks, ...helpers]
        : [...fields, ...helpers, { label: 't', type: 'function', detail: 't "label.key"' }],
      validFor: /^[\w.@]*$/,
    };
  };
}

async function codeEditor({ type, locale, files, editable, change, save }) {
  const [cm, c] = await Promise.all([vendor('codemirror.js'), contract(type, locale)]);
  const completion = cm.autocompletion({ override: [completer(c)], activateOnTyping: true });
  const language = (file) => (file.endsWith('.css') ? cm.css() : file.endsWith('.json') ? cm.json() : cm.html());
  const host = h('div.code-host');
  let current = 'template.hbs';
  let problems = [];
  let syncing = false;
  const states = new Map();
  const stateOf = (file, text) =>
    cm.EditorState.create({
      doc: text,
      extensions: [
        cm.basicSetup,
        cm.EditorView.lineWrapping,
        cm.keymap.of([cm.indentWithTab, { key: 'Mod-s', preventDefault: true, run: () => (void save(), true) }]),
        language(file),
        file.endsWith('.hbs') ? completion : [],
        cm.lintGutter(),
        cm.EditorState.readOnly.of(!editable),
        cm.EditorView.updateListener.of((u) => {
          // A change the Fields tab made (setFile) is not the Code tab's: it would rebuild the form being typed in.
          if (u.docChanged && !syncing) change(file, u.state.doc.toString(), 'code');
        }),
      ],
    });
  for (const f of FILES) states.set(f, stateOf(f, files[f]));
  const view = new cm.EditorView({ state: states.get(current), parent: host });

  /** The guardrails' problems of a file as CodeMirror diagnostics (lines and columns count from 1). */
  const diagnostics = (file, state) =>
    problems
      .filter((p) => p.file === file)
      .map((p) => {
        const { from, to } = place(state, p);
        return { from, to, severity: p.severity === 'error' ? 'error' : 'warning', message: p.message, source: p.code };
      });
  const show = () => view.dispatch(cm.setDiagnostics(view.state, diagnostics(current, view.state)));
  const bar = h('div.tabs.file-tabs', { role: 'tablist' });
  const select = (file) => {
    states.set(current, view.state);
    current = file;
    view.setState(states.get(file));
    show();
    for (const b of bar.children) b.setAttribute('aria-selected', String(b.dataset.file === file));
  };
  for (const f of FILES)
    bar.append(
      h(
        'button',
        { type: 'button', role: 'tab', class: 'tab mono', dataset: { file: f }, onClick: () => select(f) },
        f,
      ),
    );
  bar.children[0].setAttribute('aria-selected', 'true');
  show();
  return {
    el: h('div.code-editor', bar, host),
    view,
    setFile: (file, text) => {
      if (file === current) {
        if (view.state.doc.toString() === text) return;
        syncing = true;
        try {
          view.dispatch({ changes: { from: 0, to: view.state.doc.length, insert: text } });
        } finally {
          syncing = false;
        }
      } else states.set(file, stateOf(file, text));
    },
    showProblems: (list) => {
      problems = list;
      show();
    },
    jump: (p) => {
      if (FILES.includes(p.file) && p.file !== current) select(p.file);
      const { from } = place(view.state, p);
      view.dispatch({ selection: { anchor: from }, scrollIntoView: true });
      view.focus();
    },
  };
}

/** A problem's place in a document: from its column to the end of the word (its line when it names no column). */
function place(state, p) {
  const doc = state.doc;
  if (!p.line) return { from: 0, to: Math.min(doc.length, doc.line(1).to) };
  const line = doc.line(Math.min(Math.max(1, p.line), doc.lines));
  if (!p.column) return { from: line.from, to: line.to };
  const from = Math.min(line.to, line.from + Math.max(0, p.column - 1));
  const word = /^[^\s<>]*/.exec(line.text.slice(from - line.from))[0].length;
  return { from, to: Math.min(line.to, from + Math.max(1, word)) };
}

// ---- the preview: PDF and DOCX side by side ----

function preview(ctx, type, version, typeInfo, setProblems) {
  const draft = version.status === 'draft';
  const kind = typeInfo?.previewRecord ?? null;
  const pdfPane = h('div.preview-pane.pdf-pane', { dataset: { format: 'pdf' } });
  const docxPane = h('div.preview-pane.docx-pane', { dataset: { format: 'docx' } });
  const state = h('span.muted.preview-state');
  const record = h('select', { name: 'preview-record' }, h('option', { value: '' }, t('templates.sample')));
  if (kind && RECORD_LISTS[kind]) {
    api.get(RECORD_LISTS[kind], { pageSize: 50 }).then(
      (page) => {
        for (const x of page.items ?? []) record.append(h('option', { value: x.id }, recordLabel(x)));
      },
      () => undefined,
    );
  } else record.disabled = true;
  record.addEventListener('change', () => refreshSoon(0));

  let timer = null;
  let seq = 0;
  const refresh = async () => {
    const mine = ++seq;
    const query = { format: 'pdf', recordId: record.value || undefined };
    // A draft renders itself; a published version is what the type's preview renders; an older one has none.
    const path = draft ? `${base(type)}/drafts/${version.id}/preview` : `${base(type)}/preview`;
    const extra = draft ? {} : { locale: version.locale };
    fill(state, t('templates.rendering'));
    try {
      const [pdf, docx] = await Promise.all([
        api.postBlob(path, {}, { ...query, ...extra }),
        api.postBlob(path, {}, { ...query, ...extra, format: 'docx' }),
      ]);
      if (mine !== seq || !ctx.alive()) return;
      await Promise.all([showPdf(pdfPane, pdf.blob), showDocx(docxPane, docx.blob)]);
      if (mine !== seq) return;
      fill(state, t('templates.rendered'));
      pdfPane.closest('.template-preview')?.setAttribute('data-rendered', String(mine));
    } catch (err) {
      if (mine !== seq) return;
      fill(state);
      if (err instanceof ApiError && (Array.isArray(err.details?.problems) || err.code === 'TEMPLATE_ERROR')) {
        setProblems(problemsOf(err));
        fill(pdfPane, h('div.alert.alert-error', t('templates.previewRefused')));
        fill(docxPane);
      } else fill(pdfPane, errorBox(err));
    }
  };
  const refreshSoon = (delay = PREVIEW_DELAY) => {
    clearTimeout(timer);
    timer = setTimeout(() => void refresh(), delay);
  };
  ctx.onLeave(() => clearTimeout(timer));
  // A draft renders itself (its editors may); the published version is what the type's preview renders.
  const usable = draft
    ? may('POST /api/templates/:type/drafts/:id/preview')
    : version.status === 'published' && may('POST /api/templates/:type/preview');
  return {
    refreshSoon: usable ? refreshSoon : () => undefined,
    el: h(
      'section.panel.template-preview',
      h('h2', t('templates.preview')),
      usable
        ? [
            h(
              'div.toolbar',
              h('label', t('templates.previewOn'), ' ', record),
              button(t('templates.refresh'), () => refresh(), { name: 'refresh-preview' }),
              state,
            ),
            h('div.preview-panes', h('div', h('h3', 'PDF'), pdfPane), h('div', h('h3', 'Word (DOCX)'), docxPane)),
          ]
        : h('p.muted', t('templates.noPreview')),
    ),
  };
}

const recordLabel = (x) =>
  [x.number ?? x.code ?? x.name ?? x.id, x.customer?.name ?? x.customerName ?? x.projectName ?? x.title]
    .filter(Boolean)
    .join(' · ');

let pdfjs = null;
async function loadPdfJs() {
  if (!pdfjs) {
    pdfjs = await vendor('pdf.js');
    pdfjs.GlobalWorkerOptions.workerSrc = new URL('../vendor/pdf.worker.js', import.meta.url).href;
  }
  return pdfjs;
}

/** The PDF's pages drawn on canvases (pdf.js), each with its text beside it for readers and searches. */
async function showPdf(pane, blob) {
  const lib = await loadPdfJs();
  const task = lib.getDocument({ data: new Uint8Array(await blob.arrayBuffer()), isEvalSupported: false });
  const doc = await task.promise;
  const pages = [];
  const width = Math.max(200, pane.clientWidth - 16);
  for (let n = 1; n <= doc.numPages; n++) {
    const page = await doc.getPage(n);
    const scale = width / page.getViewport({ scale: 1 }).width;
    const ratio = window.devicePixelRatio || 1;
    const viewport = page.getViewport({ scale: scale * ratio });
    const canvas = h('canvas', { width: Math.floor(viewport.width), height: Math.floor(viewport.height) });
    canvas.style.width = `${Math.floor(viewport.width / ratio)}px`;
    await page.render({ canvas, canvasContext: canvas.getContext('2d'), viewport }).promise;
    const text = (await page.getTextContent()).items.map((i) => ('str' in i ? i.str : '')).join('');
    pages.push(h('div.pdf-page', { dataset: { page: String(n) } }, canvas, h('div.pdf-text.visually-hidden', text)));
  }
  await task.destroy();
  fill(pane, pages);
}

/** The DOCX as HTML (mammoth), kept to the tags a document has: no attribute but an image's data: source. */
async function showDocx(pane, blob) {
  const { default: mammoth } = await vendor('mammoth.js');
  const { value } = await mammoth.convertToHtml({ arrayBuffer: await blob.arrayBuffer() });
  const parsed = new DOMParser().parseFromString(`<body>${value}</body>`, 'text/html');
  fill(pane, h('div.docx-page', [...parsed.body.childNodes].map(clean).filter(Boolean)));
}

const KEEP = new Set(
  'p h1 h2 h3 h4 h5 h6 strong em b i u s sub sup br table thead tbody tfoot tr td th ul ol li img a span div'.split(
    ' ',
  ),
);
function clean(node) {
  if (node.nodeType === Node.TEXT_NODE) return document.createTextNode(node.textContent ?? '');
  if (node.nodeType !== Node.ELEMENT_NODE) return null;
  const tag = node.nodeName.toLowerCase();
  if (!KEEP.has(tag)) return document.createTextNode(node.textContent ?? '');
  const el = document.createElement(tag === 'a' ? 'span' : tag);
  if (tag === 'img' && /^data:image\/(png|jpeg|gif);base64,/.test(node.getAttribute('src') ?? ''))
    el.setAttribute('src', node.getAttribute('src'));
  for (const a of ['colspan', 'rowspan']) if (node.hasAttribute(a)) el.setAttribute(a, node.getAttribute(a));
  for (const c of node.childNodes) {
    const x = clean(c);
    if (x) el.append(x);
  }
  return el;
}
