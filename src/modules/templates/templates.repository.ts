import { Injectable } from '@nestjs/common';
import { DataSource, In, Not } from 'typeorm';
import { BaseRepository } from '../../database/transaction.js';
import { TemplateVersion } from './template-version.entity.js';

export type NewTemplateVersion = Omit<TemplateVersion, 'id' | 'createdAt' | 'version'>;

@Injectable()
export class TemplatesRepository extends BaseRepository {
  constructor(dataSource: DataSource) {
    super(dataSource);
  }

  /**
   * Serialises the writes of one type and locale (numbering, publishing) until the transaction ends: a transaction
   * advisory lock, so that two publishes wait for each other instead of one failing on the unique index.
   */
  async lockTemplate(type: string, locale: string): Promise<void> {
    await this.manager.query('SELECT pg_advisory_xact_lock(hashtextextended($1, 0))', [`template:${type}:${locale}`]);
  }

  /** The version of a draft (its row locked for the rest of the transaction; see checkVersion); null: none. */
  lockVersion(id: string): Promise<number | null> {
    return this.lockedVersion(TemplateVersion, id);
  }

  /** The published version of a type and locale (one indexed query: every render asks it). */
  published(type: string, locale: string): Promise<TemplateVersion | null> {
    return this.repo(TemplateVersion).findOneBy({ type, locale, status: 'published' });
  }

  findById(id: string): Promise<TemplateVersion | null> {
    return this.repo(TemplateVersion).findOneBy({ id });
  }

  /** Every version of a type (and locale), newest first. */
  list(type: string, locale?: string): Promise<TemplateVersion[]> {
    return this.repo(TemplateVersion).find({
      where: { type, ...(locale ? { locale } : {}) },
      order: { locale: 'ASC', number: 'DESC' },
    });
  }

  /** The versions documents may have been rendered with (every one but drafts), of any type. */
  issuable(): Promise<TemplateVersion[]> {
    return this.repo(TemplateVersion).find({ where: { status: Not('draft') }, order: { createdAt: 'ASC' } });
  }

  findByHash(hash: string): Promise<TemplateVersion[]> {
    return this.repo(TemplateVersion).find({ where: { hash }, order: { createdAt: 'ASC' } });
  }

  async nextNumber(type: string, locale: string): Promise<number> {
    const row = await this.repo(TemplateVersion)
      .createQueryBuilder('v')
      .select('COALESCE(MAX(v.number), 0)', 'max')
      .where('v.type = :type AND v.locale = :locale', { type, locale })
      .getRawOne<{ max: number | string }>();
    return Number(row?.max ?? 0) + 1;
  }

  create(data: NewTemplateVersion): Promise<TemplateVersion> {
    return this.repo(TemplateVersion).save(this.repo(TemplateVersion).create(data));
  }

  save(v: TemplateVersion): Promise<TemplateVersion> {
    return this.repo(TemplateVersion).save(v);
  }

  /** The published version of a type and locale becomes superseded; returns the ids it applied to. */
  async supersede(type: string, locale: string): Promise<string[]> {
    const current = await this.repo(TemplateVersion).find({ where: { type, locale, status: 'published' } });
    if (current.length) {
      await this.repo(TemplateVersion).update({ id: In(current.map((v) => v.id)) }, { status: 'superseded' });
    }
    return current.map((v) => v.id);
  }

  async delete(id: string): Promise<void> {
    await this.repo(TemplateVersion).delete({ id });
  }
}
