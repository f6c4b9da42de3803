import type { MigrationInterface, QueryRunner } from 'typeorm';

export class Qualifications1795461350796 implements MigrationInterface {
  name = 'Qualifications1795461350796';

  async up(q: QueryRunner): Promise<void> {
    await q.query(
      `CREATE TABLE "stored_files" ("id" uuid NOT NULL DEFAULT gen_random_uuid(), "owner_type" character varying(40) NOT NULL, "owner_id" uuid NOT NULL, "purpose" character varying(40) NOT NULL, "kind" character varying(40), "original_name" character varying(255) NOT NULL, "content_type" character varying(100) NOT NULL, "size" integer NOT NULL, "sha256" character(64) NOT NULL, "storage_key" character varying(512) NOT NULL, "uploaded_by" uuid, "uploaded_by_name" character varying(100) NOT NULL, "uploaded_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), CONSTRAINT "UQ_d876a11b7afb1d51658687cd302" UNIQUE ("storage_key"), CONSTRAINT "PK_5d5be862bf53851c1794b4adf4e" PRIMARY KEY ("id"))`,
    );
    await q.query(`CREATE INDEX "IDX_9ef8411820266b4d0407075acd" ON "stored_files"  ("sha256") `);
    await q.query(`CREATE INDEX "IDX_974c20aa23354c20b87e392bb3" ON "stored_files"  ("owner_type", "owner_id") `);
    await q.query(
      `CREATE TABLE "qualifications" ("id" uuid NOT NULL DEFAULT gen_random_uuid(), "type" character varying(32) NOT NULL, "name" character varying(200) NOT NULL, "number" character varying(100), "issuer" character varying(200), "grade" character varying(500), "valid_from" date NOT NULL, "valid_to" date, "notes" text, "created_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), "updated_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), CONSTRAINT "PK_9ed4d526ac3b76ba3f1c1080433" PRIMARY KEY ("id"))`,
    );
    await q.query(`CREATE INDEX "IDX_de674949b090a629c927506dcc" ON "qualifications"  ("type") `);
    await q.query(`CREATE INDEX "IDX_49203811c4bd50409f1ac166de" ON "qualifications"  ("valid_to") `);
    await q.query(
      `CREATE TABLE "performance_records" ("id" uuid NOT NULL DEFAULT gen_random_uuid(), "project_name" character varying(300) NOT NULL, "customer_name" character varying(300) NOT NULL, "industry" character varying(64) NOT NULL, "product_line" character varying(100), "contract_amount" numeric(18,2) NOT NULL, "currency" character(3) NOT NULL DEFAULT 'CNY', "signed_date" date NOT NULL, "completed_date" date, "location" character varying(200), "scope" text, "created_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), "updated_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), CONSTRAINT "PK_c6c62ab94fd056e443234fa015f" PRIMARY KEY ("id"))`,
    );
    await q.query(`CREATE INDEX "IDX_08330ebdfb2f8d2826d6c6f41f" ON "performance_records"  ("industry") `);
    await q.query(`CREATE INDEX "IDX_e0c54101024b757c261bc1522b" ON "performance_records"  ("product_line") `);
    await q.query(`CREATE INDEX "IDX_3a3e31a7962e557e0b64cdb1ff" ON "performance_records"  ("completed_date") `);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP INDEX "public"."IDX_3a3e31a7962e557e0b64cdb1ff"`);
    await q.query(`DROP INDEX "public"."IDX_e0c54101024b757c261bc1522b"`);
    await q.query(`DROP INDEX "public"."IDX_08330ebdfb2f8d2826d6c6f41f"`);
    await q.query(`DROP TABLE "performance_records"`);
    await q.query(`DROP INDEX "public"."IDX_49203811c4bd50409f1ac166de"`);
    await q.query(`DROP INDEX "public"."IDX_de674949b090a629c927506dcc"`);
    await q.query(`DROP TABLE "qualifications"`);
    await q.query(`DROP INDEX "public"."IDX_974c20aa23354c20b87e392bb3"`);
    await q.query(`DROP INDEX "public"."IDX_9ef8411820266b4d0407075acd"`);
    await q.query(`DROP TABLE "stored_files"`);
  }
}
