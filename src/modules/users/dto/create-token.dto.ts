import { ApiPropertyOptional } from '@nestjs/swagger';
import { IsBoolean, IsInt, IsOptional, IsString, Max, MaxLength, Min } from 'class-validator';

export class CreateTokenDto {
  @ApiPropertyOptional({ example: 'laptop' })
  @IsOptional()
  @IsString()
  @MaxLength(100)
  label?: string;

  @ApiPropertyOptional({
    example: 90,
    nullable: true,
    description:
      'Days until the token stops working: API_TOKEN_DAYS when left out; more than API_TOKEN_MAX_DAYS, or null (never), only for admins',
  })
  @IsOptional()
  @IsInt()
  @Min(1)
  @Max(3650)
  expiresInDays?: number | null;

  @ApiPropertyOptional({
    example: false,
    description: 'A read-only token may only read (GET): writes get 403 TOKEN_READ_ONLY',
  })
  @IsOptional()
  @IsBoolean()
  readOnly?: boolean;
}
