import type { Role } from '../auth/index.js';

/**
 * A user's row as the modules above users read it (sessions, sign-in, sso), through UserAccountsService: plain data,
 * not the ORM entity, so that no other module can query the users table with it. The columns of sign-in (password,
 * second factor) and of sso (the linked identity) live on this table; users writes them, their modules decide when.
 */
export interface UserRecord {
  id: string;
  name: string;
  email: string | null;
  roles: Role[];
  disabled: boolean;
  passwordHash: string | null;
  mustChangePassword: boolean;
  passwordChangedAt: Date | null;
  totpSecret: string | null;
  totpEnabledAt: Date | null;
  totpLastStep: number | null;
  oidcIssuer: string | null;
  oidcSubject: string | null;
  createdAt: Date;
}

/** The second factor's columns, which sign-in's second factor sets. */
export type UserTotpFields = Pick<UserRecord, 'totpSecret' | 'totpEnabledAt' | 'totpLastStep'>;
