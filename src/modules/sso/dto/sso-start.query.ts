import { ApiPropertyOptional } from '@nestjs/swagger';
import { IsOptional, IsString, MaxLength } from 'class-validator';

export class SsoStartQuery {
  @ApiPropertyOptional({
    example: '/app/quotations',
    description: 'Where the console goes once signed in: a path under /app (anything else means /app)',
  })
  @IsOptional()
  @IsString()
  @MaxLength(500)
  returnTo?: string;
}
