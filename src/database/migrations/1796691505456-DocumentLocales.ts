import type { MigrationInterface, QueryRunner } from 'typeorm';

export class DocumentLocales1796691505456 implements MigrationInterface {
  name = 'DocumentLocales1796691505456';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE "company_profile" ADD "document_locale" character varying(10) NOT NULL DEFAULT 'zh-CN'`);
    await q.query(`ALTER TABLE "customers" ADD "locale" character varying(10)`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE "customers" DROP COLUMN "locale"`);
    await q.query(`ALTER TABLE "company_profile" DROP COLUMN "document_locale"`);
  }
}
