import { ImportRunner } from '../../common/tabular/import-runner.js';
import { Injectable, type OnModuleInit } from '@nestjs/common';
import { AppException } from '../../common/errors/app-exception.js';
import { ProductError } from './products.errors.js';
import { compare, type Amount } from '../../common/money.js';
import type { Page } from '../../common/pagination.js';
import { exportTable, type ExportedFile, type ExportFormat } from '../../common/tabular/export-table.js';
import type { ImportReport } from '../../common/tabular/table-spec.js';
import { TransactionRunner } from '../../database/transaction.js';
import { AuditService, SYSTEM_ACTOR, type AuditEvent } from '../audit/index.js';
import { type AuthUser, type Role, canSeePrices, hidePricesFor } from '../auth/index.js';
import type { Upload } from '../files/index.js';
import { DemoDataRegistry } from '../setup/index.js';
import { DEMO_PRODUCTS_CSV } from './demo-data.js';
import type { CreateProductDto, UpdateProductDto } from './dto/product.dto.js';
import type { ProductFilter, ProductQuery } from './dto/product-query.dto.js';
import type { Product } from './product.entity.js';
import { ProductsRepository, type ProductData } from './products.repository.js';
import { PRODUCT_TABLE } from './products.table.js';
import { checkVersion, type ExpectedVersion } from '../../common/versioning/record-version.js';

export type Actor = AuditEvent['actor'];

export interface ProductView {
  id: string;
  code: string;
  nameZh: string;
  nameEn: string | null;
  specification: string | null;
  unit: string;
  listPrice: Amount;
  floorPrice: Amount;
  taxRate: string;
  currency: string;
  productLine: string | null;
  active: boolean;
  createdAt: Date;
  updatedAt: Date;
  /** Goes up with every change; GET gives it as the ETag, writes take it as If-Match. */
  version: number;
}

/** What a caller may see: without floorPrice for sales, engineering…; without any price for production. */
export type ProductViewFor = Omit<ProductView, 'listPrice' | 'floorPrice'> &
  Partial<Pick<ProductView, 'listPrice' | 'floorPrice'>>;

/** Every price or amount field of a product (for price-free copies: JSON, exports, documents). */
export const PRODUCT_PRICE_FIELDS = ['listPrice', 'floorPrice'] as const;

/**
 * The floor price is the negotiation limit: the back office, finance and the manager (who approves prices
 * below it) see it; sales see the list price only, so the floor does not become the opening offer.
 */
export function canSeeFloorPrice(user: Pick<AuthUser, 'roles'>): boolean {
  return user.roles.some((r) => FLOOR_PRICE_ROLES.includes(r));
}
const FLOOR_PRICE_ROLES: readonly Role[] = ['admin', 'backoffice', 'finance', 'manager'];

const FIELDS = [
  'code',
  'nameZh',
  'nameEn',
  'specification',
  'unit',
  'listPrice',
  'floorPrice',
  'taxRate',
  'currency',
  'productLine',
  'active',
] as const;

const view = (p: Product): ProductView => ({
  id: p.id,
  code: p.code,
  nameZh: p.nameZh,
  nameEn: p.nameEn,
  specification: p.specification,
  unit: p.unit,
  listPrice: p.listPrice,
  floorPrice: p.floorPrice,
  taxRate: p.taxRate,
  currency: p.currency,
  productLine: p.productLine,
  active: p.active,
  createdAt: p.createdAt,
  updatedAt: p.updatedAt,
  version: p.version,
});

function auditFields(p: ProductView) {
  const { createdAt: _c, updatedAt: _u, version: _v, ...rest } = p;
  return rest;
}

/** The stored fields of a new product (API or sheet row), defaults filled in. */
const productData = (dto: CreateProductDto): ProductData => ({
  code: dto.code,
  nameZh: dto.nameZh,
  nameEn: dto.nameEn ?? null,
  specification: dto.specification ?? null,
  unit: dto.unit,
  listPrice: dto.listPrice,
  floorPrice: dto.floorPrice,
  taxRate: dto.taxRate ?? '13.00',
  currency: dto.currency ?? 'CNY',
  productLine: dto.productLine ?? null,
  active: dto.active ?? true,
});

/** Only these fields of a product's stored values: what an import row changes. */
const pick = (data: ProductData, fields: string[]): UpdateProductDto =>
  Object.fromEntries(fields.map((f) => [f, data[f as keyof ProductData]]));

const headerOf = (key: keyof CreateProductDto) => PRODUCT_TABLE.columns.find((c) => c.key === key)?.header;

function checkFloor(listPrice: Amount, floorPrice: Amount): void {
  if (compare(floorPrice, listPrice) > 0) {
    throw AppException.badRequest(ProductError.FLOOR_ABOVE_LIST, 'The floor price cannot be above the list price', {
      listPrice,
      floorPrice,
    });
  }
}

/** The price list. Written by admin, backoffice and manager; read by everyone, prices as the caller may see them. */
@Injectable()
export class ProductsService implements OnModuleInit {
  constructor(
    private readonly products: ProductsRepository,
    private readonly tx: TransactionRunner,
    private readonly audit: AuditService,
    private readonly imports: ImportRunner,
    private readonly demo: DemoDataRegistry,
  ) {}

  onModuleInit(): void {
    this.demo.register({ name: 'products', order: 30, load: () => this.loadDemo() });
  }

  /** The product with every field (for other services; filter with `viewFor` before showing it to a user). */
  async get(id: string): Promise<ProductView> {
    return view(await this.mustFind(id));
  }

  /** The products with these ids that exist (inactive ones included), every field, by code. */
  async findByIds(ids: string[]): Promise<ProductView[]> {
    return (await this.products.findByIds([...new Set(ids)])).map(view);
  }

  /** A product as this user may see it. */
  viewFor(user: Pick<AuthUser, 'roles'>, product: ProductView): ProductViewFor {
    const shown: ProductViewFor = { ...product };
    if (!canSeeFloorPrice(user)) delete shown.floorPrice;
    return hidePricesFor(user, shown, PRODUCT_PRICE_FIELDS);
  }

  async getFor(user: AuthUser, id: string): Promise<ProductViewFor> {
    return this.viewFor(user, await this.get(id));
  }

  async listFor(user: AuthUser, query: ProductQuery): Promise<Page<ProductViewFor>> {
    const { page, pageSize, ...filter } = query;
    const [items, total] = await this.products.list({ ...filter, q: filter.q?.trim() || undefined }, page, pageSize);
    return { items: items.map((p) => this.viewFor(user, view(p))), total, page, pageSize };
  }

  /**
   * The filtered price list as a sheet, with the columns this user may see: no price columns for
   * production, no floor price for sales and engineering (as in viewFor, which also filters the rows).
   */
  async export(user: AuthUser, filter: ProductFilter, format: ExportFormat): Promise<ExportedFile> {
    const products = await this.products.all({ ...filter, q: filter.q?.trim() || undefined });
    const columns = PRODUCT_TABLE.columns.filter((c) => c.key !== 'floorPrice' || canSeeFloorPrice(user));
    return exportTable(
      { ...PRODUCT_TABLE, columns },
      products.map((p) => this.viewFor(user, view(p))),
      format,
      { showPrices: canSeePrices(user) },
    );
  }

  /**
   * A CSV/XLSX price list: rows match products by ID (an export's) or code and update them through update(); other
   * rows are new. Every row valid -> all written in one transaction; else 422 IMPORT_INVALID and nothing. Beyond the
   * DTO, each row is checked as create() checks it: the floor price not above the list price.
   */
  async import(actor: Actor, upload: Upload | undefined, dryRun: boolean): Promise<ImportReport> {
    return this.imports.run<CreateProductDto, Product>(PRODUCT_TABLE, upload, {
      actor,
      dryRun,
      action: 'product.import',
      entityType: 'product',
      check: (row, line) =>
        compare(row.floorPrice, row.listPrice) > 0
          ? [
              {
                row: line,
                field: 'floorPrice',
                column: headerOf('floorPrice'),
                code: ProductError.FLOOR_ABOVE_LIST,
                message: `The floor price ${row.floorPrice} is above the list price ${row.listPrice}`,
              },
            ]
          : [],
      match: {
        keyColumns: ['code'],
        keyOf: (row) => (typeof row.code === 'string' ? row.code : null),
        byIds: (ids) => this.products.findByIds(ids),
        byKeys: (codes) => this.products.findByCodes(codes),
        rowOf: (p) => view(p),
      },
      insert: (rows) => this.products.insertMany(rows.map(productData)),
      update: (p, row, fields) => this.update(actor, p.id, pick(productData(row), fields), [p.version]),
    });
  }

  async create(actor: Actor, dto: CreateProductDto): Promise<ProductView> {
    checkFloor(dto.listPrice, dto.floorPrice);
    return this.tx.run(async () => {
      await this.checkCodeFree(dto.code);
      const saved = await this.get((await this.products.create(productData(dto))).id); // as stored: "8600" comes back "8600.00"
      await this.audit.record({
        actor,
        action: 'product.create',
        entityType: 'product',
        entityId: saved.id,
        details: { after: auditFields(saved) },
      });
      return saved;
    });
  }

  async update(actor: Actor, id: string, dto: UpdateProductDto, ifMatch?: ExpectedVersion): Promise<ProductView> {
    return this.tx.run(async () => {
      await checkVersion(ifMatch, () => this.products.lockVersion(id), { type: 'product', id });
      const product = await this.mustFind(id);
      const before = view(product);
      if (dto.code !== undefined && dto.code !== product.code) await this.checkCodeFree(dto.code);
      for (const f of FIELDS) if (dto[f] !== undefined) Object.assign(product, { [f]: dto[f] });
      checkFloor(product.listPrice, product.floorPrice);
      await this.products.save(product);
      const saved = await this.get(id); // as stored: "8600" comes back "8600.00"
      await this.audit.record({
        actor,
        action: 'product.update',
        entityType: 'product',
        entityId: id,
        details: { before: auditFields(before), after: auditFields(saved) },
      });
      return saved;
    });
  }

  /** DELETE deactivates: quotations keep referring to the product. */
  async deactivate(actor: Actor, id: string, ifMatch?: ExpectedVersion): Promise<ProductView> {
    return this.tx.run(async () => {
      await checkVersion(ifMatch, () => this.products.lockVersion(id), { type: 'product', id });
      const product = await this.mustFind(id);
      if (!product.active) return view(product);
      product.active = false;
      const saved = view(await this.products.save(product));
      await this.audit.record({
        actor,
        action: 'product.deactivate',
        entityType: 'product',
        entityId: id,
        details: { code: saved.code },
      });
      return saved;
    });
  }

  private async checkCodeFree(code: string): Promise<void> {
    if (await this.products.findByCode(code))
      throw AppException.conflict(ProductError.PRODUCT_CODE_EXISTS, `A product with code "${code}" already exists`, {
        code,
      });
  }

  private async mustFind(id: string): Promise<Product> {
    const product = await this.products.findById(id);
    if (!product) throw AppException.notFound(ProductError.PRODUCT_NOT_FOUND, 'No such product', { id });
    return product;
  }

  /** Through the import, as a user's sheet would go. */
  private async loadDemo(): Promise<void> {
    const csv = Buffer.from(DEMO_PRODUCTS_CSV, 'utf8');
    await this.import(SYSTEM_ACTOR, { originalName: 'products.demo.csv', bytes: csv }, false);
  }
}
