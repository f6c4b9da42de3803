/**
 * Demo qualifications of the fictional 华东智能仪表有限公司 (East China Smart Instruments Co., Ltd.), as the CSV
 * a back office would import: loaded through the same import code (QualificationsService.import). Dates are
 * relative to the day of loading ({today-30}), so two are always expired and one expires within 60 days.
 * Kept as a TypeScript string so that it ships in dist/ (the Docker image copies no src/).
 */
export const DEMO_QUALIFICATIONS_CSV = `资质类型,资质名称,证书编号,发证机关,等级/范围,有效期起,有效期至,备注
营业执照,营业执照,91320594MA1W8Q3K2T,苏州工业园区市场监督管理局,工业自动化仪表、传感器的研发、生产、销售及技术服务,{today-3650},长期,法定代表人：周建华
ISO9001质量管理体系认证,ISO 9001:2015 质量管理体系认证证书,00124Q31672R2M,中国质量认证中心,压力变送器、电磁流量计、雷达物位计的设计、生产和服务,{today-700},{today+395},
ISO14001环境管理体系认证,ISO 14001:2015 环境管理体系认证证书,00124E30911R1M,中国质量认证中心,压力变送器、电磁流量计、雷达物位计的设计、生产及相关管理活动,{today-1055},{today+40},到期前三个月申请再认证
ISO45001职业健康安全管理体系认证,ISO 45001:2018 职业健康安全管理体系认证证书,00124S20458R1M,中国质量认证中心,压力变送器、电磁流量计、雷达物位计的设计、生产及相关管理活动,{today-1125},{today-30},再认证审核已安排
行业许可证,辐射安全许可证,苏环辐证[E0417],江苏省生态环境厅,销售、使用Ⅴ类放射源（核子料位计）,{today-900},{today+925},
产品认证,计量器具型式批准证书（压力变送器）,2021F118-32,江苏省市场监督管理局,HDP-3051系列 0.075级 量程0~40MPa,{today-1400},{today+425},
产品认证,CE认证证书（电磁流量计）,CE-HD-2203-117,TÜV南德意志集团,HDM-300系列智能电磁流量计 EMC/LVD,{today-800},{today+1025},
产品认证,防爆合格证（隔爆型压力变送器）,CNEx22.1845X,国家级仪器仪表防爆安全监督检验站,Ex db IIC T6 Gb,{today-1000},{today+825},
产品认证,防爆合格证（本安型雷达物位计）,CNEx19.2731X,国家级仪器仪表防爆安全监督检验站,Ex ia IIC T4 Ga,{today-1830},{today-5},换证检验中
信用等级,AAA级信用企业证书,XY2023-0588,江苏省企业信用管理协会,AAA,{today-400},{today+330},
其他,高新技术企业证书,GR202332001876,江苏省科学技术厅,,{today-500},{today+595},
产品认证,SIL2功能安全认证证书（压力变送器）,SIL-2024-0321,exida,HDP-3051系列 SIL2（单台）/SIL3（冗余）,{today-200},{today+1625},
`;
