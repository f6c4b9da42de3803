import { Controller, Get, Res } from '@nestjs/common';
import { ApiOperation, ApiProduces, ApiTags } from '@nestjs/swagger';
import type { Response } from 'express';
import { RenderingService } from '../../rendering/rendering.service.js';
import { Public } from '../auth/index.js';
import { ApiTextResponse } from '../../common/openapi/responses.js';

/** The certificate the service signs with: anyone may fetch it to verify a PDF or a bundle. */
@ApiTags('documents')
@Controller('api')
export class SigningController {
  constructor(private readonly rendering: RenderingService) {}

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
