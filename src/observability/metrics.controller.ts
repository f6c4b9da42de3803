import { Controller, Get, Headers, Res } from '@nestjs/common';
import { ApiOperation, ApiProduces, ApiTags, ApiUnauthorizedResponse } from '@nestjs/swagger';
import type { Response } from 'express';
import { AppException } from '../common/errors/app-exception.js';
import { ErrorCode } from '../common/errors/error-codes.js';
import { Public } from '../modules/auth/auth.decorators.js';
import { MetricsAccess } from './metrics-access.js';
import { Metrics } from './metrics.js';
import { ApiTextResponse } from '../common/openapi/responses.js';

@ApiTags('health')
@Controller('metrics')
export class MetricsController {
  constructor(
    private readonly metrics: Metrics,
    private readonly access: MetricsAccess,
  ) {}

  @Get()
  // Not the user guard's: a scraper's METRICS_TOKEN is no user's token. MetricsAccess checks it (or an admin's).
  @Public()
  @ApiProduces('text/plain')
  @ApiOperation({
    summary: "Prometheus metrics of this process; `Authorization: Bearer <METRICS_TOKEN>` or an admin's token",
  })
  @ApiUnauthorizedResponse({ description: 'UNAUTHENTICATED: neither the METRICS_TOKEN nor an admin token' })
  @ApiTextResponse('Prometheus text exposition format', 'text/plain')
  async scrape(@Headers('authorization') authorization: string | undefined, @Res() res: Response): Promise<void> {
    if (!(await this.access.allowed(authorization))) {
      throw new AppException(
        401,
        ErrorCode.UNAUTHENTICATED,
        'Send METRICS_TOKEN (or an admin\'s API token) as "Authorization: Bearer <token>"',
      );
    }
    res
      .status(200)
      .type(this.metrics.contentType())
      .send(await this.metrics.text());
  }
}
