import type { MigrationInterface, QueryRunner } from 'typeorm';

export class TenderSectionFormats1796691787494 implements MigrationInterface {
  name = 'TenderSectionFormats1796691787494';

  async up(q: QueryRunner): Promise<void> {
    await q.query(
      `CREATE TABLE "tender_section_formats" ("id" uuid NOT NULL DEFAULT gen_random_uuid(), "tender_id" uuid NOT NULL, "key" character varying(48) NOT NULL, "title" character varying(200), "position" integer, "body" text NOT NULL, "hash" character(64) NOT NULL, "based_on" character varying(64) NOT NULL, "updated_by" uuid, "updated_by_name" character varying(100) NOT NULL, "updated_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), "version" integer NOT NULL DEFAULT '1', CONSTRAINT "PK_b17c10f41fade3a231f880778b1" PRIMARY KEY ("id"))`,
    );
    await q.query(
      `CREATE UNIQUE INDEX "IDX_6f43e3c5fecd34abd1dec728bf" ON "tender_section_formats"  ("tender_id", "key") `,
    );
    await q.query(`ALTER TABLE "tender_package_versions" ADD "formats" jsonb NOT NULL DEFAULT '[]'`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE "tender_package_versions" DROP COLUMN "formats"`);
    await q.query(`DROP INDEX "public"."IDX_6f43e3c5fecd34abd1dec728bf"`);
    await q.query(`DROP TABLE "tender_section_formats"`);
  }
}
