import type { Locale } from '../../rendering/rendering.types.js';
import type { IssueMail } from '../documents/index.js';
import type { Delivery } from './delivery.entity.js';
import { formatQty } from './delivery-rules.js';
import type { NoticeCompany } from './views/delivery-notice.view.js';

/** The mail template (templates/mail/delivery-notice): one mail, worded per audience. */
export const NOTICE_MAIL = 'delivery-notice';
export const MAIL_AUDIENCES = ['production', 'customer'] as const;
export type MailAudience = (typeof MAIL_AUDIENCES)[number];

/** The attached notice's file name before its number, in the notice's language (zh-CN: as it always was). */
const NOTICE_FILE_STEM: Record<Locale, string> = {
  'zh-CN': '发货通知单',
  en: 'Delivery-notice',
  es: 'Albaran-de-entrega',
};

/** Version 1's messages keep the key they always had; a corrected notice (version n > 1) gets its own. */
export const mailKey = (id: string, audience: MailAudience, version = 1) =>
  version > 1 ? `delivery:${id}:${audience}:v${version}` : `delivery:${id}:${audience}`;

export type NoticeMailDelivery = Pick<
  Delivery,
  | 'id'
  | 'number'
  | 'items'
  | 'shipDate'
  | 'estimatedArrival'
  | 'consignee'
  | 'contactPhone'
  | 'address'
  | 'carrier'
  | 'driverName'
  | 'driverPhone'
  | 'licencePlate'
  | 'gate'
>;

export interface NoticeMailContract {
  number: string;
  projectName: string;
  customer: { name: string };
}

/** One transport detail printed on the notice; the template joins those present with the locale's separator. */
export type TransportPart = { carrier: string } | { driver: string; driverPhone: string | null } | { plate: string };

/** What templates/mail/delivery-notice gets (its sample.json has this shape). No price: nothing here carries one. */
export interface NoticeMailData {
  /** The audience, as flags the template can test. */
  production: boolean;
  customer: boolean;
  number: string;
  /** The version of a corrected notice (2, 3…); null for the first. */
  correctedVersion: number | null;
  contract: { number: string; projectName: string };
  customerName: string;
  shipDate: string;
  estimatedArrival: string | null;
  items: { no: number; name: string; specification: string | null; qty: string; unit: string }[];
  consignee: string;
  contactPhone: string;
  address: string;
  transport: TransportPart[];
  /** Shipped on a manager's approval (the gate overridden): who approved. Never the reason or the amounts. */
  approval: { name: string } | null;
  company: { name: string; nameEn: string | null; phone: string | null } | null;
}

export function noticeMailData(
  audience: MailAudience,
  d: NoticeMailDelivery,
  contract: NoticeMailContract,
  company: NoticeCompany | null,
  version: number,
): NoticeMailData {
  const transport: TransportPart[] = [];
  if (d.carrier) transport.push({ carrier: d.carrier });
  if (d.driverName) transport.push({ driver: d.driverName, driverPhone: d.driverPhone || null });
  if (d.licencePlate) transport.push({ plate: d.licencePlate });
  return {
    production: audience === 'production',
    customer: audience === 'customer',
    number: d.number,
    correctedVersion: version > 1 ? version : null,
    contract: { number: contract.number, projectName: contract.projectName },
    customerName: contract.customer.name,
    shipDate: d.shipDate,
    estimatedArrival: d.estimatedArrival || null,
    items: d.items.map((i, n) => ({
      no: n + 1,
      name: i.name,
      specification: i.specification || null,
      qty: formatQty(i.qty),
      unit: i.unit,
    })),
    consignee: d.consignee,
    contactPhone: d.contactPhone,
    address: d.address,
    transport,
    approval: d.gate.result === 'approved' ? { name: d.gate.approvedBy?.name ?? '' } : null,
    company: company && { name: company.name, nameEn: company.nameEn || null, phone: company.phone || null },
  };
}

/**
 * The notice's mails for version `version`: one per audience with an address (none: nobody to send it to, shown as
 * no_address), each with the notice's PDF attached, keyed per delivery, audience and version.
 */
export function noticeMails(input: {
  delivery: NoticeMailDelivery;
  contract: NoticeMailContract;
  company: NoticeCompany | null;
  version: number;
  addresses: Record<MailAudience, string | null>;
  /** Each audience's language; the attachment is the notice, in the customer's. */
  locales: Record<MailAudience, Locale>;
}): IssueMail[] {
  const { delivery: d, version } = input;
  return MAIL_AUDIENCES.flatMap((audience) => {
    const to = input.addresses[audience];
    if (!to) return [];
    return [
      {
        key: mailKey(d.id, audience, version),
        about: { type: 'delivery', id: d.id },
        audience,
        to: [to],
        template: NOTICE_MAIL,
        locale: input.locales[audience],
        data: noticeMailData(audience, d, input.contract, input.company, version),
        attach: [{ format: 'pdf' as const, fileName: `${NOTICE_FILE_STEM[input.locales.customer]}-${d.number}.pdf` }],
      },
    ];
  });
}
