import { defineTable } from '../../common/tabular/table-spec.js';
import type { CustomerView } from './customers.service.js';
import { CustomerRowDto } from './dto/customer-row.dto.js';

/**
 * The customer sheet (客户档案): Chinese headers on export; Chinese or English headers on import. One row per
 * customer, with at most two contacts: the main (first non-billing) contact and the billing contact.
 */
export const CUSTOMER_TABLE = defineTable({
  name: 'customers',
  title: '客户',
  dto: CustomerRowDto,
  withId: true,
  columns: [
    { key: 'name', header: '客户名称', aliases: ['客户', '单位名称', '公司名称'], required: true, width: 30 },
    { key: 'nameEn', header: '英文名称', aliases: ['英文名'], width: 30 },
    { key: 'taxId', header: '税号', aliases: ['统一社会信用代码', '纳税人识别号', '信用代码'], width: 22 },
    { key: 'address', header: '地址', aliases: ['公司地址', '注册地址'], width: 36 },
    { key: 'phone', header: '电话', aliases: ['公司电话', '总机'], width: 16 },
    { key: 'locale', header: '文档语言', aliases: ['语言', 'Language'], width: 10 },
    { key: 'salesOwner', header: '销售负责人', aliases: ['销售', '业务员', '客户经理'], width: 12 },
    { key: 'contactName', header: '联系人', aliases: ['业务联系人', '主要联系人'], width: 10 },
    { key: 'contactTitle', header: '联系人职务', aliases: ['联系人部门职务'], width: 16 },
    { key: 'contactPhone', header: '联系人电话', aliases: ['联系人手机'], width: 16 },
    { key: 'contactEmail', header: '联系人邮箱', aliases: ['联系人电子邮箱'], width: 28 },
    { key: 'billingContactName', header: '开票联系人', aliases: ['财务联系人'], width: 10 },
    { key: 'billingContactTitle', header: '开票联系人职务', aliases: ['财务联系人职务'], width: 16 },
    { key: 'billingContactPhone', header: '开票联系人电话', aliases: ['财务联系人电话'], width: 16 },
    { key: 'billingContactEmail', header: '开票联系人邮箱', aliases: ['财务联系人邮箱'], width: 28 },
    { key: 'notes', header: '备注', aliases: ['说明'], width: 40 },
  ],
});

/** A customer as a sheet row. Contacts beyond the main and the billing one have no columns (see the table). */
export function customerRow(c: CustomerView): Record<keyof CustomerRowDto | 'id', string | null | undefined> {
  const main = c.contacts.find((ct) => !ct.billing);
  const billing = c.billingContact;
  return {
    id: c.id,
    name: c.name,
    nameEn: c.nameEn,
    taxId: c.taxId,
    address: c.address,
    phone: c.phone,
    locale: c.locale,
    salesOwner: c.salesOwner?.name,
    contactName: main?.name,
    contactTitle: main?.title,
    contactPhone: main?.phone,
    contactEmail: main?.email,
    billingContactName: billing?.name,
    billingContactTitle: billing?.title,
    billingContactPhone: billing?.phone,
    billingContactEmail: billing?.email,
    notes: c.notes,
  };
}
