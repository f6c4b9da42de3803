import type { MigrationInterface, QueryRunner } from 'typeorm';

export class TemplateVersions1796681168195 implements MigrationInterface {
  name = 'TemplateVersions1796681168195';

  async up(q: QueryRunner): Promise<void> {
    await q.query(
      `CREATE TABLE "template_versions" ("id" uuid NOT NULL DEFAULT gen_random_uuid(), "type" character varying(64) NOT NULL, "locale" character varying(8) NOT NULL, "number" integer NOT NULL, "files" jsonb NOT NULL, "hash" character(64) NOT NULL, "status" character varying(16) NOT NULL, "based_on" character varying(64) NOT NULL, "note" text, "created_by" uuid, "created_by_name" character varying(100) NOT NULL, "created_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), "published_by" uuid, "published_by_name" character varying(100), "published_at" TIMESTAMP WITH TIME ZONE, "restored_from" uuid, "version" integer NOT NULL DEFAULT '1', CONSTRAINT "PK_cfc439255ca2725f4102c554d41" PRIMARY KEY ("id"))`,
    );
    await q.query(`CREATE INDEX "IDX_4411d765474ecd89fd0ed1e01f" ON "template_versions"  ("hash") `);
    await q.query(
      `CREATE UNIQUE INDEX "UQ_template_versions_one_published" ON "template_versions"  ("type", "locale") WHERE "status" = 'published'`,
    );
    await q.query(
      `CREATE UNIQUE INDEX "IDX_976789321f0c2c8789fa991e1d" ON "template_versions"  ("type", "locale", "number") `,
    );
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP INDEX "public"."IDX_976789321f0c2c8789fa991e1d"`);
    await q.query(`DROP INDEX "public"."UQ_template_versions_one_published"`);
    await q.query(`DROP INDEX "public"."IDX_4411d765474ecd89fd0ed1e01f"`);
    await q.query(`DROP TABLE "template_versions"`);
  }
}
