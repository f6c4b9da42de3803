import { PartialType } from '@nestjs/swagger';
import { CreatePerformanceRecordDto } from './create-performance-record.dto.js';

/** Any subset of the fields; null clears an optional one. completedDate >= signedDate is checked on the result. */
export class UpdatePerformanceRecordDto extends PartialType(CreatePerformanceRecordDto) {}
