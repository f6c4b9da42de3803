import {
  hasRole,
  rolesAllow,
  type AuthUser,
  canSeePrices,
  DOCUMENT_ISSUERS,
  ROLES,
  type RouteAccess,
} from '../auth/index.js';
import { SEAL_KINDS } from '../company/index.js';
import { DEPARTMENTS, LIST_AUDIENCES } from '../contact-sheets/index.js';
import {
  CHANGE_STATUSES,
  CONTRACT_STATUSES,
  type ContractStatus,
  CONTRACT_ACTIONS,
  contractTransition,
  type ContractAction,
} from '../contracts/index.js';
import { SHIPPABLE, DELIVERY_STATUSES } from '../deliveries/index.js';
import { DOCUMENT_FORMATS } from '../../rendering/rendering.types.js';
import { INVOICE_KINDS, INVOICEABLE } from '../invoices/index.js';
import { JOB_STATUSES } from '../jobs/index.js';
import { OUTBOX_STATUSES } from '../outbox/index.js';
import { PAYMENT_METHODS, PAYMENT_NATURES, PAYABLE } from '../payments/index.js';
import { PROOF_KINDS, INDUSTRIES } from '../performance/index.js';
import { canSeeFloorPrice } from '../products/index.js';
import { QUALIFICATION_STATUSES } from '../qualifications/index.js';
import {
  QUOTATION_ACTIONS,
  QUOTATION_STATUSES,
  transition,
  type QuotationAction,
  type QuotationStatus,
} from '../quotations/index.js';
import { RUN_ITEM_STATUSES, RUN_STATUSES } from '../statement-runs/index.js';
import { STATEMENT_RESPONSES } from '../statements/index.js';
import {
  canMove,
  isLocked,
  BID_BOND_FORMS,
  BID_BOND_STATUSES,
  DEVIATION_KINDS,
  TENDER_STATUSES,
  type TenderStatus,
} from '../tenders/index.js';
import { issuesEverlastingTokens } from '../users/index.js';

/**
 * The enumerations the console shows and filters by: the server's own const arrays (the entities' and DTOs'),
 * so that a status added on the server reaches the console without a second list. Display labels stay in the
 * console's i18n files.
 */
export const META_ENUMS = {
  role: ROLES,
  department: DEPARTMENTS,
  tenderStatus: TENDER_STATUSES,
  bidBondForm: BID_BOND_FORMS,
  bidBondStatus: BID_BOND_STATUSES,
  deviationKind: DEVIATION_KINDS,
  quotationStatus: QUOTATION_STATUSES,
  contractStatus: CONTRACT_STATUSES,
  contactListAudience: LIST_AUDIENCES,
  contractChangeStatus: CHANGE_STATUSES,
  deliveryStatus: DELIVERY_STATUSES,
  statementResponse: STATEMENT_RESPONSES,
  statementRunStatus: RUN_STATUSES,
  statementRunItemStatus: RUN_ITEM_STATUSES,
  jobStatus: JOB_STATUSES,
  outboxStatus: OUTBOX_STATUSES,
  qualificationStatus: QUALIFICATION_STATUSES,
  industry: INDUSTRIES,
  proofKind: PROOF_KINDS,
  paymentNature: PAYMENT_NATURES,
  paymentMethod: PAYMENT_METHODS,
  invoiceKind: INVOICE_KINDS,
  sealKind: SEAL_KINDS,
  documentFormat: DOCUMENT_FORMATS,
} as const;

export type MetaEnums = typeof META_ENUMS;

/** For each action of a status machine, the statuses it may start from, as the machine itself answers. */
export interface MetaTransitions {
  contract: Record<ContractAction, ContractStatus[]>;
  quotation: Record<QuotationAction, QuotationStatus[]>;
  /** For each tender status, the statuses it may move to (tender-matching.ts canMove); none once decided. */
  tender: Record<TenderStatus, TenderStatus[]>;
}

/** Statuses in which the services allow something, as they decide it. */
export interface MetaStatusSets {
  /** A tender in these statuses is locked: only its bid bond's status and notes change (tender-matching.ts). */
  tenderLocked: TenderStatus[];
  /** A payment may be recorded against a contract in these (payments.service.ts PAYABLE). */
  contractPayable: ContractStatus[];
  /** An invoice may be recorded against a contract in these (invoices.service.ts INVOICEABLE). */
  contractInvoiceable: ContractStatus[];
  /** Goods ship (a delivery notice is issued) only on a contract in these (deliveries.service.ts SHIPPABLE). */
  contractShippable: ContractStatus[];
}

/** What the caller's roles let the console show; the API enforces each again. */
export interface MetaRules {
  /** Any price, amount or discount (false for a production-only user): price-visibility.ts canSeePrices. */
  canSeePrices: boolean;
  /** The products' floor price: products.service.ts canSeeFloorPrice. */
  canSeeFloorPrice: boolean;
  /** Issues documents and reads the seal images (roles.ts DOCUMENT_ISSUERS, admin included as for @Roles). */
  issuesDocuments: boolean;
  /**
   * Lets a gate through with a reason (a quotation below its floor price, a failed contract review, a delivery
   * before its payments, a tender package's missing parts): the services' hasRole(actor, 'manager').
   */
  managerOverrides: boolean;
  /** May issue API tokens that never expire (users.service.ts issuesEverlastingTokens). */
  issuesEverlastingTokens: boolean;
  /** The departments whose contact sheets the caller signs: their department roles (admin alone signs for none). */
  departments: (typeof DEPARTMENTS)[number][];
}

export interface Meta {
  enums: MetaEnums;
  transitions: MetaTransitions;
  statusSets: MetaStatusSets;
  rules: MetaRules;
  /** The routes the caller's roles may call, as `METHOD /path` with the path as declared (`/api/tenders/:id`). */
  routes: string[];
}

const edges = <S extends string, A extends string>(
  statuses: readonly S[],
  actions: readonly A[],
  ok: (from: S, action: A) => boolean,
): Record<A, S[]> => Object.fromEntries(actions.map((a) => [a, statuses.filter((s) => ok(s, a))])) as Record<A, S[]>;

/** The same for every caller: the status machines' edges. */
export function metaTransitions(): MetaTransitions {
  return {
    contract: edges(CONTRACT_STATUSES, CONTRACT_ACTIONS, (from, a) => contractTransition(from, a).ok),
    quotation: edges(QUOTATION_STATUSES, QUOTATION_ACTIONS, (from, a) => transition(from, a).ok),
    tender: edges(TENDER_STATUSES, TENDER_STATUSES, (to, from) => canMove(from, to)),
  };
}

/** The caller's rules and routes, computed by the functions the guards and services use. */
export function metaFor(user: AuthUser, routes: readonly RouteAccess[]): Meta {
  return {
    enums: META_ENUMS,
    transitions: metaTransitions(),
    statusSets: {
      tenderLocked: TENDER_STATUSES.filter(isLocked),
      contractPayable: [...PAYABLE],
      contractInvoiceable: [...INVOICEABLE],
      contractShippable: [...SHIPPABLE],
    },
    rules: {
      canSeePrices: canSeePrices(user),
      canSeeFloorPrice: canSeeFloorPrice(user),
      issuesDocuments: hasRole(user, ...DOCUMENT_ISSUERS),
      managerOverrides: hasRole(user, 'manager'),
      issuesEverlastingTokens: issuesEverlastingTokens(user),
      departments: DEPARTMENTS.filter((d) => user.roles.includes(d)),
    },
    routes: routes
      .filter((r) => r.access !== 'public' && r.access !== null && rolesAllow(user, r.access))
      .map((r) => `${r.method} ${r.path}`),
  };
}
