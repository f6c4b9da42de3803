// @ts-check
// Display formats. Amounts stay decimal strings from the API to the screen: grouped, never parsed as floats.
import { currentLang } from './i18n.js';

const SYMBOLS = { CNY: '¥', USD: '$', EUR: '€', GBP: '£', JPY: 'JP¥', HKD: 'HK$' };

/**
 * "1234567.8" -> "1,234,567.80"; with a currency: "¥1,234,567.80". In Spanish "1.234.567,80", "1.234.567,80 CNY",
 * "0,50 €": the documents' notation (src/rendering/templates/helpers.ts formatMoney says why).
 */
export function money(amount, currency) {
  if (amount === null || amount === undefined || amount === '') return '';
  const s = String(amount);
  const neg = s.startsWith('-');
  const [int, frac = ''] = (neg ? s.slice(1) : s).split('.');
  const cents = frac.length >= 2 ? frac : frac.padEnd(2, '0');
  if (currentLang() === 'es') {
    const figure = `${neg ? '-' : ''}${int.replace(/\B(?=(\d{3})+(?!\d))/g, '.')},${cents}`;
    return currency ? `${figure}\u00a0${currency === 'EUR' ? '€' : currency}` : figure;
  }
  const grouped = int.replace(/\B(?=(\d{3})+(?!\d))/g, ',');
  const sym = currency ? (SYMBOLS[currency] ?? `${currency} `) : '';
  return `${neg ? '-' : ''}${sym}${grouped}.${cents}`;
}

/** A percent string from the API ("13.00") as "13%"; in Spanish "13 %", "2,5 %". */
export function percent(p) {
  if (p === null || p === undefined || p === '') return '';
  const trimmed = String(p)
    .replace(/\.0+$/, '')
    .replace(/(\.\d*?)0+$/, '$1');
  return currentLang() === 'es' ? `${trimmed.replace('.', ',')}\u00a0%` : `${trimmed}%`;
}

const pad = (n) => String(n).padStart(2, '0');

/** A date-only string stays as it is; a timestamp shows as the local date. In Spanish, day first: 07/12/2026. */
export function date(v) {
  if (!v) return '';
  const d = /^\d{4}-\d{2}-\d{2}$/.test(v) ? null : new Date(v);
  if (d && Number.isNaN(d.getTime())) return String(v);
  const iso = d ? `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())}` : v;
  if (currentLang() !== 'es') return iso;
  const [y, m, day] = iso.split('-');
  return `${day}/${m}/${y}`;
}

export function dateTime(v) {
  if (!v) return '';
  const d = new Date(v);
  if (Number.isNaN(d.getTime())) return String(v);
  return `${date(v)} ${pad(d.getHours())}:${pad(d.getMinutes())}`;
}

/** Today in the browser's time zone, YYYY-MM-DD. */
export function today(offsetDays = 0) {
  const d = new Date();
  d.setDate(d.getDate() + offsetDays);
  return `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())}`;
}

export function bytes(n) {
  if (n === null || n === undefined) return '';
  if (n < 1024) return `${n} B`;
  if (n < 1024 * 1024) return `${(n / 1024).toFixed(1)} KB`;
  return `${(n / 1024 / 1024).toFixed(1)} MB`;
}

export const number = (n) => (n === null || n === undefined ? '' : new Intl.NumberFormat(currentLang()).format(n));
