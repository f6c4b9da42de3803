import type { Amount } from '../../common/money.js';
import type { DateOnly } from '../../common/tabular/date-only.js';
import type { PaymentShare } from '../quotations/index.js';
import type {
  ConfigurationItem,
  ContractApproval,
  ContractLine,
  ContractReview,
  ContractStatus,
} from './contract.entity.js';

/**
 * A contract at one revision (the current one unless asked otherwise), with every field, prices included. Who may
 * see prices is the caller's rule (hidePricesFor); the contact sheets and contact lists build their own price-free
 * views from this one.
 */
export interface ContractView {
  id: string;
  number: string;
  customer: { id: string; name: string };
  quotation: { id: string; number: string; revision: number } | null;
  projectName: string;
  projectNumber: string | null;
  signingDate: DateOnly;
  currency: string;
  status: ContractStatus;
  revision: number;
  currentRevision: number;
  lines: ContractLine[];
  subtotal: Amount;
  taxTotal: Amount;
  total: Amount;
  paymentTerms: PaymentShare[];
  deliveryDate: DateOnly | null;
  configuration: ConfigurationItem[];
  specialRequirements: string | null;
  review: ContractReview | null;
  approval: ContractApproval | null;
  revisions: {
    revision: number;
    createdAt: Date;
    createdBy: { id: string | null; name: string };
    changeRequestId: string | null;
  }[];
  createdBy: { id: string | null; name: string };
  createdAt: Date;
  updatedAt: Date;
  /** The contract's version (every change raises it): the ETag of GET, If-Match of PATCH. */
  version: number;
}

/** Fields a production user never receives (absent, not zero), on the contract and on each line. */
export const CONTRACT_PRICE_FIELDS = ['subtotal', 'taxTotal', 'total', 'paymentTerms', 'approval', 'review'] as const;
export const CONTRACT_LINE_PRICE_FIELDS = ['unitPrice', 'discount', 'taxRate', 'net', 'tax', 'total'] as const;
