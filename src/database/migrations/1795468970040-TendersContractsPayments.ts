import type { MigrationInterface, QueryRunner } from 'typeorm';

export class TendersContractsPayments1795468970040 implements MigrationInterface {
  name = 'TendersContractsPayments1795468970040';

  async up(q: QueryRunner): Promise<void> {
    await q.query(
      `CREATE TABLE "tenders" ("id" uuid NOT NULL DEFAULT gen_random_uuid(), "tender_no" character varying(64) NOT NULL, "project_name" character varying(300) NOT NULL, "lot" character varying(100), "buyer" character varying(200) NOT NULL, "agency" character varying(200), "deadline" TIMESTAMP WITH TIME ZONE NOT NULL, "bid_validity_days" integer NOT NULL, "bid_bond_amount" numeric(18,2), "bid_bond_form" character varying(16), "bid_bond_bank" character varying(200), "bid_bond_status" character varying(16) NOT NULL DEFAULT 'not_required', "currency" character(3) NOT NULL DEFAULT 'CNY', "quotation_id" uuid, "sales_owner_id" uuid, "language" character varying(8) NOT NULL DEFAULT 'zh-CN', "requirements" jsonb NOT NULL, "selection" jsonb NOT NULL, "representative" jsonb, "status" character varying(16) NOT NULL DEFAULT 'preparing', "notes" text, "created_by" uuid, "created_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), "updated_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), CONSTRAINT "PK_13fdd4229818a97b5102199463b" PRIMARY KEY ("id"))`,
    );
    await q.query(`CREATE INDEX "IDX_eaf33c7ee16d2777fcc67c28ca" ON "tenders"  ("tender_no") `);
    await q.query(`CREATE INDEX "IDX_4d5de6114d5e8a6348650db37f" ON "tenders"  ("deadline") `);
    await q.query(`CREATE INDEX "IDX_ce84bf1f79b1f3a8a4f33462ea" ON "tenders"  ("quotation_id") `);
    await q.query(`CREATE INDEX "IDX_d3129ef81aec360e269ef25243" ON "tenders"  ("sales_owner_id") `);
    await q.query(`CREATE INDEX "IDX_462fa4960a4caa39f683ed4868" ON "tenders"  ("status") `);
    await q.query(
      `CREATE TABLE "contracts" ("id" uuid NOT NULL DEFAULT gen_random_uuid(), "number" character varying(40) NOT NULL, "customer_id" uuid NOT NULL, "quotation_id" uuid, "quotation_revision" integer, "project_name" character varying(300) NOT NULL, "project_number" character varying(40), "signing_date" date NOT NULL, "currency" character(3) NOT NULL DEFAULT 'CNY', "status" character varying(16) NOT NULL, "revision" integer NOT NULL, "total" numeric(18,2) NOT NULL, "review" jsonb, "approval" jsonb, "created_by" uuid, "created_by_name" character varying(100) NOT NULL, "created_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), "updated_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), CONSTRAINT "UQ_7f9a578e633d6521bcc2d9cc8cb" UNIQUE ("number"), CONSTRAINT "UQ_cb2b3409f61ab7c67c6e4139e13" UNIQUE ("project_number"), CONSTRAINT "PK_2c7b8f3a7b1acdd49497d83d0fb" PRIMARY KEY ("id"))`,
    );
    await q.query(`CREATE INDEX "IDX_2e66f7950711366031e3200413" ON "contracts"  ("customer_id") `);
    await q.query(`CREATE INDEX "IDX_e92f4432239e74ab858532ec64" ON "contracts"  ("quotation_id") `);
    await q.query(`CREATE INDEX "IDX_b97f9d9f4b2504feba206e0ff4" ON "contracts"  ("signing_date") `);
    await q.query(`CREATE INDEX "IDX_78fd0b9f9cbfc7869ca4d9f5e3" ON "contracts"  ("status") `);
    await q.query(
      `CREATE TABLE "contract_revisions" ("id" uuid NOT NULL DEFAULT gen_random_uuid(), "contract_id" uuid NOT NULL, "revision" integer NOT NULL, "lines" jsonb NOT NULL, "subtotal" numeric(18,2) NOT NULL, "tax_total" numeric(18,2) NOT NULL, "total" numeric(18,2) NOT NULL, "payment_terms" jsonb NOT NULL, "delivery_date" date, "configuration" jsonb NOT NULL DEFAULT '[]', "special_requirements" text, "change_request_id" uuid, "created_by" uuid, "created_by_name" character varying(100) NOT NULL, "created_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), CONSTRAINT "UQ_b86b4bdd11de7e9f2b44a301028" UNIQUE ("contract_id", "revision"), CONSTRAINT "PK_4fe2d66e4bf51f2622446051ef1" PRIMARY KEY ("id"))`,
    );
    await q.query(`CREATE INDEX "IDX_736e3c72745d75425270f3a738" ON "contract_revisions"  ("contract_id") `);
    await q.query(
      `CREATE TABLE "contract_change_requests" ("id" uuid NOT NULL DEFAULT gen_random_uuid(), "contract_id" uuid NOT NULL, "base_revision" integer NOT NULL, "operations" jsonb NOT NULL, "delivery_date" date, "configuration" jsonb, "special_requirements" text, "reason" text NOT NULL, "status" character varying(16) NOT NULL, "requested_by" uuid, "requested_by_name" character varying(100) NOT NULL, "requested_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), "decided_by" uuid, "decided_by_name" character varying(100), "decided_at" TIMESTAMP WITH TIME ZONE, "decision_reason" text, "result_revision" integer, CONSTRAINT "PK_b78f4427d4bafe870871b72aaf2" PRIMARY KEY ("id"))`,
    );
    await q.query(`CREATE INDEX "IDX_e3a1e6e54fbf7809b8063fc11c" ON "contract_change_requests"  ("contract_id") `);
    await q.query(
      `CREATE TABLE "payments" ("id" uuid NOT NULL DEFAULT gen_random_uuid(), "customer_id" uuid NOT NULL, "contract_id" uuid, "date" date NOT NULL, "amount" numeric(18,2) NOT NULL, "currency" character(3) NOT NULL DEFAULT 'CNY', "method" character varying(24) NOT NULL, "nature" character varying(16) NOT NULL, "reference" character varying(100), "reverses" uuid, "note" text, "created_by" uuid, "created_by_name" character varying(100) NOT NULL, "created_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), CONSTRAINT "PK_197ab7af18c93fbb0c9b28b4a59" PRIMARY KEY ("id"))`,
    );
    await q.query(`CREATE INDEX "IDX_d0b02233df1c52323107fe7b4d" ON "payments"  ("customer_id") `);
    await q.query(`CREATE INDEX "IDX_52fc2356fb8c211c93d4b1496f" ON "payments"  ("contract_id") `);
    await q.query(`CREATE INDEX "IDX_e67498b4568d03eb46ab187a96" ON "payments"  ("date") `);
    await q.query(`CREATE INDEX "IDX_bbc0685ee46d666acda99c8e5e" ON "payments"  ("nature") `);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP INDEX "public"."IDX_bbc0685ee46d666acda99c8e5e"`);
    await q.query(`DROP INDEX "public"."IDX_e67498b4568d03eb46ab187a96"`);
    await q.query(`DROP INDEX "public"."IDX_52fc2356fb8c211c93d4b1496f"`);
    await q.query(`DROP INDEX "public"."IDX_d0b02233df1c52323107fe7b4d"`);
    await q.query(`DROP TABLE "payments"`);
    await q.query(`DROP INDEX "public"."IDX_e3a1e6e54fbf7809b8063fc11c"`);
    await q.query(`DROP TABLE "contract_change_requests"`);
    await q.query(`DROP INDEX "public"."IDX_736e3c72745d75425270f3a738"`);
    await q.query(`DROP TABLE "contract_revisions"`);
    await q.query(`DROP INDEX "public"."IDX_78fd0b9f9cbfc7869ca4d9f5e3"`);
    await q.query(`DROP INDEX "public"."IDX_b97f9d9f4b2504feba206e0ff4"`);
    await q.query(`DROP INDEX "public"."IDX_e92f4432239e74ab858532ec64"`);
    await q.query(`DROP INDEX "public"."IDX_2e66f7950711366031e3200413"`);
    await q.query(`DROP TABLE "contracts"`);
    await q.query(`DROP INDEX "public"."IDX_462fa4960a4caa39f683ed4868"`);
    await q.query(`DROP INDEX "public"."IDX_d3129ef81aec360e269ef25243"`);
    await q.query(`DROP INDEX "public"."IDX_ce84bf1f79b1f3a8a4f33462ea"`);
    await q.query(`DROP INDEX "public"."IDX_4d5de6114d5e8a6348650db37f"`);
    await q.query(`DROP INDEX "public"."IDX_eaf33c7ee16d2777fcc67c28ca"`);
    await q.query(`DROP TABLE "tenders"`);
  }
}
