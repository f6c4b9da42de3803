import { defineTable, labelled } from '../../common/tabular/table-spec.js';
import { CreatePerformanceRecordDto } from './dto/create-performance-record.dto.js';

export const INDUSTRY_LABELS: Record<string, string> = {
  steel: '钢铁',
  petrochemical: '石油化工',
  power: '电力',
  water: '水务',
  mining: '矿山',
  chemical: '化工',
  other: '其他',
};

const CURRENCY_WORDS: Record<string, string> = {
  人民币: 'CNY',
  元: 'CNY',
  美元: 'USD',
  欧元: 'EUR',
  港币: 'HKD',
  港元: 'HKD',
};

/** The performance sheet. The amount column is `priced`: exports for production users leave it out. */
export const PERFORMANCE_TABLE = defineTable({
  name: 'performance-records',
  title: '业绩',
  dto: CreatePerformanceRecordDto,
  withId: true,
  columns: [
    { key: 'projectName', header: '项目名称', aliases: ['工程名称', 'project'], required: true, width: 40 },
    {
      key: 'customerName',
      header: '客户名称（甲方）',
      aliases: ['甲方', '客户名称', '客户', '业主单位', '建设单位', 'customer'],
      required: true,
      width: 30,
    },
    {
      key: 'industry',
      header: '行业',
      aliases: ['所属行业'],
      required: true,
      width: 10,
      ...labelled(INDUSTRY_LABELS, {
        冶金: 'steel',
        石化: 'petrochemical',
        发电: 'power',
        水处理: 'water',
        污水处理: 'water',
        采矿: 'mining',
        煤炭: 'mining',
      }),
    },
    { key: 'productLine', header: '产品线', aliases: ['产品类别', '产品'], width: 16 },
    {
      key: 'contractAmount',
      header: '合同金额',
      aliases: ['合同金额（元）', '金额', 'amount'],
      type: 'amount',
      required: true,
      priced: true,
      width: 18,
    },
    {
      key: 'currency',
      header: '币种',
      aliases: ['货币'],
      width: 8,
      emptyMeans: 'CNY',
      fromCell: (t) => CURRENCY_WORDS[t] ?? t.toUpperCase(),
    },
    {
      key: 'signedDate',
      header: '签订日期',
      aliases: ['签约日期', '合同签订日期'],
      type: 'date',
      required: true,
      width: 12,
    },
    { key: 'completedDate', header: '完工日期', aliases: ['验收日期', '竣工日期'], type: 'date', width: 12 },
    { key: 'location', header: '项目地点', aliases: ['地点'], width: 20 },
    { key: 'scope', header: '供货范围', aliases: ['范围', '合同内容'], width: 40 },
  ],
});
