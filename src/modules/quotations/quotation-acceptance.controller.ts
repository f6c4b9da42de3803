import { Controller, Get, Param, Post, Req, Res } from '@nestjs/common';
import { ApiBody, ApiOkResponse, ApiOperation, ApiProduces, ApiTags } from '@nestjs/swagger';
import type { Request, Response } from 'express';
import { ApiTextResponse } from '../../common/openapi/responses.js';
import { clientOf, PUBLIC_PAGE_HEADERS, sendPublicPage, sendPublicPdf } from '../../common/public-links/public-page.js';
import { RateLimit } from '../../common/rate-limit/rate-limit.decorator.js';
import { Public } from '../auth/index.js';
import { QuotationAcceptanceService } from './quotation-acceptance.service.js';

/**
 * The customer's quotation page (no login): the link in the mail of a sent quotation. Answered as HTML, never through
 * the API's JSON error filter, except for a POST that is not the page's form (JSON, or no body), which gets the API's
 * error bodies. Counted against the same rate limit as the statement confirmation pages (RATE_LIMIT_CONFIRMATION).
 */
@ApiTags('quotations')
@RateLimit('confirmation')
@Controller('quotations/accept')
export class QuotationAcceptanceController {
  constructor(private readonly acceptance: QuotationAcceptanceService) {}

  @Get(':token')
  @Public()
  @ApiProduces('text/html')
  @ApiOperation({
    summary: "The customer's quotation page with the accept / decline form (no login; the token is the link's)",
    description:
      '404 page: not a valid link; 409: answered already, or the quotation was revised or answered since (no figures); ' +
      '410: past the quotation’s validity.',
  })
  @ApiTextResponse('The page (also for the 404, 409 and 410 answers)', 'text/html')
  async page(@Param('token') token: string, @Res() res: Response): Promise<void> {
    sendPublicPage(res, await this.acceptance.page(token));
  }

  @Get(':token/pdf')
  @Public()
  @ApiProduces('application/pdf', 'text/html')
  @ApiOperation({ summary: 'The signed PDF the customer was sent, while its link is open (else the pages above)' })
  @ApiOkResponse({
    description: 'The signed PDF, or the page of a link that is no longer open',
    content: {
      'application/pdf': { schema: { type: 'string', format: 'binary' } },
      'text/html': { schema: { type: 'string' } },
    },
  })
  async pdf(@Param('token') token: string, @Res() res: Response): Promise<void> {
    const found = await this.acceptance.pdf(token);
    if ('page' in found) return sendPublicPage(res, found.page);
    sendPublicPdf(res, found);
  }

  @Post(':token')
  @Public()
  @ApiProduces('text/html', 'application/json')
  @ApiBody({
    description:
      'application/x-www-form-urlencoded (the page’s form) or JSON: { action: accept | decline, name, position ' +
      '(required to accept), reason (required to decline) }',
    schema: {
      type: 'object',
      required: ['action', 'name'],
      properties: {
        action: { type: 'string', enum: ['accept', 'decline'] },
        name: { type: 'string', maxLength: 100 },
        position: { type: 'string', maxLength: 100 },
        reason: { type: 'string', maxLength: 2000 },
      },
    },
  })
  @ApiOperation({
    summary: "Record the customer's answer: accept (name, position) or decline (reason) the sent revision",
    description:
      'Recorded once with the time, the client address (TRUST_PROXY), user agent and the sha256 of the PDF sent; ' +
      'the quotation becomes accepted or rejected and its sales owner is mailed. An acceptance issues a new version ' +
      'of the quotation document: the PDF sent with a signed acceptance record page appended. From the form: the ' +
      'thank-you page (200) or the page again with the errors (400, nothing recorded). As JSON: 200 { number, ' +
      'revision, answer, at, document }, 400 VALIDATION_FAILED, 404 QUOTATION_LINK_INVALID, 409 ' +
      'QUOTATION_LINK_ANSWERED / QUOTATION_LINK_CLOSED, 410 QUOTATION_LINK_EXPIRED.',
  })
  @ApiOkResponse({
    description: 'JSON: the answer recorded; from the form: the thank-you page',
    content: {
      'application/json': {
        schema: {
          type: 'object',
          properties: {
            number: { type: 'string' },
            revision: { type: 'integer' },
            answer: { type: 'string', enum: ['accepted', 'declined'] },
            at: { type: 'string', format: 'date-time' },
            document: {
              type: 'object',
              nullable: true,
              properties: { id: { type: 'string', format: 'uuid' }, version: { type: 'integer' } },
            },
          },
        },
      },
      'text/html': { schema: { type: 'string' } },
    },
  })
  async answer(@Param('token') token: string, @Req() req: Request, @Res() res: Response): Promise<void> {
    // The page's form posts urlencoded and gets pages; anything else (JSON, no body) is a program: the API's errors.
    const json = req.is('application/x-www-form-urlencoded') !== 'application/x-www-form-urlencoded';
    const result = await this.acceptance.answer(token, (req.body as unknown) ?? {}, clientOf(req), json);
    if ('page' in result) return sendPublicPage(res, result.page);
    res.status(200).set(PUBLIC_PAGE_HEADERS).json(result.recorded);
  }
}
