import { readTable } from '../../common/tabular/read-table.js';
import { validateTable } from '../../common/tabular/import-table.js';
import type { CreateProductDto } from './dto/product.dto.js';
import { PRODUCT_TABLE } from './products.table.js';

/**
 * The demo price list of 华东智能仪表: flowmeters, level gauges, radiometric (nuclear) gauges with sealed
 * sources, transmitters, analysers, cable and a service. Prices are invented but plausible (CNY, VAT 13 %
 * for goods, 6 % for services). Loaded through ProductsService.import, as a user's sheet would be; a
 * TypeScript string so that it ships in dist/.
 */
export const DEMO_PRODUCTS_CSV = `\
产品编码,产品名称,英文名称,规格型号,单位,目录价,最低价,税率,币种,产品线
LDG-50,电磁流量计,Electromagnetic flowmeter,DN50 PN16，PTFE 衬里，316L 电极，一体式，4-20mA/HART，220VAC，IP67,台,8600.00,6900.00,13.00,CNY,流量仪表
LDG-200,电磁流量计,Electromagnetic flowmeter,DN200 PN10，氯丁橡胶衬里，哈氏合金 C 电极，分体式，4-20mA/Modbus RTU，IP68 传感器,台,16800.00,13500.00,13.00,CNY,流量仪表
LUGB-80,涡街流量计,Vortex flowmeter,DN80 PN25，温压补偿一体，饱和/过热蒸汽，4-20mA/HART，Ex d IIC T6 Gb,台,7200.00,5800.00,13.00,CNY,流量仪表
CMF-25,科里奥利质量流量计,Coriolis mass flowmeter,DN25，U 型测量管 316L，精度 ±0.1%，密度测量，4-20mA/脉冲/HART，Ex d IIC T6 Gb,台,68000.00,56000.00,13.00,CNY,流量仪表
UFM-1000,外夹式超声波流量计,Clamp-on ultrasonic flowmeter,DN50–DN1000，双声道，壁挂式主机，4-20mA/RS485，含 1 对外夹传感器,套,23500.00,18800.00,13.00,CNY,流量仪表
RLT-80G,雷达物位计,Radar level transmitter,80GHz 调频连续波，量程 0–30 m，透镜天线，±2 mm，4-20mA/HART，Ex ia IIC T6 Ga,台,12800.00,10200.00,13.00,CNY,物位仪表
GWR-20,导波雷达物位计,Guided wave radar level transmitter,单缆探杆 20 m，界面测量，316L，4-20mA/HART,台,9800.00,7800.00,13.00,CNY,物位仪表
ULT-10,超声波液位计,Ultrasonic level transmitter,量程 0–10 m，一体式，4-20mA，24VDC，IP67,台,3600.00,2800.00,13.00,CNY,物位仪表
NDM-137,核子密度计,Radiometric density gauge,Cs-137 密封放射源 1.85 GBq（Ⅴ类源），铅屏蔽源容器带快门，管径 DN100–DN600，闪烁体探测器，4-20mA/HART；用户须持辐射安全许可证,套,198000.00,165000.00,13.00,CNY,核子仪表
NLS-60,核子料位开关,Radiometric point level switch,Cs-137 密封放射源 0.37 GBq，源容器 + 探测器，继电器输出，适用于高温料仓/溜槽堵料检测,套,86000.00,72000.00,13.00,CNY,核子仪表
NBS-1200,核子皮带秤,Nuclear belt scale,带宽 1200 mm，Cs-137 线状源，电离室探测器，累计精度 ±0.5%，4-20mA/Profibus DP,套,158000.00,132000.00,13.00,CNY,核子仪表
EDP-301,差压变送器,Differential pressure transmitter,量程 0–100 kPa，单晶硅传感器，精度 ±0.075%，4-20mA/HART，带三阀组,台,5600.00,4400.00,13.00,CNY,压力仪表
EPT-201,压力变送器,Pressure transmitter,量程 0–2.5 MPa，M20×1.5 接口，精度 ±0.2%，4-20mA，24VDC,台,2800.00,2200.00,13.00,CNY,压力仪表
ZO2-100,氧化锆氧分析仪,Zirconia oxygen analyser,直插式探头 1 m，烟温 ≤700 ℃，量程 0–25% O₂，4-20mA/RS485，含自动标定,套,32000.00,26500.00,13.00,CNY,分析仪器
COD-900,在线 COD 水质分析仪,Online COD analyser,重铬酸钾消解–比色法，量程 0–1000 mg/L，测量周期 ≤30 min，4-20mA/RS485,套,98000.00,82000.00,13.00,CNY,分析仪器
RVVP-2X1.0,屏蔽信号电缆,Shielded signal cable,RVVP 2×1.0 mm²，铜芯聚氯乙烯绝缘护套屏蔽软电缆,m,6.50,5.20,13.00,CNY,辅材
SRV-RAD,放射源仪表年度检测服务,Annual inspection of radiometric gauges,表面剂量率检测、源容器快门检查、检测报告 1 份（每套仪表）,次,6500.00,5000.00,6.00,CNY,服务
`;

/** The demo rows as the import reads them, for specs that check other demo data against them (quotations). */
export const DEMO_PRODUCTS: CreateProductDto[] = (
  await validateTable(PRODUCT_TABLE, await readTable(Buffer.from(DEMO_PRODUCTS_CSV, 'utf8')))
).records.map((r) => r.record);
