import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { BaseRepository } from '../../../database/transaction.js';
import { TenderPackageVersion } from './tender-package-version.entity.js';

@Injectable()
export class TenderPackageRepository extends BaseRepository {
  constructor(dataSource: DataSource) {
    super(dataSource);
  }

  create(data: Omit<TenderPackageVersion, 'id' | 'createdAt'>): Promise<TenderPackageVersion> {
    return this.repo(TenderPackageVersion).save(this.repo(TenderPackageVersion).create(data));
  }

  /** Every version of the tender's package, oldest first. */
  versions(tenderId: string): Promise<TenderPackageVersion[]> {
    return this.repo(TenderPackageVersion).find({ where: { tenderId }, order: { version: 'ASC' } });
  }

  find(tenderId: string, version: number): Promise<TenderPackageVersion | null> {
    return this.repo(TenderPackageVersion).findOneBy({ tenderId, version });
  }
}
