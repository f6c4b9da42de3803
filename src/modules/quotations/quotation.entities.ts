import { QuotationCounter } from './quotation-counter.entity.js';
import { QuotationLine } from './quotation-line.entity.js';
import { QuotationLink } from './quotation-link.entity.js';
import { QuotationRevision } from './quotation-revision.entity.js';
import { Quotation } from './quotation.entity.js';

/** The quotations module's entities, for src/database/entities.ts. */
export const QUOTATION_ENTITIES = [Quotation, QuotationRevision, QuotationLine, QuotationCounter, QuotationLink];
