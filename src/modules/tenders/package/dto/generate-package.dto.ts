import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import { IsObject, IsOptional, IsString, Matches, MaxLength, ValidateNested } from 'class-validator';

export class PackageOverrideDto {
  @ApiProperty({ description: 'Why the package goes out although a required qualification is expired or missing (audit log only; never printed)' })
  @IsString()
  @Matches(/\S/, { message: 'reason must not be blank' })
  @MaxLength(1000)
  reason!: string;
}

export class GeneratePackageDto {
  @ApiPropertyOptional({
    type: PackageOverrideDto,
    description: 'manager only: generate although QUALIFICATION_EXPIRED / QUALIFICATION_MISSING would refuse',
  })
  @IsOptional()
  @IsObject()
  @ValidateNested()
  @Type(() => PackageOverrideDto)
  override?: PackageOverrideDto;
}
