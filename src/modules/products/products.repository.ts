import { likeContains } from '../../database/like.js';
import { Injectable } from '@nestjs/common';
import { DataSource, In } from 'typeorm';
import { BaseRepository } from '../../database/transaction.js';
import type { ProductSort } from './dto/product-query.dto.js';
import { Product } from './product.entity.js';

export interface ProductSearch {
  q?: string;
  productLine?: string;
  active?: boolean;
  sort: ProductSort;
  order: 'asc' | 'desc';
}

export type ProductData = Omit<Product, 'id' | 'createdAt' | 'updatedAt' | 'version'>;

const SORT_COLUMNS: Record<ProductSort, string> = {
  code: 'p.code',
  nameZh: 'p.name_zh',
  createdAt: 'p.created_at',
  updatedAt: 'p.updated_at',
};

/** A search term for LIKE: % and _ match themselves. */

@Injectable()
export class ProductsRepository extends BaseRepository {
  constructor(dataSource: DataSource) {
    super(dataSource);
  }

  /** The record's version, its row locked for the rest of the transaction (checkVersion); null: no such record. */
  lockVersion(id: string): Promise<number | null> {
    return this.lockedVersion(Product, id);
  }

  findById(id: string): Promise<Product | null> {
    return this.repo(Product).findOneBy({ id });
  }

  findByIds(ids: string[]): Promise<Product[]> {
    if (!ids.length) return Promise.resolve([]);
    return this.repo(Product).find({ where: { id: In(ids) }, order: { code: 'ASC' } });
  }

  findByCode(code: string): Promise<Product | null> {
    return this.repo(Product).findOneBy({ code });
  }

  /** Text search is ILIKE (works for Chinese, needs no extension: pg_trgm is not in the embedded PostgreSQL). */
  list(search: ProductSearch, page: number, pageSize: number): Promise<[Product[], number]> {
    return this.query(search)
      .offset((page - 1) * pageSize)
      .limit(pageSize)
      .getManyAndCount();
  }

  /** Every match, in the same order as the list (an export). */
  all(search: ProductSearch): Promise<Product[]> {
    return this.query(search).getMany();
  }

  /** Every product code in the table (an import refuses codes that exist). */
  /** The products with these codes (an import matches its rows by code). */
  findByCodes(codes: string[]): Promise<Product[]> {
    if (!codes.length) return Promise.resolve([]);
    return this.repo(Product).find({ where: { code: In(codes) } });
  }

  private query(search: ProductSearch) {
    const q = this.repo(Product).createQueryBuilder('p');
    if (search.q) {
      q.andWhere('(p.code ILIKE :p OR p.name_zh ILIKE :p OR p.name_en ILIKE :p OR p.specification ILIKE :p)', {
        p: likeContains(search.q),
      });
    }
    if (search.productLine) q.andWhere('p.product_line = :line', { line: search.productLine });
    if (search.active !== undefined) q.andWhere('p.active = :active', { active: search.active });
    const dir = search.order === 'desc' ? 'DESC' : 'ASC';
    return q.orderBy(SORT_COLUMNS[search.sort], dir).addOrderBy('p.id', dir);
  }

  create(data: ProductData): Promise<Product> {
    return this.repo(Product).save(this.repo(Product).create(data));
  }

  async insertMany(rows: ProductData[]): Promise<void> {
    // insert() bypasses save()'s per-row round trips; the transformer still formats the prices.
    for (let i = 0; i < rows.length; i += 500) await this.repo(Product).insert(rows.slice(i, i + 500));
  }

  save(product: Product): Promise<Product> {
    return this.repo(Product).save(product);
  }
}
