import { defineTable, labelled } from '../../common/tabular/table-spec.js';
import { CreateQualificationDto } from './dto/create-qualification.dto.js';
import type { QualificationType } from './qualification.entity.js';

export const QUALIFICATION_TYPE_LABELS: Record<QualificationType, string> = {
  business_licence: '营业执照',
  iso9001: 'ISO9001质量管理体系认证',
  iso14001: 'ISO14001环境管理体系认证',
  iso45001: 'ISO45001职业健康安全管理体系认证',
  industry_permit: '行业许可证',
  product_certificate: '产品认证',
  credit_rating: '信用等级',
  other: '其他',
};

/** The qualifications sheet: Chinese headers on export; Chinese or English headers (and type labels or codes) on import. */
export const QUALIFICATION_TABLE = defineTable({
  name: 'qualifications',
  title: '资质',
  dto: CreateQualificationDto,
  withId: true,
  columns: [
    {
      key: 'type',
      header: '资质类型',
      aliases: ['类型', '类别'],
      required: true,
      width: 30,
      ...labelled(QUALIFICATION_TYPE_LABELS, {
        质量管理体系: 'iso9001',
        环境管理体系: 'iso14001',
        职业健康安全管理体系: 'iso45001',
        许可证: 'industry_permit',
        产品证书: 'product_certificate',
        资信等级: 'credit_rating',
        信用评级: 'credit_rating',
      }),
    },
    { key: 'name', header: '资质名称', aliases: ['名称', '证书名称'], required: true, width: 30 },
    { key: 'number', header: '证书编号', aliases: ['编号'], width: 24 },
    { key: 'issuer', header: '发证机关', aliases: ['发证单位', '颁发机构'], width: 24 },
    { key: 'grade', header: '等级/范围', aliases: ['等级', '范围', '资质等级'], width: 30 },
    {
      key: 'validFrom',
      header: '有效期起',
      aliases: ['起始日期', '发证日期'],
      type: 'date',
      required: true,
      width: 12,
    },
    // 长期 (permanent) is how licences without an end date are written.
    {
      key: 'validTo',
      header: '有效期至',
      aliases: ['截止日期', '到期日期'],
      type: 'date',
      width: 12,
      fromCell: (t) => (t === '长期' ? null : t),
    },
    { key: 'notes', header: '备注', aliases: ['说明'], width: 30 },
  ],
});
