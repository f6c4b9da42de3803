import { Controller, Get, Headers, Res } from '@nestjs/common';
import { ApiOkResponse, ApiOperation, ApiServiceUnavailableResponse, ApiTags } from '@nestjs/swagger';
import type { Response } from 'express';
import { Public, Caller } from '../auth/index.js';
import { HealthService, type HealthReport, type ReadinessSummary } from './health.service.js';
import { ApiOkOneOfResponse } from '../../common/openapi/responses.js';
import { HealthReportDto, HealthStatusDto, ReadinessSummaryDto } from './dto/health-view.dto.js';

/**
 * Public on purpose (load balancers and orchestrators call it without a token); an admin's bearer token adds the
 * details (backends, latencies, errors). The worker serves the same three paths on WORKER_HTTP_PORT.
 */
@ApiTags('health')
@Controller('health')
export class HealthController {
  constructor(
    private readonly health: HealthService,
    private readonly caller: Caller,
  ) {}

  @Get()
  @Public()
  @ApiOperation({
    summary: 'Up when database, storage, browser and queue answer: 200 { status: "up" }, else 503 { status: "down" }',
    description:
      "With an admin's bearer token: { status, checks: { database, storage, browser, queue } } with each check's details.",
  })
  @ApiOkOneOfResponse('{ status: "up" } (admin: with checks)', HealthStatusDto, HealthReportDto)
  @ApiServiceUnavailableResponse({ description: '{ status: "down" } (admin: with checks)' })
  async get(
    @Headers('authorization') authorization: string | undefined,
    @Res({ passthrough: true }) res: Response,
  ): Promise<HealthReport | { status: string }> {
    const [report, admin] = await Promise.all([this.health.check(), this.caller.isAdmin(authorization)]);
    res.status(report.status === 'up' ? 200 : 503);
    return admin ? report : { status: report.status };
  }

  @Get('live')
  @Public()
  @ApiOperation({ summary: 'Liveness: 200 { status: "up" } while the process answers; checks nothing else' })
  @ApiOkResponse({ type: HealthStatusDto })
  live(): { status: 'up' } {
    return { status: 'up' };
  }

  @Get('ready')
  @Public()
  @ApiOperation({
    summary: 'Readiness: 200 when database, storage, browser and queue answer, else 503; up or down per check',
    description: "With an admin's bearer token: each check's details (backend, latency, error).",
  })
  @ApiOkOneOfResponse(
    '{ status: "up", checks: { database: "up", storage: "up", browser: "up", queue: "up" } } (admin: with details)',
    ReadinessSummaryDto,
    HealthReportDto,
  )
  @ApiServiceUnavailableResponse({ description: 'the same with status "down" and the failing checks "down"' })
  async ready(
    @Headers('authorization') authorization: string | undefined,
    @Res({ passthrough: true }) res: Response,
  ): Promise<HealthReport | ReadinessSummary> {
    const [report, admin] = await Promise.all([this.health.check(), this.caller.isAdmin(authorization)]);
    res.status(report.status === 'up' ? 200 : 503);
    return admin ? report : HealthService.summary(report);
  }
}
