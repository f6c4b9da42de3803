import { ApiProperty } from '@nestjs/swagger';
import { CONTRACT_STATUSES, CONTRACT_ACTIONS } from '../../contracts/index.js';
import { QUOTATION_ACTIONS, QUOTATION_STATUSES } from '../../quotations/index.js';
import {
  META_ENUMS,
  type Meta,
  type MetaEnums,
  type MetaRules,
  type MetaStatusSets,
  type MetaTransitions,
} from '../meta.js';
import { TENDER_STATUSES } from '../../tenders/index.js';
import { DEPARTMENTS } from '../../contact-sheets/index.js';

// The document's schemas are written from the same arrays the answer is made of (META_ENUMS, the machines'
// actions), so that the console's generated types name every value the server may send.

/** An object schema with one property per action, each the statuses that action may start from. */
const edgesSchema = (actions: readonly string[], statuses: readonly string[]) => ({
  type: 'object' as const,
  required: [...actions],
  properties: Object.fromEntries(
    actions.map((a) => [a, { type: 'array' as const, items: { type: 'string' as const, enum: [...statuses] } }]),
  ),
});

export class MetaEnumsDto {}
for (const [key, values] of Object.entries(META_ENUMS)) {
  ApiProperty({ enum: values, isArray: true })(MetaEnumsDto.prototype, key);
}

export class MetaTransitionsDto implements MetaTransitions {
  @ApiProperty({
    description: 'For each contract action, the statuses it may start from (contract-status.ts)',
    ...edgesSchema(CONTRACT_ACTIONS, CONTRACT_STATUSES),
  })
  contract!: MetaTransitions['contract'];

  @ApiProperty({
    description: 'For each quotation action, the statuses it may start from (quotation-status.ts)',
    ...edgesSchema(QUOTATION_ACTIONS, QUOTATION_STATUSES),
  })
  quotation!: MetaTransitions['quotation'];

  @ApiProperty({
    description: 'For each tender status, the statuses it may move to (tender-matching.ts)',
    ...edgesSchema(TENDER_STATUSES, TENDER_STATUSES),
  })
  tender!: MetaTransitions['tender'];
}

export class MetaStatusSetsDto implements MetaStatusSets {
  @ApiProperty({ enum: TENDER_STATUSES, isArray: true, description: 'A tender in these is locked' })
  tenderLocked!: MetaStatusSets['tenderLocked'];

  @ApiProperty({ enum: CONTRACT_STATUSES, isArray: true, description: 'Payments are recorded on these contracts' })
  contractPayable!: MetaStatusSets['contractPayable'];

  @ApiProperty({ enum: CONTRACT_STATUSES, isArray: true, description: 'Invoices are recorded on these contracts' })
  contractInvoiceable!: MetaStatusSets['contractInvoiceable'];

  @ApiProperty({ enum: CONTRACT_STATUSES, isArray: true, description: 'Goods ship on these contracts' })
  contractShippable!: MetaStatusSets['contractShippable'];
}

export class MetaRulesDto implements MetaRules {
  @ApiProperty({ description: 'Sees prices, amounts and discounts (false for a production-only user)' })
  canSeePrices!: boolean;

  @ApiProperty({ description: "Sees the products' floor price" })
  canSeeFloorPrice!: boolean;

  @ApiProperty({ description: 'Issues documents (render, sign, seal) and reads the seal images' })
  issuesDocuments!: boolean;

  @ApiProperty({
    description: 'Lets a gate through with a reason: below the floor price, a failed review, a payment gate',
  })
  managerOverrides!: boolean;

  @ApiProperty({ description: 'May issue API tokens that never expire' })
  issuesEverlastingTokens!: boolean;

  @ApiProperty({ enum: DEPARTMENTS, isArray: true, description: 'The departments whose contact sheets they sign' })
  departments!: MetaRules['departments'];
}

export class MetaDto implements Meta {
  @ApiProperty({ type: MetaEnumsDto, description: "The server's enumerations (labels are the console's)" })
  enums!: MetaEnums;

  @ApiProperty({ type: MetaTransitionsDto })
  transitions!: MetaTransitions;

  @ApiProperty({ type: MetaStatusSetsDto })
  statusSets!: MetaStatusSets;

  @ApiProperty({ type: MetaRulesDto })
  rules!: MetaRules;

  @ApiProperty({
    type: [String],
    example: ['GET /api/tenders', 'POST /api/tenders/:id/submit'],
    description: "The routes the caller's roles may call: `METHOD /path`, the path as declared",
  })
  routes!: string[];
}
