import type { MigrationInterface, QueryRunner } from 'typeorm';

export class ContactSheets1795469938296 implements MigrationInterface {
  name = 'ContactSheets1795469938296';

  async up(q: QueryRunner): Promise<void> {
    await q.query(
      `CREATE TABLE "project_number_counters" ("year" integer NOT NULL, "last" integer NOT NULL, CONSTRAINT "PK_118eccdb43adf0593a8af5daff9" PRIMARY KEY ("year"))`,
    );
    await q.query(
      `CREATE TABLE "contact_sheets" ("id" uuid NOT NULL DEFAULT gen_random_uuid(), "contract_id" uuid NOT NULL, "version" integer NOT NULL, "contract_revision" integer NOT NULL, "project_number" character varying(40) NOT NULL, "status" character varying(16) NOT NULL, "issued_at" TIMESTAMP WITH TIME ZONE NOT NULL, "issued_by" uuid, "issued_by_name" character varying(100) NOT NULL, "completed_at" TIMESTAMP WITH TIME ZONE, "copies" jsonb NOT NULL DEFAULT '{}', "render_job_id" uuid, "created_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), "updated_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), CONSTRAINT "UQ_e5183ca4f612051c86be64ec032" UNIQUE ("contract_id", "version"), CONSTRAINT "PK_82769565e855725be8aec410d1e" PRIMARY KEY ("id"))`,
    );
    await q.query(`CREATE INDEX "IDX_1b6403cf0a549a7d42af08414b" ON "contact_sheets"  ("contract_id") `);
    await q.query(
      `CREATE TABLE "contact_sheet_signoffs" ("id" uuid NOT NULL DEFAULT gen_random_uuid(), "sheet_id" uuid NOT NULL, "department" character varying(16) NOT NULL, "user_id" uuid NOT NULL, "name" character varying(100) NOT NULL, "signed_at" TIMESTAMP WITH TIME ZONE NOT NULL, "comment" text, CONSTRAINT "UQ_9372d20ccf90feb9d861f218284" UNIQUE ("sheet_id", "department"), CONSTRAINT "PK_5582fe044d08883969a5fb61b78" PRIMARY KEY ("id"))`,
    );
    await q.query(`CREATE INDEX "IDX_cdb14e76ed7d9613c7285d4d60" ON "contact_sheet_signoffs"  ("sheet_id") `);
    await q.query(
      `CREATE TABLE "contact_sheet_mailings" ("id" uuid NOT NULL DEFAULT gen_random_uuid(), "sheet_id" uuid NOT NULL, "sheet_version" integer NOT NULL, "stage" character varying(16) NOT NULL, "department" character varying(16) NOT NULL, "document_version" integer NOT NULL, "address" character varying(320), "status" character varying(16) NOT NULL, "message_id" character varying(300), "attempts" integer NOT NULL DEFAULT '0', "error" text, "created_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), "updated_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), CONSTRAINT "UQ_8bf184d58d63491a032c9cc2d66" UNIQUE ("sheet_id", "stage", "department"), CONSTRAINT "PK_4ee12e94a494968eecaee831883" PRIMARY KEY ("id"))`,
    );
    await q.query(`CREATE INDEX "IDX_05300994947e3f0bfa82790b0d" ON "contact_sheet_mailings"  ("sheet_id") `);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP INDEX "public"."IDX_05300994947e3f0bfa82790b0d"`);
    await q.query(`DROP TABLE "contact_sheet_mailings"`);
    await q.query(`DROP INDEX "public"."IDX_cdb14e76ed7d9613c7285d4d60"`);
    await q.query(`DROP TABLE "contact_sheet_signoffs"`);
    await q.query(`DROP INDEX "public"."IDX_1b6403cf0a549a7d42af08414b"`);
    await q.query(`DROP TABLE "contact_sheets"`);
    await q.query(`DROP TABLE "project_number_counters"`);
  }
}
