import { readTable } from '../../common/tabular/read-table.js';
import { validateTable } from '../../common/tabular/import-table.js';
import { CUSTOMER_TABLE } from './customers.table.js';
import type { CustomerRowDto } from './dto/customer-row.dto.js';

/**
 * Demo customers of 华东智能仪表: steel, petrochemical, power, water and mining companies, as the sheet a
 * back office would import, loaded through CustomersService.import. All fictional: the credit codes have
 * valid check characters but belong to no one, and the mail domains are under the reserved .example, so a
 * demo statement can never reach a real inbox. No sales owner column: the demo has no sales users (a
 * backoffice user assigns them). A TypeScript string so that it ships in dist/.
 */
export const DEMO_CUSTOMERS_CSV = `\
客户名称,英文名称,税号,地址,电话,联系人,联系人职务,联系人电话,联系人邮箱,开票联系人,开票联系人职务,开票联系人电话,开票联系人邮箱,备注
青澜钢铁集团有限公司,"Qinglan Iron & Steel Group Co., Ltd.",91320500MA1W8K7C2W,江苏省苏州市相城区青澜大道1号,0512-6655 3000,赵志强,设备部 仪表主管,139 1234 5601,zhao.zq@qinglan-steel.example,刘芳,财务部 会计,0512-6655 3021,finance@qinglan-steel.example,炼铁厂、炼钢厂两个用户单位；核子秤、核子料位计需提供辐射安全许可证复印件。
华东海晟石化有限公司,"Huadong Haisheng Petrochemical Co., Ltd.",91320200MA1N3QL60Q,江苏省无锡市滨湖区石化路66号,0510-8520 7700,孙立新,采购中心 仪表采购,138 0511 2233,sun.lx@haisheng-petro.example,周敏,财务部 应付主管,0510-8520 7712,ap@haisheng-petro.example,防爆要求：Ex d IIC T6 Gb；所有仪表需附防爆合格证。
东岚发电有限公司,"Donglan Power Generation Co., Ltd.",91330200MA2H7RT51G,浙江省宁波市北仑区东岚路18号,0574-8688 1000,钱国华,热工车间 主任,135 8800 1122,qian.gh@donglan-power.example,吴静,财务部,0574-8688 1035,caiwu@donglan-power.example,
澄江水务集团有限公司,"Chengjiang Water Group Co., Ltd.",91320300MA1R7HP28P,江苏省徐州市云龙区澄江路200号,0516-8377 6000,,,,,郑海燕,计划财务部,0516-8377 6018,jhcw@chengjiang-water.example,水厂改造项目，电磁流量计以 DN200–DN600 为主。
皖岭矿业有限公司,"Wanling Mining Co., Ltd.",91340400MA2P5KD833,安徽省淮南市八公山区皖岭路9号,0554-6622 8800,冯强,选矿厂 技术科,136 5554 7788,feng.q@wanling-mining.example,陈丽,财务科,0554-6622 8816,finance@wanling-mining.example,选矿厂矿浆浓度测量（核子密度计）；放射源运输须提前报备。
甬港炼化有限公司,"Yonggang Refining & Chemicals Co., Ltd.",91330600MA2B4TK75C,浙江省绍兴市上虞区甬港化工园区6号,0575-8211 9000,褚建明,仪表车间 工程师,137 5750 3344,chu.jm@yonggang-refining.example,卫红,财务部 出纳,0575-8211 9023,fin@yonggang-refining.example,
淮川热电有限公司,"Huaichuan Thermal Power Co., Ltd.",91320600MA1Q8WE428,江苏省南通市崇川区淮川路51号,0513-8551 2000,,,,,蒋文,财务部,0513-8551 2019,jiang.w@huaichuan-power.example,
鲁源特钢股份有限公司,"Luyuan Special Steel Co., Ltd.",91370300MA3C6NL927,山东省淄博市张店区鲁源大街300号,0533-2188 5000,沈刚,能源动力部,139 5330 6677,shen.g@luyuan-steel.example,韩雪,财务部 往来会计,0533-2188 5042,ar@luyuan-steel.example,付款条件 3-6-1；质保金 10% 验收后一年支付。
`;

/** The demo rows as the import reads them, for specs that check other demo data against them (quotations). */
export const DEMO_CUSTOMERS: CustomerRowDto[] = (
  await validateTable(CUSTOMER_TABLE, await readTable(Buffer.from(DEMO_CUSTOMERS_CSV, 'utf8')))
).records.map((r) => r.record);
