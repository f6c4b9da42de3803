import { ApiProperty } from '@nestjs/swagger';
import { IsIn } from 'class-validator';

export const PROOF_KINDS = ['contract_signature_page', 'acceptance_certificate', 'invoice', 'other'] as const;
export type ProofKind = (typeof PROOF_KINDS)[number];

/** The text part sent with a proof file. */
export class ProofUploadDto {
  @ApiProperty({ enum: PROOF_KINDS })
  @IsIn(PROOF_KINDS)
  kind!: ProofKind;
}
