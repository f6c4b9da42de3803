import { describe, expect, it } from '@jest/globals';
import { IsIn, IsOptional, IsString } from 'class-validator';
import ExcelJS from 'exceljs';
import { IsAmount } from '../validation.js';
import { cellToValue } from './cells.js';
import { IsDateOnly, IsNotBefore } from './date-only.js';
import { exportTable } from './export-table.js';
import { importTable, matchRows, validateTable, type ImportPlan, type RowMatcher } from './import-table.js';
import { readTable } from './read-table.js';
import { defineTable, labelled } from './table-spec.js';

class ItemDto {
  @IsString()
  name!: string;

  @IsIn(['steel', 'power'])
  industry!: string;

  @IsAmount({ min: '0' })
  amount!: string;

  @IsDateOnly()
  from!: string;

  @IsOptional()
  @IsDateOnly()
  @IsNotBefore('from')
  to?: string;
}

const TABLE = defineTable({
  name: 'items',
  title: '条目',
  dto: ItemDto,
  columns: [
    { key: 'name', header: '名称', required: true },
    { key: 'industry', header: '行业', ...labelled({ steel: '钢铁', power: '电力' }, { 冶金: 'steel' }) },
    { key: 'amount', header: '金额', type: 'amount', priced: true },
    { key: 'from', header: '开始日期', type: 'date' },
    { key: 'to', header: '结束日期', type: 'date' },
  ],
});

const csv = (text: string) => Buffer.from(text, 'utf8');

describe('tabular import', () => {
  it('maps Chinese or English headers, normalises cells, and validates each row with the DTO', async () => {
    const table = await readTable(
      csv(
        '名称,industry,合同 金额*,开始日期,TO\n甲,冶金,"¥1,234.5",2024/3/5,2025年3月4日\n乙,Power,80000,2024-01-01,\n',
      ),
    );
    const { report, records } = await validateTable(TABLE, table);
    expect(report.errors).toEqual([
      { row: 1, field: null, column: '合同 金额*', message: expect.stringContaining('Unknown column') },
    ]);
    expect(records).toEqual([]);

    const ok = await validateTable(
      TABLE,
      await readTable(
        csv('名称,industry,金额*,开始日期,TO\n甲,冶金,"¥1,234.5",2024/3/5,2025年3月4日\n乙,Power,80000,2024-01-01,\n'),
      ),
    );
    expect(ok.report.errors).toEqual([]);
    expect(ok.records.map((r) => ({ ...r.record }))).toEqual([
      { name: '甲', industry: 'steel', amount: '1234.50', from: '2024-03-05', to: '2025-03-04' },
      { name: '乙', industry: 'power', amount: '80000.00', from: '2024-01-01' },
    ]);
    expect(ok.records.map((r) => r.row)).toEqual([2, 3]);
  });

  it('numbers rows as the sheet does (header = 1, blank rows counted) and names the field and column', async () => {
    const text =
      '名称,行业,金额,开始日期,结束日期\n好,钢铁,1,2024-01-01,\n\n坏,水务,-5,2024-13-01,\n好,电力,2,2024-05-01,2024-04-30\n';
    const { report } = await validateTable(TABLE, await readTable(csv(text)));
    expect(report.rows).toBe(3);
    expect(report.errors.map((e) => [e.row, e.field, e.column])).toEqual([
      [4, 'industry', '行业'],
      [4, 'amount', '金额'],
      [4, 'from', '开始日期'],
      [5, 'to', '结束日期'],
    ]);
  });

  it('refuses a sheet without a required column once, not once per row', async () => {
    const { report } = await validateTable(TABLE, await readTable(csv('行业,金额\n钢铁,1\n电力,2\n')));
    expect(report.errors).toEqual([
      { row: 1, field: 'name', column: '名称', message: expect.stringContaining('missing') },
    ]);
  });

  it('writes nothing when any row is bad, and everything in one call when all are good', async () => {
    const written: ItemDto[][] = [];
    const write = async (plan: ImportPlan<ItemDto, { id: string }>) => {
      written.push(plan.created.map((c) => c.record));
    };
    await expect(
      importTable(TABLE, csv('名称,行业,金额,开始日期\n甲,钢铁,1,2024-01-01\n乙,钢铁,x,2024-01-01\n'), { write }),
    ).rejects.toMatchObject({
      status: 422,
      code: 'IMPORT_INVALID',
      details: { rows: 2, errors: [expect.objectContaining({ row: 3, field: 'amount' })] },
    });
    expect(written).toEqual([]);
    const dry = await importTable(TABLE, csv('名称,行业,金额,开始日期\n甲,钢铁,1,2024-01-01\n'), {
      write,
      dryRun: true,
    });
    expect(dry).toMatchObject({ rows: 1, errors: [], dryRun: true, written: 0 });
    expect(written).toEqual([]);
    const done = await importTable(
      TABLE,
      csv('名称,行业,金额,开始日期\n甲,钢铁,1,2024-01-01\n乙,电力,2,2024-01-02\n'),
      { write },
    );
    expect(done).toMatchObject({ rows: 2, written: 2, dryRun: false });
    expect(written).toHaveLength(1);
    expect(written[0]).toHaveLength(2);
  });

  it('refuses a file that is neither CSV nor XLSX by its bytes', async () => {
    const png = Buffer.from('89504e470d0a1a0a0000000d49484452', 'hex');
    await expect(readTable(png)).rejects.toMatchObject({ status: 415, code: 'UNSUPPORTED_FILE_TYPE' });
  });
});

describe('matching rows to records', () => {
  interface Item {
    id: string;
    name: string;
    industry: string;
    amount: string;
    from: string;
  }
  const A = 'aaaaaaaa-aaaa-4aaa-8aaa-aaaaaaaaaaaa';
  const B = 'bbbbbbbb-bbbb-4bbb-8bbb-bbbbbbbbbbbb';
  const records: Item[] = [
    { id: A, name: '甲', industry: 'steel', amount: '100.00', from: '2024-01-01' },
    { id: B, name: '乙', industry: 'power', amount: '200.00', from: '2024-01-01' },
  ];
  const KEYED = defineTable({ ...TABLE, withId: true });
  const matcher: RowMatcher<ItemDto, Item> = {
    keyColumns: ['name'],
    keyOf: (row) => (typeof row.name === 'string' ? row.name : null),
    byIds: async (ids) => records.filter((r) => ids.includes(r.id)),
    byKeys: async (keys) => records.filter((r) => keys.includes(r.name)),
    rowOf: (r) => r,
  };
  const plan = async (text: string) =>
    matchRows(KEYED, await validateTable(KEYED, await readTable(csv(text))), matcher);

  it('finds records by ID or key, and lists only the fields that differ, amounts by value', async () => {
    const { report, plan: p } = await plan(
      `ID,名称,行业,金额,开始日期\n${A},甲,钢铁,100,2024-01-01\n,乙,电力,250.5,2024-01-01\n,丙,电力,1,2024-01-01\n`,
    );
    expect(report.results.map((r) => [r.row, r.status, r.id])).toEqual([
      [2, 'unchanged', A],
      [3, 'changed', B],
      [4, 'new', null],
    ]);
    expect(report.results[1].changes).toEqual([{ field: 'amount', column: '金额', old: '200.00', new: '250.50' }]);
    expect(report.totals).toEqual({ new: 1, changed: 1, unchanged: 1, error: 0 });
    expect(p.changed.map((c) => [c.existing.id, c.fields])).toEqual([[B, ['amount']]]);
    expect(p.created.map((c) => c.record.name)).toEqual(['丙']);
  });

  it('makes a row whose ID and key name two records, or a second row for one record, an error of that row', async () => {
    const { report, plan: p } = await plan(
      `ID,名称,行业,金额,开始日期\n${A},乙,钢铁,100,2024-01-01\n,乙,电力,200,2024-01-01\n${B},乙,电力,200,2024-01-01\n`,
    );
    expect(report.results.map((r) => [r.row, r.status, r.errors.map((e) => e.code)])).toEqual([
      [2, 'error', ['IMPORT_ROW_AMBIGUOUS']],
      [3, 'unchanged', []],
      [4, 'error', ['IMPORT_ROW_DUPLICATE']],
    ]);
    expect(report.errors.map((e) => e.row)).toEqual([2, 4]);
    expect(p.changed).toEqual([]);

    // Two rows giving the same new key: to a new record and to a matched one (renamed), or to two new ones.
    const renamed = await plan(
      `ID,名称,行业,金额,开始日期\n,丙,钢铁,1,2024-01-01\n${A},丙,钢铁,100,2024-01-01\n,丙,钢铁,1,2024-01-01\n`,
    );
    expect(renamed.report.results.map((r) => [r.row, r.status, r.errors.map((e) => e.message)])).toEqual([
      [2, 'new', []],
      [3, 'error', ['名称 "丙" is already used in row 2']],
      [4, 'error', ['名称 "丙" is already used in row 2']],
    ]);
  });
});

describe('tabular export', () => {
  const rows = [
    { name: '=cmd|"/c calc"!A1', industry: 'steel', amount: '12345678901234.56', from: '2024-03-05', to: null },
    { name: '乙', industry: 'power', amount: '80000.00', from: '2024-01-01', to: '2025-01-01' },
  ];

  it('writes XLSX with Chinese headers, real dates and exact amounts, and reads back the same records', async () => {
    const file = await exportTable(TABLE, rows, 'xlsx', { showPrices: true });
    const wb = new ExcelJS.Workbook();
    await wb.xlsx.load(file.body as unknown as ExcelJS.Buffer);
    const sheet = wb.worksheets[0];
    expect(sheet.name).toBe('条目');
    expect(sheet.getRow(1).values).toEqual([undefined, '名称', '行业', '金额', '开始日期', '结束日期']);
    expect(sheet.getCell('B2').value).toBe('钢铁');
    expect(sheet.getCell('C2').value).toBe('12345678901234.56'); // 16 digits: text, Excel would round a number
    expect(sheet.getCell('C3').value).toBe(80000); // a number Excel can add up
    expect(sheet.getCell('D2').value).toEqual(new Date('2024-03-05T00:00:00Z'));

    const back = await validateTable(TABLE, await readTable(file.body));
    expect(back.report.errors).toEqual([]);
    expect(back.records.map((r) => ({ ...r.record }))).toEqual([
      { name: rows[0].name, industry: 'steel', amount: '12345678901234.56', from: '2024-03-05' },
      { name: '乙', industry: 'power', amount: '80000.00', from: '2024-01-01', to: '2025-01-01' },
    ]);
  });

  it('writes CSV with a BOM, defuses formulas, leaves priced columns out when asked, and reads back', async () => {
    const file = await exportTable(TABLE, rows, 'csv', { showPrices: false });
    expect(file.contentType).toBe('text/csv; charset=utf-8');
    const text = file.body.toString('utf8');
    expect(text.startsWith('\ufeff名称,行业,开始日期,结束日期\r\n')).toBe(true);
    expect(text).not.toContain('金额');
    expect(text).not.toContain('12345678901234.56');
    expect(text).toContain('"\'=cmd|""/c calc""!A1"');
    const back = await readTable(file.body);
    expect(cellToValue(back.rows[0].cells[0], 'text')).toBe(rows[0].name);
  });
});
