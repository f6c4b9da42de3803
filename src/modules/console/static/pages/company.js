// @ts-check
// The company profile (the seller on every document) and its seal images. Back office writes; the roles that issue
// documents read it, and only they see the seals (as on the API).
import { fill, h } from '../lib/dom.js';
import { api, ApiError } from '../lib/api.js';
import { LANG_NAMES, LANGS, t, tEnum } from '../lib/i18n.js';
import * as fmt from '../lib/format.js';
import { issuesDocuments, may, enumValues } from '../lib/session.js';
import {
  clean,
  dropzone,
  errorBox,
  fieldList,
  formView,
  pageHead,
  preview,
  rowsEditor,
  section,
  toast,
} from '../lib/ui.js';

// 统一社会信用代码 (GB 32100-2015), as src/modules/company/uscc.ts checks it: shown while typing, the API decides.
const USCC_CHARS = '0123456789ABCDEFGHJKLMNPQRTUWXY';
const USCC_WEIGHTS = [1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28];
/** null: valid; else the message key (and the expected check character). */
export function usccProblem(code) {
  if (!/^[0-9A-HJ-NPQRTUWXY]{18}$/.test(code)) return { key: 'company.usccShape' };
  let sum = 0;
  for (let i = 0; i < 17; i++) sum += USCC_CHARS.indexOf(code[i]) * USCC_WEIGHTS[i];
  const check = USCC_CHARS[(31 - (sum % 31)) % 31];
  return check === code[17] ? null : { key: 'company.usccCheck', check };
}

export async function render(ctx) {
  let profile = null;
  try {
    profile = await api.get('/api/company');
  } catch (err) {
    // No profile yet: the back office creates it with this form.
    if (!(err instanceof ApiError && err.code === 'COMPANY_PROFILE_NOT_SET')) throw err;
  }
  if (!ctx.alive()) return;
  const writer = may('PATCH /api/company');
  fill(
    ctx.el,
    pageHead(
      t('nav.company'),
      [],
      profile ? t('company.version', { v: profile.version, at: fmt.dateTime(profile.updatedAt) }) : null,
    ),
    profile ? null : h('div.alert.alert-warn', t(writer ? 'company.notSetWriter' : 'company.notSet')),
    h(
      'div.company-layout',
      h('div', writer ? profileForm(ctx, profile) : profile ? profileView(profile) : null),
      profile || writer ? seals(ctx, profile) : null,
    ),
  );
}

/** @type {[string, Record<string, unknown>][]} */
const FIELDS = [
  ['legalNameZh', { required: true, maxlength: 200 }],
  ['legalNameEn', { maxlength: 200 }],
  ['creditCode', { required: true, maxlength: 18 }],
  ['legalRepresentative', { maxlength: 100 }],
  ['addressZh', { wide: true, maxlength: 300 }],
  ['addressEn', { wide: true, maxlength: 300 }],
  ['postalCode', { maxlength: 20 }],
  ['phone', { maxlength: 50 }],
  ['fax', { maxlength: 50 }],
  ['email', { type: 'email', maxlength: 254 }],
  ['website', { maxlength: 200 }],
];

function profileView(p) {
  return h(
    'div.cols',
    section(
      t('company.profile'),
      fieldList([
        ...FIELDS.map(([name]) => [t(`company.${name}`), p[name]]),
        [t('company.documentLocale'), LANG_NAMES[p.documentLocale] ?? p.documentLocale],
      ]),
    ),
    section(
      t('company.bankAccounts'),
      p.bankAccounts.length
        ? fieldList(
            p.bankAccounts.map((a, i) => [
              i === 0 ? t('company.defaultAccount') : `${t('company.account')} ${i + 1}`,
              `${a.bankName}${a.branch ? ` ${a.branch}` : ''} · ${a.accountName} · ${a.accountNumber}`,
            ]),
          )
        : h('p.muted', t('common.empty')),
    ),
  );
}

function profileForm(ctx, p) {
  const hint = h('span.uscc-hint');
  const banks = rowsEditor({
    columns: [
      { key: 'bankName', label: t('company.bankName') },
      { key: 'branch', label: t('company.branch') },
      { key: 'accountName', label: t('company.accountName') },
      { key: 'accountNumber', label: t('company.accountNumber') },
    ],
    rows: p?.bankAccounts ?? [],
    blank: () => ({}),
    addLabel: t('company.addAccount'),
  });
  const form = formView(
    [
      ...FIELDS.map(([name, o]) => ({
        name,
        label: t(`company.${name}`),
        ...o,
        help: name === 'creditCode' ? hint : null,
      })),
      {
        name: 'documentLocale',
        label: t('company.documentLocale'),
        type: 'select',
        required: true,
        options: LANGS.map((l) => ({ value: l, label: LANG_NAMES[l] })),
        help: t('company.documentLocaleHelp'),
      },
      { type: 'heading', name: 'banks-h', label: t('company.bankAccounts') },
      {
        name: 'bankAccounts',
        label: '',
        type: 'custom',
        wide: true,
        render: () => ({ el: banks.el, get: () => banks.value() }),
      },
    ],
    p ?? { documentLocale: 'zh-CN' },
    {
      submitLabel: p ? t('common.save') : t('company.create'),
      onSubmit: async (v) => {
        const body = clean({ ...v, bankAccounts: undefined });
        body.bankAccounts = v.bankAccounts
          .filter((a) => a.bankName || a.accountName || a.accountNumber)
          .map((a) => clean(a));
        // PUT replaces the whole profile; If-Match: the version this form was read at (none when creating).
        await api.of(p).put('/api/company', body);
        toast(t('common.saved'));
        ctx.reload();
      },
    },
  );
  const code = form.querySelector('[name=creditCode]');
  const check = () => {
    const v = code.value.trim().toUpperCase();
    const problem = v ? usccProblem(v) : null;
    hint.className = `uscc-hint ${v ? (problem ? 'bad' : 'ok') : ''}`;
    fill(hint, v ? (problem ? t(problem.key, { check: problem.check }) : t('company.usccOk')) : t('company.usccHelp'));
  };
  code.addEventListener('input', check);
  check();
  return section(t('company.profile'), form);
}

function seals(ctx, p) {
  const mayWrite = may('PUT /api/company/seals/:kind');
  const maySee = issuesDocuments();
  return section(
    t('company.seals'),
    h('p.muted', t('company.sealsHelp')),
    h(
      'div.seal-grid',
      enumValues('sealKind').map((kind) => {
        const seal = p?.seals?.[kind] ?? null;
        const out = h('div.seal-result');
        return h(
          'div.seal',
          { dataset: { kind } },
          h('h3', tEnum('sealKind', kind)),
          seal
            ? [
                maySee
                  ? preview(() => api.blob(`/api/company/seals/${kind}`), { title: tEnum('sealKind', kind) })
                  : null,
                h(
                  'p.muted.seal-meta',
                  `${seal.width}×${seal.height} px · ${fmt.bytes(seal.size)} · ${fmt.dateTime(seal.uploadedAt)}`,
                ),
              ]
            : h('p.muted.seal-none', t('company.noSeal')),
          mayWrite
            ? dropzone({
                accept: 'image/png,.png',
                label: seal ? t('company.replaceSeal') : t('company.uploadSeal'),
                onFiles: async ([file]) => {
                  fill(out);
                  try {
                    await api.upload(`/api/company/seals/${kind}`, file, {}, undefined, 'PUT');
                  } catch (err) {
                    fill(out, errorBox(err));
                    return;
                  }
                  toast(t('company.sealUploaded'));
                  ctx.reload();
                },
              })
            : null,
          out,
        );
      }),
    ),
  );
}
