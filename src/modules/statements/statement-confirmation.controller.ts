import { Controller, Get, Param, Post, Req, Res } from '@nestjs/common';
import {
  ApiBody,
  ApiExtraModels,
  ApiOkResponse,
  ApiOperation,
  ApiProduces,
  ApiTags,
  getSchemaPath,
} from '@nestjs/swagger';
import type { Request, Response } from 'express';
import { Public } from '../auth/index.js';
import { RateLimit } from '../../common/rate-limit/rate-limit.decorator.js';
import { AnswerStatementDto } from './dto/statement.dto.js';
import { StatementsService } from './statements.service.js';
import {
  clientOf,
  PUBLIC_PAGE_HEADERS,
  sendPublicPage as sendPage,
  sendPublicPdf,
} from '../../common/public-links/public-page.js';
import { ApiTextResponse } from '../../common/openapi/responses.js';
import { AnswerRecordedDto } from './dto/statement-view.dto.js';

/**
 * The customer's confirmation page (no login): the link in the statement's PDF and mail. Answered here as HTML,
 * never through the API's JSON error filter, except for a POST that is not the page's form (JSON, or no body),
 * which gets the API's error bodies.
 */
@ApiTags('statements')
@ApiExtraModels(AnswerRecordedDto)
@RateLimit('confirmation')
@Controller('statements/confirm')
export class StatementConfirmationController {
  constructor(private readonly statements: StatementsService) {}

  @Get(':token')
  @Public()
  @ApiProduces('text/html')
  @ApiOperation({
    summary: "The customer's statement page with the confirm / dispute form (no login; the token is the link's)",
    description: '404 page: not a valid link; 409: answered already (when and how, no figures); 410: expired.',
  })
  @ApiTextResponse('The page (also for the 404, 409 and 410 answers)', 'text/html')
  async page(@Param('token') token: string, @Res() res: Response): Promise<void> {
    sendPage(res, await this.statements.confirmationPage(token));
  }

  @Get(':token/pdf')
  @Public()
  @ApiProduces('application/pdf', 'text/html')
  @ApiOperation({ summary: 'The signed PDF of the statement, while its link is open (else the same pages as above)' })
  @ApiOkResponse({
    description: 'The signed PDF, or the page of a link that is no longer open',
    content: {
      'application/pdf': { schema: { type: 'string', format: 'binary' } },
      'text/html': { schema: { type: 'string' } },
    },
  })
  async pdf(@Param('token') token: string, @Res() res: Response): Promise<void> {
    const found = await this.statements.confirmationPdf(token);
    if ('page' in found) return sendPage(res, found.page);
    sendPublicPdf(res, found);
  }

  @Post(':token')
  @Public()
  @ApiProduces('text/html', 'application/json')
  @ApiBody({ type: AnswerStatementDto, description: 'application/x-www-form-urlencoded (the page’s form) or JSON' })
  @ApiOperation({
    summary: "Record the customer's answer: confirm the balance, or dispute it with the right amount and a reason",
    description:
      'Needs `code`, the confirmation code sent only in the statement mail (not printed on the statement); each ' +
      'answer with a code uses one of STATEMENT_CODE_ATTEMPTS. From the form: the thank-you page (200), the page ' +
      'again with the errors (400, also for a wrong code; nothing recorded), or 403 when no attempt is left. As JSON: ' +
      '200 { number, responseStatus, response }, 400 VALIDATION_FAILED, 403 STATEMENT_CODE_INVALID (details.attemptsLeft) / ' +
      'STATEMENT_CODE_LOCKED / STATEMENT_CODE_NOT_SENT (not mailed), 404 STATEMENT_LINK_INVALID, ' +
      '409 STATEMENT_ALREADY_ANSWERED, 410 STATEMENT_LINK_EXPIRED. Recorded once with the client address (TRUST_PROXY) ' +
      'and user agent, audited as `customer: <name>`.',
  })
  @ApiOkResponse({
    description: 'JSON: the answer recorded; from the form: the thank-you page',
    content: {
      'application/json': { schema: { $ref: getSchemaPath(AnswerRecordedDto) } },
      'text/html': { schema: { type: 'string' } },
    },
  })
  async answer(@Param('token') token: string, @Req() req: Request, @Res() res: Response): Promise<void> {
    // The page's form posts urlencoded and gets pages; anything else (JSON, no body) is a program: the API's errors.
    const json = req.is('application/x-www-form-urlencoded') !== 'application/x-www-form-urlencoded';
    const result = await this.statements.answer(token, (req.body as unknown) ?? {}, clientOf(req), json);
    if ('page' in result) return sendPage(res, result.page);
    res.status(200).set(PUBLIC_PAGE_HEADERS).json(result.recorded);
  }
}
