import { PartialType } from '@nestjs/swagger';
import { CreateQualificationDto } from './create-qualification.dto.js';

/** Any subset of the fields; null clears an optional one. validTo >= validFrom is checked on the result. */
export class UpdateQualificationDto extends PartialType(CreateQualificationDto) {}
