import type { MigrationInterface, QueryRunner } from 'typeorm';

export class QuotationLinkOpened1796693498251 implements MigrationInterface {
  name = 'QuotationLinkOpened1796693498251';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE "quotation_links" ADD "opened_at" TIMESTAMP WITH TIME ZONE`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE "quotation_links" DROP COLUMN "opened_at"`);
  }
}
