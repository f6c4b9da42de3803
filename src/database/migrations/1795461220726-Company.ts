import type { MigrationInterface, QueryRunner } from 'typeorm';

export class Company1795461220726 implements MigrationInterface {
  name = 'Company1795461220726';

  async up(q: QueryRunner): Promise<void> {
    await q.query(
      `CREATE TABLE "company_profile" ("id" uuid NOT NULL DEFAULT gen_random_uuid(), "singleton" boolean NOT NULL DEFAULT true, "legal_name_zh" character varying(200) NOT NULL, "legal_name_en" character varying(200), "credit_code" character(18) NOT NULL, "address_zh" character varying(300), "address_en" character varying(300), "postal_code" character varying(20), "phone" character varying(50), "fax" character varying(50), "email" character varying(254), "website" character varying(200), "legal_representative" character varying(100), "bank_accounts" jsonb NOT NULL DEFAULT '[]', "created_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), "updated_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), CONSTRAINT "UQ_5d7fbb398d98b02b9ad175d22f5" UNIQUE ("singleton"), CONSTRAINT "PK_058d1cfee40e5e53412ed7484b3" PRIMARY KEY ("id"))`,
    );
    await q.query(
      `CREATE TABLE "company_seals" ("kind" character varying(16) NOT NULL, "storage_key" character varying(512) NOT NULL, "sha256" character(64) NOT NULL, "size" integer NOT NULL, "width" integer NOT NULL, "height" integer NOT NULL, "uploaded_at" TIMESTAMP WITH TIME ZONE NOT NULL, "uploaded_by" uuid, CONSTRAINT "PK_632942b9b5406a22b0d9935f522" PRIMARY KEY ("kind"))`,
    );
    await q.query(
      `CREATE TABLE "customers" ("id" uuid NOT NULL DEFAULT gen_random_uuid(), "name" character varying(200) NOT NULL, "name_en" character varying(200), "tax_id" character varying(30), "address" character varying(300), "phone" character varying(50), "sales_owner_id" uuid, "notes" text, "archived" boolean NOT NULL DEFAULT false, "created_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), "updated_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), CONSTRAINT "PK_133ec679a801fab5e070f73d3ea" PRIMARY KEY ("id"))`,
    );
    await q.query(`CREATE INDEX "IDX_2c61d1bd9e7ed165632e8d6d40" ON "customers"  ("sales_owner_id") `);
    await q.query(
      `CREATE TABLE "customer_contacts" ("id" uuid NOT NULL DEFAULT gen_random_uuid(), "customer_id" uuid NOT NULL, "position" integer NOT NULL, "name" character varying(100) NOT NULL, "title" character varying(100), "phone" character varying(50), "email" character varying(254), "billing" boolean NOT NULL DEFAULT false, CONSTRAINT "PK_bde619dbcb45a3e4d542e137bd3" PRIMARY KEY ("id"))`,
    );
    await q.query(`CREATE INDEX "IDX_76ca61fed7339b9f358599f9fd" ON "customer_contacts"  ("customer_id") `);
    await q.query(
      `CREATE UNIQUE INDEX "UQ_customer_contacts_one_billing" ON "customer_contacts"  ("customer_id") WHERE "billing"`,
    );
    await q.query(
      `CREATE TABLE "products" ("id" uuid NOT NULL DEFAULT gen_random_uuid(), "code" character varying(64) NOT NULL, "name_zh" character varying(200) NOT NULL, "name_en" character varying(200), "specification" text, "unit" character varying(16) NOT NULL, "list_price" numeric(18,2) NOT NULL, "floor_price" numeric(18,2) NOT NULL, "tax_rate" numeric(5,2) NOT NULL, "currency" character(3) NOT NULL DEFAULT 'CNY', "product_line" character varying(100), "active" boolean NOT NULL DEFAULT true, "created_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), "updated_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), CONSTRAINT "UQ_7cfc24d6c24f0ec91294003d6b8" UNIQUE ("code"), CONSTRAINT "PK_0806c755e0aca124e67c0cf6d7d" PRIMARY KEY ("id"))`,
    );
    await q.query(`CREATE INDEX "IDX_40d285201fd7c096b97d1978ad" ON "products"  ("product_line") `);
    await q.query(
      `ALTER TABLE "customers" ADD CONSTRAINT "FK_2c61d1bd9e7ed165632e8d6d401" FOREIGN KEY ("sales_owner_id") REFERENCES "users"("id") ON DELETE NO ACTION ON UPDATE NO ACTION`,
    );
    await q.query(
      `ALTER TABLE "customer_contacts" ADD CONSTRAINT "FK_76ca61fed7339b9f358599f9fda" FOREIGN KEY ("customer_id") REFERENCES "customers"("id") ON DELETE CASCADE ON UPDATE NO ACTION`,
    );
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE "customer_contacts" DROP CONSTRAINT "FK_76ca61fed7339b9f358599f9fda"`);
    await q.query(`ALTER TABLE "customers" DROP CONSTRAINT "FK_2c61d1bd9e7ed165632e8d6d401"`);
    await q.query(`DROP INDEX "public"."IDX_40d285201fd7c096b97d1978ad"`);
    await q.query(`DROP TABLE "products"`);
    await q.query(`DROP INDEX "public"."UQ_customer_contacts_one_billing"`);
    await q.query(`DROP INDEX "public"."IDX_76ca61fed7339b9f358599f9fd"`);
    await q.query(`DROP TABLE "customer_contacts"`);
    await q.query(`DROP INDEX "public"."IDX_2c61d1bd9e7ed165632e8d6d40"`);
    await q.query(`DROP TABLE "customers"`);
    await q.query(`DROP TABLE "company_seals"`);
    await q.query(`DROP TABLE "company_profile"`);
  }
}
