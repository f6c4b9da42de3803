import { Injectable } from '@nestjs/common';
import { DataSource, In } from 'typeorm';
import { BaseRepository } from '../../database/transaction.js';
import type { ProductSort } from './dto/product-query.dto.js';
import { Product } from './product.entity.js';

export interface ProductFilter {
  q?: string;
  productLine?: string;
  active?: boolean;
  sort: ProductSort;
  order: 'asc' | 'desc';
}

export type ProductData = Omit<Product, 'id' | 'createdAt' | 'updatedAt'>;

const SORT_COLUMNS: Record<ProductSort, string> = {
  code: 'p.code',
  nameZh: 'p.name_zh',
  createdAt: 'p.created_at',
  updatedAt: 'p.updated_at',
};

/** A search term for LIKE: % and _ match themselves. */
const likePattern = (term: string) => `%${term.replace(/[\\%_]/g, '\\$&')}%`;

@Injectable()
export class ProductsRepository extends BaseRepository {
  constructor(dataSource: DataSource) {
    super(dataSource);
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
  list(filter: ProductFilter, page: number, pageSize: number): Promise<[Product[], number]> {
    const q = this.repo(Product).createQueryBuilder('p');
    if (filter.q) {
      q.andWhere('(p.code ILIKE :p OR p.name_zh ILIKE :p OR p.name_en ILIKE :p OR p.specification ILIKE :p)', {
        p: likePattern(filter.q),
      });
    }
    if (filter.productLine) q.andWhere('p.product_line = :line', { line: filter.productLine });
    if (filter.active !== undefined) q.andWhere('p.active = :active', { active: filter.active });
    const dir = filter.order === 'desc' ? 'DESC' : 'ASC';
    return q
      .orderBy(SORT_COLUMNS[filter.sort], dir)
      .addOrderBy('p.id', dir)
      .offset((page - 1) * pageSize)
      .limit(pageSize)
      .getManyAndCount();
  }

  create(data: ProductData): Promise<Product> {
    return this.repo(Product).save(this.repo(Product).create(data));
  }

  save(product: Product): Promise<Product> {
    return this.repo(Product).save(product);
  }
}
