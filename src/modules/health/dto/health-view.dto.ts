import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import type { CheckName, CheckResult, HealthReport, ReadinessSummary, Up } from '../health.service.js';

const UP = ['up', 'down'] as const;

/** What anyone sees on /health: up or down. */
export class HealthStatusDto {
  @ApiProperty({ enum: UP })
  status!: Up;
}

export class CheckResultDto implements CheckResult {
  @ApiProperty({ enum: UP })
  status!: Up;

  @ApiPropertyOptional({ description: 'The backend: postgres, filesystem, the browser path, pgboss…' })
  kind?: string;

  @ApiProperty()
  latencyMs!: number;

  @ApiPropertyOptional()
  error?: string;
}

export class HealthChecksDto implements Record<CheckName, CheckResult> {
  @ApiProperty({ type: CheckResultDto })
  database!: CheckResultDto;

  @ApiProperty({ type: CheckResultDto })
  storage!: CheckResultDto;

  @ApiProperty({ type: CheckResultDto })
  browser!: CheckResultDto;

  @ApiProperty({ type: CheckResultDto })
  queue!: CheckResultDto;
}

/** What an admin sees: each check with its backend, latency and error. */
export class HealthReportDto implements HealthReport {
  @ApiProperty({ enum: UP })
  status!: Up;

  @ApiProperty({ type: HealthChecksDto })
  checks!: HealthChecksDto;
}

export class ReadinessChecksDto implements Record<CheckName, Up> {
  @ApiProperty({ enum: UP })
  database!: Up;

  @ApiProperty({ enum: UP })
  storage!: Up;

  @ApiProperty({ enum: UP })
  browser!: Up;

  @ApiProperty({ enum: UP })
  queue!: Up;
}

/** What anyone sees on /health/ready: up or down per check, nothing else. */
export class ReadinessSummaryDto implements ReadinessSummary {
  @ApiProperty({ enum: UP })
  status!: Up;

  @ApiProperty({ type: ReadinessChecksDto })
  checks!: ReadinessChecksDto;
}
