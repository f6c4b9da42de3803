import type { MigrationInterface, QueryRunner } from 'typeorm';

export class SignIn1796645024228 implements MigrationInterface {
  name = 'SignIn1796645024228';

  async up(q: QueryRunner): Promise<void> {
    await q.query(
      `CREATE TABLE "user_sessions" ("id" uuid NOT NULL DEFAULT gen_random_uuid(), "user_id" uuid NOT NULL, "token_hash" character(64) NOT NULL, "csrf_token" character varying(64) NOT NULL, "stage" character varying(20) NOT NULL, "method" character varying(20) NOT NULL, "ip" character varying(64), "user_agent" character varying(300), "created_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), "last_seen_at" TIMESTAMP WITH TIME ZONE NOT NULL, "expires_at" TIMESTAMP WITH TIME ZONE NOT NULL, "revoked_at" TIMESTAMP WITH TIME ZONE, "revoked_reason" character varying(40), CONSTRAINT "UQ_6596adb3b8927b35bda97e734aa" UNIQUE ("token_hash"), CONSTRAINT "PK_e93e031a5fed190d4789b6bfd83" PRIMARY KEY ("id"))`,
    );
    await q.query(`CREATE INDEX "IDX_e9658e959c490b0a634dfc5478" ON "user_sessions"  ("user_id") `);
    await q.query(
      `CREATE TABLE "user_invitations" ("id" uuid NOT NULL DEFAULT gen_random_uuid(), "user_id" uuid NOT NULL, "token_hash" character(64) NOT NULL, "purpose" character varying(20) NOT NULL, "created_by" uuid, "created_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), "expires_at" TIMESTAMP WITH TIME ZONE NOT NULL, "used_at" TIMESTAMP WITH TIME ZONE, CONSTRAINT "UQ_26608b452c35698c0512c05ffd1" UNIQUE ("token_hash"), CONSTRAINT "PK_c8005acb91c3ce9a7ae581eca8f" PRIMARY KEY ("id"))`,
    );
    await q.query(`CREATE INDEX "IDX_5b449d2aa47c4f912482e1d8f0" ON "user_invitations"  ("user_id") `);
    await q.query(
      `CREATE TABLE "sign_in_throttle" ("key" character varying(300) NOT NULL, "failures" integer NOT NULL DEFAULT '0', "last_failure_at" TIMESTAMP WITH TIME ZONE, "blocked_until" TIMESTAMP WITH TIME ZONE, CONSTRAINT "PK_f838c82d37e24773fc7984a7649" PRIMARY KEY ("key"))`,
    );
    await q.query(
      `CREATE TABLE "user_recovery_codes" ("id" uuid NOT NULL DEFAULT gen_random_uuid(), "user_id" uuid NOT NULL, "code_hash" character(64) NOT NULL, "created_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), "used_at" TIMESTAMP WITH TIME ZONE, CONSTRAINT "PK_411939add58ed0eceffd39973cf" PRIMARY KEY ("id"))`,
    );
    await q.query(`CREATE INDEX "IDX_f659216e26d0ef1238379cbf40" ON "user_recovery_codes"  ("user_id") `);
    await q.query(
      `CREATE TABLE "oidc_logins" ("state_hash" character(64) NOT NULL, "nonce" character varying(128) NOT NULL, "code_verifier" character varying(128) NOT NULL, "return_to" character varying(500), "created_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), "used_at" TIMESTAMP WITH TIME ZONE, CONSTRAINT "PK_b15a7f79cc38b128237395d0832" PRIMARY KEY ("state_hash"))`,
    );
    await q.query(`ALTER TABLE "users" ADD "password_hash" text`);
    await q.query(`ALTER TABLE "users" ADD "must_change_password" boolean NOT NULL DEFAULT false`);
    await q.query(`ALTER TABLE "users" ADD "password_changed_at" TIMESTAMP WITH TIME ZONE`);
    await q.query(`ALTER TABLE "users" ADD "totp_secret" text`);
    await q.query(`ALTER TABLE "users" ADD "totp_enabled_at" TIMESTAMP WITH TIME ZONE`);
    await q.query(`ALTER TABLE "users" ADD "oidc_issuer" character varying(500)`);
    await q.query(`ALTER TABLE "users" ADD "oidc_subject" character varying(255)`);
    await q.query(`ALTER TABLE "api_tokens" ADD "expires_at" TIMESTAMP WITH TIME ZONE`);
    await q.query(`ALTER TABLE "api_tokens" ADD "read_only" boolean NOT NULL DEFAULT false`);
    await q.query(
      `CREATE UNIQUE INDEX "users_oidc_identity" ON "users"  ("oidc_issuer", "oidc_subject") WHERE "oidc_subject" IS NOT NULL`,
    );
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP INDEX "public"."users_oidc_identity"`);
    await q.query(`ALTER TABLE "api_tokens" DROP COLUMN "read_only"`);
    await q.query(`ALTER TABLE "api_tokens" DROP COLUMN "expires_at"`);
    await q.query(`ALTER TABLE "users" DROP COLUMN "oidc_subject"`);
    await q.query(`ALTER TABLE "users" DROP COLUMN "oidc_issuer"`);
    await q.query(`ALTER TABLE "users" DROP COLUMN "totp_enabled_at"`);
    await q.query(`ALTER TABLE "users" DROP COLUMN "totp_secret"`);
    await q.query(`ALTER TABLE "users" DROP COLUMN "password_changed_at"`);
    await q.query(`ALTER TABLE "users" DROP COLUMN "must_change_password"`);
    await q.query(`ALTER TABLE "users" DROP COLUMN "password_hash"`);
    await q.query(`DROP TABLE "oidc_logins"`);
    await q.query(`DROP INDEX "public"."IDX_f659216e26d0ef1238379cbf40"`);
    await q.query(`DROP TABLE "user_recovery_codes"`);
    await q.query(`DROP TABLE "sign_in_throttle"`);
    await q.query(`DROP INDEX "public"."IDX_5b449d2aa47c4f912482e1d8f0"`);
    await q.query(`DROP TABLE "user_invitations"`);
    await q.query(`DROP INDEX "public"."IDX_e9658e959c490b0a634dfc5478"`);
    await q.query(`DROP TABLE "user_sessions"`);
  }
}
