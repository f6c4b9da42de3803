import type { MigrationInterface, QueryRunner } from 'typeorm';

export class Quotations1795462749672 implements MigrationInterface {
  name = 'Quotations1795462749672';

  async up(q: QueryRunner): Promise<void> {
    await q.query(
      `CREATE TABLE "quotation_counters" ("year" integer NOT NULL, "last" integer NOT NULL, CONSTRAINT "PK_19f691a05ecf24c778e6841f149" PRIMARY KEY ("year"))`,
    );
    await q.query(
      `CREATE TABLE "quotations" ("id" uuid NOT NULL DEFAULT gen_random_uuid(), "number" character varying(20) NOT NULL, "customer_id" uuid NOT NULL, "status" character varying(16) NOT NULL, "revision" integer NOT NULL, "created_by" uuid, "created_by_name" character varying(100) NOT NULL, "created_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), "updated_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), CONSTRAINT "UQ_7f5e93568b20c949b3b4bac5717" UNIQUE ("number"), CONSTRAINT "PK_6c00eb8ba181f28c21ffba7ecb1" PRIMARY KEY ("id"))`,
    );
    await q.query(`CREATE INDEX "IDX_6c655818e6753ed41eb755b8bc" ON "quotations"  ("customer_id") `);
    await q.query(`CREATE INDEX "IDX_30ecfa372ba88f0f7d86a65857" ON "quotations"  ("status") `);
    await q.query(
      `CREATE TABLE "quotation_revisions" ("id" uuid NOT NULL DEFAULT gen_random_uuid(), "quotation_id" uuid NOT NULL, "revision" integer NOT NULL, "project_name" character varying(300) NOT NULL, "currency" character(3) NOT NULL, "issue_date" date NOT NULL, "valid_until" date NOT NULL, "payment_terms" jsonb NOT NULL, "delivery_terms" jsonb, "notes" text, "subtotal" numeric(18,2) NOT NULL, "tax_total" numeric(18,2) NOT NULL, "total" numeric(18,2) NOT NULL, "approved_by" uuid, "approved_by_name" character varying(100), "approved_at" TIMESTAMP WITH TIME ZONE, "approval_reason" text, "approval_below_floor" jsonb, "created_by" uuid, "created_by_name" character varying(100) NOT NULL, "created_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), "updated_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), CONSTRAINT "UQ_347902ff1cf62d8fce33d030a86" UNIQUE ("quotation_id", "revision"), CONSTRAINT "PK_cc6e009d13bc441e3c207e0ef5e" PRIMARY KEY ("id"))`,
    );
    await q.query(`CREATE INDEX "IDX_c18c23bfd1d96e9ca9557420b5" ON "quotation_revisions"  ("quotation_id") `);
    await q.query(`CREATE INDEX "IDX_ba36e600318e695c4c9cba263d" ON "quotation_revisions"  ("valid_until") `);
    await q.query(
      `CREATE TABLE "quotation_lines" ("id" uuid NOT NULL DEFAULT gen_random_uuid(), "revision_id" uuid NOT NULL, "position" integer NOT NULL, "product_id" uuid, "product_code" character varying(64), "name" character varying(200) NOT NULL, "specification" text, "qty" numeric(15,3) NOT NULL, "unit" character varying(16) NOT NULL, "unit_price" numeric(18,2) NOT NULL, "discount" numeric(5,2) NOT NULL, "tax_rate" numeric(5,2) NOT NULL, "net" numeric(18,2) NOT NULL, "tax" numeric(18,2) NOT NULL, CONSTRAINT "PK_facdcaf4d7c7974c5d9adb63c23" PRIMARY KEY ("id"))`,
    );
    await q.query(`CREATE INDEX "IDX_e84d6abda6b759d9ad61508aee" ON "quotation_lines"  ("revision_id") `);
    await q.query(`CREATE INDEX "IDX_17059fdcf48d8a764a9ce0efc3" ON "quotation_lines"  ("product_id") `);
    await q.query(
      `ALTER TABLE "quotations" ADD CONSTRAINT "FK_6c655818e6753ed41eb755b8bcb" FOREIGN KEY ("customer_id") REFERENCES "customers"("id") ON DELETE NO ACTION ON UPDATE NO ACTION`,
    );
    await q.query(
      `ALTER TABLE "quotation_revisions" ADD CONSTRAINT "FK_c18c23bfd1d96e9ca9557420b5d" FOREIGN KEY ("quotation_id") REFERENCES "quotations"("id") ON DELETE CASCADE ON UPDATE NO ACTION`,
    );
    await q.query(
      `ALTER TABLE "quotation_lines" ADD CONSTRAINT "FK_e84d6abda6b759d9ad61508aee7" FOREIGN KEY ("revision_id") REFERENCES "quotation_revisions"("id") ON DELETE CASCADE ON UPDATE NO ACTION`,
    );
    await q.query(
      `ALTER TABLE "quotation_lines" ADD CONSTRAINT "FK_17059fdcf48d8a764a9ce0efc33" FOREIGN KEY ("product_id") REFERENCES "products"("id") ON DELETE NO ACTION ON UPDATE NO ACTION`,
    );
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE "quotation_lines" DROP CONSTRAINT "FK_17059fdcf48d8a764a9ce0efc33"`);
    await q.query(`ALTER TABLE "quotation_lines" DROP CONSTRAINT "FK_e84d6abda6b759d9ad61508aee7"`);
    await q.query(`ALTER TABLE "quotation_revisions" DROP CONSTRAINT "FK_c18c23bfd1d96e9ca9557420b5d"`);
    await q.query(`ALTER TABLE "quotations" DROP CONSTRAINT "FK_6c655818e6753ed41eb755b8bcb"`);
    await q.query(`DROP INDEX "public"."IDX_17059fdcf48d8a764a9ce0efc3"`);
    await q.query(`DROP INDEX "public"."IDX_e84d6abda6b759d9ad61508aee"`);
    await q.query(`DROP TABLE "quotation_lines"`);
    await q.query(`DROP INDEX "public"."IDX_ba36e600318e695c4c9cba263d"`);
    await q.query(`DROP INDEX "public"."IDX_c18c23bfd1d96e9ca9557420b5"`);
    await q.query(`DROP TABLE "quotation_revisions"`);
    await q.query(`DROP INDEX "public"."IDX_30ecfa372ba88f0f7d86a65857"`);
    await q.query(`DROP INDEX "public"."IDX_6c655818e6753ed41eb755b8bc"`);
    await q.query(`DROP TABLE "quotations"`);
    await q.query(`DROP TABLE "quotation_counters"`);
  }
}
