import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import { IsNotEmpty, IsOptional, IsString, MaxLength, ValidateNested } from 'class-validator';

export class PackageOverrideDto {
  @ApiProperty({ description: 'Why the package goes out although a required qualification is expired or missing (audit log only; never printed)' })
  @IsString()
  @IsNotEmpty()
  @MaxLength(1000)
  reason!: string;
}

export class GeneratePackageDto {
  @ApiPropertyOptional({
    type: PackageOverrideDto,
    description: 'manager only: generate although QUALIFICATION_EXPIRED / QUALIFICATION_MISSING would refuse',
  })
  @IsOptional()
  @ValidateNested()
  @Type(() => PackageOverrideDto)
  override?: PackageOverrideDto;
}
