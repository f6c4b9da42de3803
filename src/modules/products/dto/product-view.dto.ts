import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { AMOUNT, TIMESTAMP } from '../../../common/openapi/responses.js';
import type { ProductViewFor } from '../products.service.js';

/** A product as a caller sees it: the prices only for those who may see them (see canSeeFloorPrice). */
export class ProductViewDto implements ProductViewFor {
  @ApiProperty({ format: 'uuid' })
  id!: string;

  @ApiProperty({ example: 'NDM-137' })
  code!: string;

  @ApiProperty()
  nameZh!: string;

  @ApiProperty({ type: String, nullable: true })
  nameEn!: string | null;

  @ApiProperty({ type: String, nullable: true })
  specification!: string | null;

  @ApiProperty({ example: '套' })
  unit!: string;

  @ApiPropertyOptional({ ...AMOUNT, description: 'Absent for production' })
  listPrice?: string;

  @ApiPropertyOptional({
    ...AMOUNT,
    description: 'The negotiation limit: admin, backoffice, finance and manager only',
  })
  floorPrice?: string;

  @ApiProperty({ example: '13.00', description: 'Percent, a decimal string' })
  taxRate!: string;

  @ApiProperty({ example: 'CNY' })
  currency!: string;

  @ApiProperty({ type: String, nullable: true })
  productLine!: string | null;

  @ApiProperty()
  active!: boolean;

  @ApiProperty(TIMESTAMP)
  createdAt!: Date;

  @ApiProperty(TIMESTAMP)
  updatedAt!: Date;

  @ApiProperty({ description: 'Goes up with every change; GET gives it as the ETag, writes take it as If-Match' })
  version!: number;
}
