import ExcelJS from 'exceljs';
import { AMOUNT_PATTERN } from '../../../common/money.js';
import type { ContactListData } from './contact-list.view.js';

const STATUS_ZH: Record<string, string> = {
  draft: '草稿',
  review_failed: '评审未通过',
  approved: '已批准',
  active: '执行中',
  completed: '已完成',
  cancelled: '已取消',
};

// Excel keeps 15 significant digits of a number: a larger amount goes in as text so that no cent is lost.
const amountCell = (a: string) =>
  AMOUNT_PATTERN.test(a) && a.replace(/[-.]/g, '').replace(/^0+/, '').length <= 15 ? Number(a) : a;
const dateCell = (d: string | null) => (d ? new Date(`${d}T00:00:00Z`) : null);

interface Column {
  header: string;
  width: number;
  style?: Partial<ExcelJS.Style>;
}

/**
 * The contact list as a workbook (one sheet, Chinese headers, frozen header row). The production list is
 * written from its own rows, which have no amount field: there is no amount column to hide.
 */
export async function contactListXlsx(data: ContactListData): Promise<Buffer> {
  const workbook = new ExcelJS.Workbook();
  workbook.creator = 'Tenderdesk';
  const title = data.audience === 'finance' ? '合同联系清单（财务版）' : '合同联系清单（生产版）';
  const sheet = workbook.addWorksheet(title, { views: [{ state: 'frozen', ySplit: 1 }] });
  const date: Partial<ExcelJS.Style> = { numFmt: 'yyyy-mm-dd' };
  const money: Partial<ExcelJS.Style> = { numFmt: '#,##0.00' };
  const common: Column[] = [
    { header: '序号', width: 6 },
    { header: '项目号', width: 12 },
    { header: '合同编号', width: 14 },
    { header: '客户', width: 28 },
    { header: '项目名称', width: 32 },
  ];
  if (data.audience === 'finance') {
    const columns: Column[] = [
      ...common,
      { header: '签订日期', width: 12, style: date },
      { header: '交货日期', width: 12, style: date },
      { header: '币种', width: 6 },
      { header: '合同金额', width: 16, style: money },
      { header: '已收款', width: 16, style: money },
      { header: '未收款', width: 16, style: money },
      { header: '状态', width: 10 },
    ];
    sheet.columns = columns.map((c) => ({ header: c.header, width: c.width, style: c.style ?? {} }));
    for (const r of data.rows) {
      sheet.addRow([
        r.no,
        r.projectNumber,
        r.contractNumber,
        r.customer,
        r.projectName,
        dateCell(r.signingDate),
        dateCell(r.deliveryDate),
        r.currency,
        amountCell(r.amount),
        amountCell(r.received),
        amountCell(r.outstanding),
        STATUS_ZH[r.status] ?? r.status,
      ]);
    }
    for (const t of data.totals) {
      const row = sheet.addRow([
        null,
        `合计（${t.currency}）`,
        null,
        null,
        null,
        null,
        null,
        t.currency,
        amountCell(t.amount),
        amountCell(t.received),
        amountCell(t.outstanding),
        null,
      ]);
      row.font = { bold: true };
    }
  } else {
    const columns: Column[] = [
      ...common,
      { header: '货物（名称 × 数量）', width: 48 },
      { header: '交货日期', width: 12, style: date },
      { header: '状态', width: 10 },
    ];
    sheet.columns = columns.map((c) => ({ header: c.header, width: c.width, style: c.style ?? {} }));
    for (const r of data.rows) {
      sheet.addRow([
        r.no,
        r.projectNumber,
        r.contractNumber,
        r.customer,
        r.projectName,
        r.items,
        dateCell(r.deliveryDate),
        STATUS_ZH[r.status] ?? r.status,
      ]);
    }
  }
  sheet.getRow(1).font = { bold: true };
  return Buffer.from(await workbook.xlsx.writeBuffer());
}
