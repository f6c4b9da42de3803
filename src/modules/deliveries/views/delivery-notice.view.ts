import type { DateOnly } from '../../../common/tabular/date-only.js';
import type { Delivery } from '../delivery.entity.js';
import { formatQty } from '../delivery-rules.js';

/**
 * The data templates/delivery-notice is rendered from. Built field by field from the delivery (whose items carry
 * no price) and the contract's numbers and names: nothing commercial reaches the template, so the notice cannot
 * print a price, and the gate's amounts and the approval's reason (internal) stay off it. An approved exception
 * prints as "shipped on approval" with the approver and the time.
 */

export interface NoticeCompany {
  name: string;
  nameEn: string | null;
  address: string | null;
  phone: string | null;
  taxId: string | null;
}

export interface NoticeContract {
  number: string;
  projectName: string;
  projectNumber: string | null;
}

export interface DeliveryNoticeData {
  company: NoticeCompany | null;
  notice: {
    number: string;
    /** ISO timestamp */
    issuedAt: string;
    issuedBy: string;
    shipDate: DateOnly;
    estimatedArrival: DateOnly | null;
  };
  contract: NoticeContract;
  customer: { name: string };
  items: { no: number; code: string | null; name: string; specification: string | null; qty: string; unit: string }[];
  consignee: { name: string; phone: string; address: string };
  transport: {
    carrier: string | null;
    driverName: string | null;
    driverPhone: string | null;
    licencePlate: string | null;
  };
  remarks: string | null;
  /** Set when a manager let the goods ship before the payment due: who and when (never why). */
  approval: { by: string; at: string } | null;
}

export function noticeData(
  d: Pick<
    Delivery,
    | 'number'
    | 'createdAt'
    | 'createdByName'
    | 'shipDate'
    | 'estimatedArrival'
    | 'items'
    | 'consignee'
    | 'contactPhone'
    | 'address'
    | 'carrier'
    | 'driverName'
    | 'driverPhone'
    | 'licencePlate'
    | 'remarks'
    | 'gate'
  >,
  contract: NoticeContract,
  customer: { name: string },
  company: NoticeCompany | null,
): DeliveryNoticeData {
  const approved = d.gate.result === 'approved';
  return {
    company: company && {
      name: company.name,
      nameEn: company.nameEn,
      address: company.address,
      phone: company.phone,
      taxId: company.taxId,
    },
    notice: {
      number: d.number,
      issuedAt: d.createdAt.toISOString(),
      issuedBy: d.createdByName,
      shipDate: d.shipDate,
      estimatedArrival: d.estimatedArrival,
    },
    contract: { number: contract.number, projectName: contract.projectName, projectNumber: contract.projectNumber },
    customer: { name: customer.name },
    items: d.items.map((i, n) => ({
      no: n + 1,
      code: i.productCode,
      name: i.name,
      specification: i.specification,
      qty: formatQty(i.qty),
      unit: i.unit,
    })),
    consignee: { name: d.consignee, phone: d.contactPhone, address: d.address },
    transport: {
      carrier: d.carrier,
      driverName: d.driverName,
      driverPhone: d.driverPhone,
      licencePlate: d.licencePlate,
    },
    remarks: d.remarks,
    approval: approved ? { by: d.gate.approvedBy?.name ?? '', at: d.gate.at } : null,
  };
}
