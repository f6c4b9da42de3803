import type { CreateCustomerDto } from './dto/customer.dto.js';

/**
 * Demo customers of 华东智能仪表: steel, petrochemical, power, water and mining companies. All fictional:
 * the credit codes have valid check characters but belong to no one, and the mail domains are under the
 * reserved .example, so a demo statement can never reach a real inbox. No sales owner: the demo has no
 * sales users (a backoffice user assigns them).
 */
export const DEMO_CUSTOMERS: CreateCustomerDto[] = [
  {
    name: '青澜钢铁集团有限公司',
    nameEn: 'Qinglan Iron & Steel Group Co., Ltd.',
    taxId: '91320500MA1W8K7C2W',
    address: '江苏省苏州市相城区青澜大道1号',
    phone: '0512-6655 3000',
    notes: '炼铁厂、炼钢厂两个用户单位；核子秤、核子料位计需提供辐射安全许可证复印件。',
    contacts: [
      { name: '赵志强', title: '设备部 仪表主管', phone: '139 1234 5601', email: 'zhao.zq@qinglan-steel.example' },
      {
        name: '刘芳',
        title: '财务部 会计',
        phone: '0512-6655 3021',
        email: 'finance@qinglan-steel.example',
        billing: true,
      },
    ],
  },
  {
    name: '华东海晟石化有限公司',
    nameEn: 'Huadong Haisheng Petrochemical Co., Ltd.',
    taxId: '91320200MA1N3QL60Q',
    address: '江苏省无锡市滨湖区石化路66号',
    phone: '0510-8520 7700',
    notes: '防爆要求：Ex d IIC T6 Gb；所有仪表需附防爆合格证。',
    contacts: [
      { name: '孙立新', title: '采购中心 仪表采购', phone: '138 0511 2233', email: 'sun.lx@haisheng-petro.example' },
      {
        name: '周敏',
        title: '财务部 应付主管',
        phone: '0510-8520 7712',
        email: 'ap@haisheng-petro.example',
        billing: true,
      },
    ],
  },
  {
    name: '东岚发电有限公司',
    nameEn: 'Donglan Power Generation Co., Ltd.',
    taxId: '91330200MA2H7RT51G',
    address: '浙江省宁波市北仑区东岚路18号',
    phone: '0574-8688 1000',
    contacts: [
      { name: '钱国华', title: '热工车间 主任', phone: '135 8800 1122', email: 'qian.gh@donglan-power.example' },
      { name: '吴静', title: '财务部', phone: '0574-8688 1035', email: 'caiwu@donglan-power.example', billing: true },
    ],
  },
  {
    name: '澄江水务集团有限公司',
    nameEn: 'Chengjiang Water Group Co., Ltd.',
    taxId: '91320300MA1R7HP28P',
    address: '江苏省徐州市云龙区澄江路200号',
    phone: '0516-8377 6000',
    notes: '水厂改造项目，电磁流量计以 DN200–DN600 为主。',
    contacts: [
      {
        name: '郑海燕',
        title: '计划财务部',
        phone: '0516-8377 6018',
        email: 'jhcw@chengjiang-water.example',
        billing: true,
      },
    ],
  },
  {
    name: '皖岭矿业有限公司',
    nameEn: 'Wanling Mining Co., Ltd.',
    taxId: '91340400MA2P5KD833',
    address: '安徽省淮南市八公山区皖岭路9号',
    phone: '0554-6622 8800',
    notes: '选矿厂矿浆浓度测量（核子密度计）；放射源运输须提前报备。',
    contacts: [
      { name: '冯强', title: '选矿厂 技术科', phone: '136 5554 7788', email: 'feng.q@wanling-mining.example' },
      {
        name: '陈丽',
        title: '财务科',
        phone: '0554-6622 8816',
        email: 'finance@wanling-mining.example',
        billing: true,
      },
    ],
  },
  {
    name: '甬港炼化有限公司',
    nameEn: 'Yonggang Refining & Chemicals Co., Ltd.',
    taxId: '91330600MA2B4TK75C',
    address: '浙江省绍兴市上虞区甬港化工园区6号',
    phone: '0575-8211 9000',
    contacts: [
      { name: '褚建明', title: '仪表车间 工程师', phone: '137 5750 3344', email: 'chu.jm@yonggang-refining.example' },
      {
        name: '卫红',
        title: '财务部 出纳',
        phone: '0575-8211 9023',
        email: 'fin@yonggang-refining.example',
        billing: true,
      },
    ],
  },
  {
    name: '淮川热电有限公司',
    nameEn: 'Huaichuan Thermal Power Co., Ltd.',
    taxId: '91320600MA1Q8WE428',
    address: '江苏省南通市崇川区淮川路51号',
    phone: '0513-8551 2000',
    contacts: [
      {
        name: '蒋文',
        title: '财务部',
        phone: '0513-8551 2019',
        email: 'jiang.w@huaichuan-power.example',
        billing: true,
      },
    ],
  },
  {
    name: '鲁源特钢股份有限公司',
    nameEn: 'Luyuan Special Steel Co., Ltd.',
    taxId: '91370300MA3C6NL927',
    address: '山东省淄博市张店区鲁源大街300号',
    phone: '0533-2188 5000',
    notes: '付款条件 3-6-1；质保金 10% 验收后一年支付。',
    contacts: [
      { name: '沈刚', title: '能源动力部', phone: '139 5330 6677', email: 'shen.g@luyuan-steel.example' },
      {
        name: '韩雪',
        title: '财务部 往来会计',
        phone: '0533-2188 5042',
        email: 'ar@luyuan-steel.example',
        billing: true,
      },
    ],
  },
];
