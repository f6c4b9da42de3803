import { defineTable } from '../../common/tabular/table-spec.js';
import { CreateProductDto } from './dto/product.dto.js';

const CURRENCY_WORDS: Record<string, string> = {
  人民币: 'CNY',
  元: 'CNY',
  美元: 'USD',
  欧元: 'EUR',
  港币: 'HKD',
  港元: 'HKD',
};

const ACTIVE_WORDS: Record<string, boolean> = {
  启用: true,
  在售: true,
  是: true,
  true: true,
  停用: false,
  停售: false,
  否: false,
  false: false,
};

/**
 * The price list sheet (价格表). Both prices are `priced` (no price column for production users); the floor
 * price column is also left out for users who may not see it (ProductsService.export).
 */
export const PRODUCT_TABLE = defineTable({
  name: 'products',
  title: '产品价格表',
  dto: CreateProductDto,
  withId: true,
  columns: [
    { key: 'code', header: '产品编码', aliases: ['编码', '产品代码', '物料编码'], required: true, width: 14 },
    { key: 'nameZh', header: '产品名称', aliases: ['名称', '中文名称', '品名', 'name'], required: true, width: 22 },
    { key: 'nameEn', header: '英文名称', aliases: ['英文名'], width: 30 },
    { key: 'specification', header: '规格型号', aliases: ['规格', '型号', '技术参数'], width: 50 },
    { key: 'unit', header: '单位', aliases: ['计量单位'], required: true, width: 6 },
    {
      key: 'listPrice',
      header: '目录价',
      aliases: ['目录价（元）', '目录价格', '标准价', '单价'],
      type: 'amount',
      required: true,
      priced: true,
      width: 16,
    },
    {
      key: 'floorPrice',
      header: '最低价',
      aliases: ['最低价（元）', '最低限价', '底价'],
      type: 'amount',
      required: true,
      priced: true,
      width: 16,
    },
    // "13%" as people write it; the DTO wants the percentage as a decimal string ("13" or "13.00").
    {
      key: 'taxRate',
      header: '税率',
      aliases: ['增值税率', '税率%'],
      width: 8,
      decimal: true,
      emptyMeans: '13.00',
      fromCell: (t) => t.replace(/\s*%$/, ''),
    },
    {
      key: 'currency',
      header: '币种',
      aliases: ['货币'],
      width: 8,
      emptyMeans: 'CNY',
      fromCell: (t) => CURRENCY_WORDS[t] ?? t.toUpperCase(),
    },
    { key: 'productLine', header: '产品线', aliases: ['产品类别', '类别'], width: 12 },
    // Unknown words pass through as text, which the DTO's IsBoolean refuses by name.
    {
      key: 'active',
      header: '状态',
      aliases: ['启用'],
      width: 8,
      emptyMeans: true,
      fromCell: (t) => ACTIVE_WORDS[t.toLowerCase()] ?? t,
      toCell: (v) => (v === false ? '停用' : '启用'),
    },
  ],
});
