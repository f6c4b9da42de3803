// @ts-check
// One dictionary per language (i18n/<lang>.js); zh-CN unless the user chose English or Spanish.

/** The console's languages, which are also the languages documents are issued in (LOCALES on the server). */
export const LANGS = ['zh-CN', 'en', 'es'];
/** Each language named in itself, for the choice of a document's language. */
export const LANG_NAMES = { 'zh-CN': '中文', en: 'English', es: 'Español' };
/** The language switch's short labels. */
export const LANG_SHORT = { 'zh-CN': '中文', en: 'EN', es: 'ES' };
const LANG_KEY = 'td.lang';
let dict = {};
let lang = 'zh-CN';

export async function loadLang(wanted = localStorage.getItem(LANG_KEY)) {
  lang = LANGS.includes(wanted) ? wanted : 'zh-CN';
  dict = (await import(`../i18n/${lang}.js`)).default;
  localStorage.setItem(LANG_KEY, lang);
  document.documentElement.lang = lang;
  return lang;
}

export const currentLang = () => lang;

/** t('nav.customers'), t('list.total', { n: 3 }): the key itself when the dictionary lacks it. */
export function t(key, vars) {
  let s = dict[key];
  if (s === undefined) return key;
  if (vars) s = s.replace(/\{(\w+)\}/g, (m, name) => (vars[name] === undefined ? m : String(vars[name])));
  return s;
}

/** The label of an enum value (enum.quotationStatus.draft), or the value itself. */
export function tEnum(group, value) {
  if (value === null || value === undefined || value === '') return '';
  return dict[`enum.${group}.${value}`] ?? String(value);
}

/** Options for a <select> of an enum: [{ value, label }]. */
export const enumOptions = (group, values) => values.map((v) => ({ value: v, label: tEnum(group, v) }));
