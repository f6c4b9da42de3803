import type { MigrationInterface, QueryRunner } from 'typeorm';

export class Documents1795460558337 implements MigrationInterface {
  name = 'Documents1795460558337';

  async up(q: QueryRunner): Promise<void> {
    await q.query(
      `CREATE TABLE "documents" ("id" uuid NOT NULL DEFAULT gen_random_uuid(), "type" character varying(64) NOT NULL, "subject_type" character varying(64), "subject_id" character varying(64), "title" character varying(300) NOT NULL, "latest_version" integer NOT NULL DEFAULT '0', "created_by" uuid, "created_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), "updated_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), CONSTRAINT "PK_ac51aa5181ee2036f5ca482857c" PRIMARY KEY ("id"))`,
    );
    await q.query(
      `CREATE INDEX "IDX_40e4305fe48a6928a4f8fe254e" ON "documents"  ("subject_type", "subject_id", "type") `,
    );
    await q.query(
      `CREATE TABLE "document_versions" ("id" uuid NOT NULL DEFAULT gen_random_uuid(), "document_id" uuid NOT NULL, "version" integer NOT NULL, "template_versions" jsonb NOT NULL DEFAULT '{}', "locale" character varying(8) NOT NULL, "signed" boolean NOT NULL, "created_by" uuid, "created_by_name" character varying(100) NOT NULL, "created_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), CONSTRAINT "PK_baf26dab035c6d6fc433f9dc6a2" PRIMARY KEY ("id"))`,
    );
    await q.query(
      `CREATE UNIQUE INDEX "IDX_92bbba2a6f4bf3e07a3a3db7bb" ON "document_versions"  ("document_id", "version") `,
    );
    await q.query(
      `CREATE TABLE "document_files" ("id" uuid NOT NULL DEFAULT gen_random_uuid(), "version_id" uuid NOT NULL, "format" character varying(8) NOT NULL, "storage_key" character varying(512) NOT NULL, "sha256" character(64) NOT NULL, "size" bigint NOT NULL, "content_type" character varying(100) NOT NULL, "file_name" character varying(200) NOT NULL, CONSTRAINT "PK_15e5583cf50fcf0066e2cb57227" PRIMARY KEY ("id"))`,
    );
    await q.query(`CREATE INDEX "IDX_c522277816055b85cbeb1ad98e" ON "document_files"  ("sha256") `);
    await q.query(
      `CREATE UNIQUE INDEX "IDX_2a7ae868cd41eaaa6dcee533ad" ON "document_files"  ("version_id", "format") `,
    );
    await q.query(
      `ALTER TABLE "document_versions" ADD CONSTRAINT "FK_ac75577bca976d6d581b0f459b6" FOREIGN KEY ("document_id") REFERENCES "documents"("id") ON DELETE CASCADE ON UPDATE NO ACTION`,
    );
    await q.query(
      `ALTER TABLE "document_files" ADD CONSTRAINT "FK_f128c0f8964ad22ea6cd9fe4127" FOREIGN KEY ("version_id") REFERENCES "document_versions"("id") ON DELETE CASCADE ON UPDATE NO ACTION`,
    );
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE "document_files" DROP CONSTRAINT "FK_f128c0f8964ad22ea6cd9fe4127"`);
    await q.query(`ALTER TABLE "document_versions" DROP CONSTRAINT "FK_ac75577bca976d6d581b0f459b6"`);
    await q.query(`DROP INDEX "public"."IDX_2a7ae868cd41eaaa6dcee533ad"`);
    await q.query(`DROP INDEX "public"."IDX_c522277816055b85cbeb1ad98e"`);
    await q.query(`DROP TABLE "document_files"`);
    await q.query(`DROP INDEX "public"."IDX_92bbba2a6f4bf3e07a3a3db7bb"`);
    await q.query(`DROP TABLE "document_versions"`);
    await q.query(`DROP INDEX "public"."IDX_40e4305fe48a6928a4f8fe254e"`);
    await q.query(`DROP TABLE "documents"`);
  }
}
