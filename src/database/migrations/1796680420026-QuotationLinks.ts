import type { MigrationInterface, QueryRunner } from 'typeorm';

export class QuotationLinks1796680420026 implements MigrationInterface {
  name = 'QuotationLinks1796680420026';

  async up(q: QueryRunner): Promise<void> {
    await q.query(
      `CREATE TABLE "quotation_links" ("id" uuid NOT NULL DEFAULT gen_random_uuid(), "quotation_id" uuid NOT NULL, "revision" integer NOT NULL, "document_id" uuid NOT NULL, "document_version" integer NOT NULL, "document_sha256" character(64) NOT NULL, "token_hash" character(64) NOT NULL, "expires_at" TIMESTAMP WITH TIME ZONE NOT NULL, "sent_to" character varying(320) NOT NULL, "locale" character varying(8) NOT NULL, "answer" character varying(16), "answered_at" TIMESTAMP WITH TIME ZONE, "name" character varying(100), "position" character varying(100), "reason" text, "ip" character varying(64), "user_agent" character varying(500), "audit_version" integer, "created_by" uuid, "created_by_name" character varying(100) NOT NULL, "created_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), CONSTRAINT "PK_9d3cb2e2ed3ecef1ea4c6a4684e" PRIMARY KEY ("id"))`,
    );
    await q.query(`CREATE INDEX "IDX_32f6e51898cba1bf222d6c23ab" ON "quotation_links"  ("quotation_id") `);
    await q.query(`CREATE UNIQUE INDEX "IDX_1ddf4bf7c9bdf259cfa00bc029" ON "quotation_links"  ("token_hash") `);
    await q.query(
      `ALTER TABLE "quotation_links" ADD CONSTRAINT "FK_32f6e51898cba1bf222d6c23ab7" FOREIGN KEY ("quotation_id") REFERENCES "quotations"("id") ON DELETE CASCADE ON UPDATE NO ACTION`,
    );
    await q.query(
      `ALTER TABLE "quotation_links" ADD CONSTRAINT "FK_8e82dd3d482cea6d2f7a6bc4584" FOREIGN KEY ("document_id") REFERENCES "documents"("id") ON DELETE NO ACTION ON UPDATE NO ACTION`,
    );
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE "quotation_links" DROP CONSTRAINT "FK_8e82dd3d482cea6d2f7a6bc4584"`);
    await q.query(`ALTER TABLE "quotation_links" DROP CONSTRAINT "FK_32f6e51898cba1bf222d6c23ab7"`);
    await q.query(`DROP INDEX "public"."IDX_1ddf4bf7c9bdf259cfa00bc029"`);
    await q.query(`DROP INDEX "public"."IDX_32f6e51898cba1bf222d6c23ab"`);
    await q.query(`DROP TABLE "quotation_links"`);
  }
}
