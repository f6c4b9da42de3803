import type { MigrationInterface, QueryRunner } from 'typeorm';

export class TenderPackages1795469483688 implements MigrationInterface {
  name = 'TenderPackages1795469483688';

  async up(q: QueryRunner): Promise<void> {
    await q.query(
      `CREATE TABLE "tender_package_versions" ("id" uuid NOT NULL DEFAULT gen_random_uuid(), "tender_id" uuid NOT NULL, "document_id" uuid NOT NULL, "version" integer NOT NULL, "pages" integer NOT NULL, "sections" jsonb NOT NULL, "override_by" uuid, "override_by_name" character varying(100), "override_at" TIMESTAMP WITH TIME ZONE, "warnings" jsonb NOT NULL DEFAULT '[]', "created_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), CONSTRAINT "PK_1364b3b19f588149abbbc8a1362" PRIMARY KEY ("id"))`,
    );
    await q.query(`CREATE INDEX "IDX_b476685eb0c97c1b43bdced640" ON "tender_package_versions"  ("document_id") `);
    await q.query(
      `CREATE UNIQUE INDEX "IDX_53cdbf4464eb03b95243977e5f" ON "tender_package_versions"  ("tender_id", "version") `,
    );
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP INDEX "public"."IDX_53cdbf4464eb03b95243977e5f"`);
    await q.query(`DROP INDEX "public"."IDX_b476685eb0c97c1b43bdced640"`);
    await q.query(`DROP TABLE "tender_package_versions"`);
  }
}
