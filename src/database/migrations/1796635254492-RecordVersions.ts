import type { MigrationInterface, QueryRunner } from 'typeorm';

/** A version on each record people edit (ETag / If-Match, issue #14): existing rows start at 1. */
export class RecordVersions1796635254492 implements MigrationInterface {
  name = 'RecordVersions1796635254492';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE "company_profile" ADD "version" integer NOT NULL DEFAULT 1`);
    await q.query(`ALTER TABLE "customers" ADD "version" integer NOT NULL DEFAULT 1`);
    await q.query(`ALTER TABLE "products" ADD "version" integer NOT NULL DEFAULT 1`);
    await q.query(`ALTER TABLE "qualifications" ADD "version" integer NOT NULL DEFAULT 1`);
    await q.query(`ALTER TABLE "performance_records" ADD "version" integer NOT NULL DEFAULT 1`);
    await q.query(`ALTER TABLE "quotations" ADD "version" integer NOT NULL DEFAULT 1`);
    await q.query(`ALTER TABLE "tenders" ADD "version" integer NOT NULL DEFAULT 1`);
    await q.query(`ALTER TABLE "contracts" ADD "version" integer NOT NULL DEFAULT 1`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE "contracts" DROP COLUMN "version"`);
    await q.query(`ALTER TABLE "tenders" DROP COLUMN "version"`);
    await q.query(`ALTER TABLE "quotations" DROP COLUMN "version"`);
    await q.query(`ALTER TABLE "performance_records" DROP COLUMN "version"`);
    await q.query(`ALTER TABLE "qualifications" DROP COLUMN "version"`);
    await q.query(`ALTER TABLE "products" DROP COLUMN "version"`);
    await q.query(`ALTER TABLE "customers" DROP COLUMN "version"`);
    await q.query(`ALTER TABLE "company_profile" DROP COLUMN "version"`);
  }
}
