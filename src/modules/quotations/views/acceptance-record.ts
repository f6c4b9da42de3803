import type { Amount } from '../../../common/money.js';

/** The data templates/quotation-acceptance-record/template.hbs is rendered from (its sample.json has the same shape). */
export interface AcceptanceRecordData {
  quotationNo: string;
  revision: number;
  projectName: string;
  customerName: string;
  total: Amount;
  currency: string;
  name: string;
  position: string;
  remark: string | null;
  /** the server's local time with its UTC offset, then the exact instant in UTC */
  at: string;
  ip: string;
  userAgent: string;
  sentTo: string;
  documentVersion: number;
  documentSha256: string;
}

/** "2026-12-07 16:30:05 UTC+08:00 (2026-12-07T08:30:05.123Z)": readable where the server is, and exact. */
export function recordTime(at: Date): string {
  const pad = (n: number) => String(Math.abs(n)).padStart(2, '0');
  const offset = -at.getTimezoneOffset();
  const local =
    `${at.getFullYear()}-${pad(at.getMonth() + 1)}-${pad(at.getDate())} ` +
    `${pad(at.getHours())}:${pad(at.getMinutes())}:${pad(at.getSeconds())}`;
  const zone = `UTC${offset < 0 ? '-' : '+'}${pad(Math.trunc(offset / 60))}:${pad(offset % 60)}`;
  return `${local} ${zone} (${at.toISOString()})`;
}
