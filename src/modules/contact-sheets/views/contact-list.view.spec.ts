import { describe, expect, it } from '@jest/globals';
import ExcelJS from 'exceljs';
import { visibleText } from '../../../rendering/docx/visible-text.js';
import { TemplateEngine } from '../../../rendering/templates/template-engine.js';
import { amountForms } from '../../../common/amount-redaction.js';
import { contactListXlsx } from './contact-list-xlsx.js';
import { financeList, productionList, type ListHeader } from './contact-list.view.js';
import { contractAmounts } from '../../contracts/contract-amounts.js';
import { contractFixture } from './testing/contract-fixture.js';

const header: ListHeader = {
  company: null,
  generatedAt: '2026-07-01T01:00:00.000Z',
  period: { from: '2026-06-01', to: '2026-06-30' },
  statuses: [],
};

async function cells(xlsx: Buffer): Promise<string> {
  const wb = new ExcelJS.Workbook();
  await wb.xlsx.load(xlsx as unknown as ArrayBuffer);
  return wb.worksheets
    .map((ws) =>
      ws
        .getSheetValues()
        .map((r) => JSON.stringify(r))
        .join('\n'),
    )
    .join('\n');
}

describe('contact list', () => {
  const a = contractFixture();
  const b = contractFixture({
    id: '5f1c3a8e-0000-4000-8000-000000000009',
    number: 'HT2026-0032',
    projectNumber: null,
    status: 'approved',
    total: '1000.00',
  });
  const forms = contractAmounts(a).flatMap(amountForms);

  it('sums received and outstanding per contract and in total', () => {
    const data = financeList([a, b], new Map([[a.id, '86491.86']]), header);
    expect(data.rows.map((r) => [r.contractNumber, r.amount, r.received, r.outstanding])).toEqual([
      ['HT2026-0031', '288306.19', '86491.86', '201814.33'],
      ['HT2026-0032', '1000.00', '0.00', '1000.00'],
    ]);
    expect(data.totals).toEqual([
      { currency: 'CNY', amount: '289306.19', received: '86491.86', outstanding: '202814.33' },
    ]);
  });

  it('lists items and quantities for production, with no amount field or value', () => {
    const data = productionList([a, b], header, 'zh-CN');
    expect(data.rows[0].items).toBe('核子密度计 × 2 套；现场安装调试 × 1 项');
    for (const row of data.rows) {
      expect(Object.keys(row).sort()).toEqual([
        'contractNumber',
        'customer',
        'deliveryDate',
        'items',
        'no',
        'projectName',
        'projectNumber',
        'status',
      ]);
    }
    const json = JSON.stringify(data);
    expect(forms.filter((f) => json.includes(f))).toEqual([]);
  });

  it('renders both lists through the template, amounts only in the finance one', () => {
    const engine = new TemplateEngine();
    const production = visibleText(engine.render('contact-list', productionList([a], header, 'zh-CN')).html);
    expect(production).toContain('生产版');
    expect(production).toContain('核子密度计 × 2 套');
    expect(forms.filter((f) => production.includes(f))).toEqual([]);
    const finance = visibleText(engine.render('contact-list', financeList([a], new Map(), header)).html);
    expect(finance).toContain('¥288,306.19');
  });

  it('writes XLSX without any amount column for production and with number cells for finance', async () => {
    const production = await cells(await contactListXlsx(productionList([a], header, 'zh-CN')));
    expect(production).toContain('核子密度计 × 2 套');
    expect(forms.filter((f) => production.includes(f))).toEqual([]);
    const finance = await cells(await contactListXlsx(financeList([a], new Map(), header)));
    expect(finance).toContain('288306.19');
  });
});
