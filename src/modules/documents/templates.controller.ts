import { Body, Controller, Get, HttpCode, Param, Post, Query, Res } from '@nestjs/common';
import { ApiBody, ApiOkResponse, ApiOperation, ApiProduces, ApiTags } from '@nestjs/swagger';
import type { Response } from 'express';
import { RenderingService } from '../../rendering/rendering.service.js';
import { CONTENT_TYPES } from '../../rendering/rendering.types.js';
import { ANY_ROLE, Public, Roles, SharedRecords } from '../auth/index.js';
import { PreviewQuery } from './dto/document-query.dto.js';
import { RateLimit } from '../../common/rate-limit/rate-limit.decorator.js';
import { ApiFileResponse, ApiTextResponse, DOCX, PDF } from '../../common/openapi/responses.js';
import { TemplateTypeDto } from './dto/document-view.dto.js';

@ApiTags('documents')
@Controller('api')
export class TemplatesController {
  constructor(private readonly rendering: RenderingService) {}

  @Get('templates')
  @Roles(ANY_ROLE)
  @ApiOperation({ summary: 'The document templates and their versions (content hashes)' })
  @ApiOkResponse({ type: [TemplateTypeDto] })
  list() {
    return this.rendering.templateTypes();
  }

  @Post('templates/:type/preview')
  @SharedRecords()
  @HttpCode(200)
  @Roles('backoffice', 'sales', 'finance', 'manager')
  @RateLimit('render')
  @ApiBody({
    required: false,
    schema: { type: 'object', additionalProperties: true },
    description: "The template's data; none: its sample.json",
  })
  @ApiProduces(
    'application/pdf',
    'text/html',
    'application/vnd.openxmlformats-officedocument.wordprocessingml.document',
  )
  @ApiOperation({ summary: 'Render sample.json (or the posted data) without storing anything' })
  @ApiFileResponse('The rendered sample (nothing stored)', PDF, 'text/html', DOCX)
  async preview(
    @Param('type') type: string,
    @Query() q: PreviewQuery,
    @Body() body: unknown,
    @Res() res: Response,
  ): Promise<void> {
    const hasData = body !== null && typeof body === 'object' && Object.keys(body).length > 0;
    const data = hasData ? body : this.rendering.sample(type);
    const html = this.rendering.html(type, data, q.locale);
    const bytes =
      q.format === 'html'
        ? Buffer.from(html.html, 'utf8')
        : q.format === 'docx'
          ? await this.rendering.renderDocx(html)
          : await this.rendering.renderPdf(html, false);
    res.set({
      'Content-Type': CONTENT_TYPES[q.format],
      'Content-Length': String(bytes.length),
      'X-Template-Version': html.version,
      'Cache-Control': 'no-store',
    });
    if (q.format === 'html')
      res.set(
        'Content-Security-Policy',
        "default-src 'none'; img-src data:; style-src 'unsafe-inline'; font-src data:",
      );
    res.end(bytes);
  }

  @Get('signing/certificate')
  @Public()
  @ApiProduces('application/x-pem-file')
  @ApiOperation({ summary: 'The certificate that signs PDFs and bundle manifests (PEM), for anyone to verify with' })
  @ApiTextResponse('The signing certificate (PEM)', 'application/x-pem-file')
  certificate(@Res() res: Response): void {
    const info = this.rendering.signerInfo();
    res.set({
      'Content-Type': 'application/x-pem-file',
      'X-Signer-Subject': encodeURIComponent(info.subject),
      'X-Development-Certificate': String(info.isDevelopment),
    });
    res.end(this.rendering.certificatePem());
  }
}
