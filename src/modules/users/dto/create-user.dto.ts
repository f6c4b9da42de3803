import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import {
  ArrayMaxSize,
  ArrayMinSize,
  ArrayUnique,
  IsArray,
  IsBoolean,
  IsEmail,
  IsIn,
  IsOptional,
  IsString,
  Matches,
  MaxLength,
} from 'class-validator';
import { ROLES, type Role } from '../../auth/index.js';

export class CreateUserDto {
  @ApiProperty({ example: 'wang.li', description: 'Sign-in name, unique; letters (any script), digits, . _ -' })
  @IsString()
  @MaxLength(100)
  @Matches(/^[\p{L}\p{N}][\p{L}\p{N}._-]*$/u, {
    message: 'name may hold letters, digits, . _ - and must start with a letter or digit',
  })
  name!: string;

  @ApiProperty({ enum: ROLES, isArray: true, example: ['production'] })
  @IsArray()
  @ArrayMinSize(1)
  @ArrayMaxSize(ROLES.length)
  @ArrayUnique()
  @IsIn(ROLES, { each: true })
  roles!: Role[];

  @ApiPropertyOptional({ example: 'wang.li@example.com' })
  @IsOptional()
  @IsEmail()
  @MaxLength(254)
  email?: string;

  @ApiPropertyOptional({
    description:
      'Also issue an API token (default expiry), shown this once in `token`: for integrations. People sign in through ' +
      'the invitation link every new user gets.',
  })
  @IsOptional()
  @IsBoolean()
  apiToken?: boolean;
}
