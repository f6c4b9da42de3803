import { Body, Controller, Get, HttpCode, Post, Query, Res, StreamableFile } from '@nestjs/common';
import {
  ApiAcceptedResponse,
  ApiCreatedResponse,
  ApiOkResponse,
  ApiOperation,
  ApiProduces,
  ApiTags,
} from '@nestjs/swagger';
import type { Response } from 'express';
import { ApiFileResponse, DOCX, PageOf, PDF } from '../../common/openapi/responses.js';
import { RateLimit } from '../../common/rate-limit/rate-limit.decorator.js';
import { IdParam } from '../../common/validation.js';
import { CurrentUser, OwnedRecord, Roles, type AuthUser } from '../auth/index.js';
import { sendBytes } from '../files/index.js';
import { JobViewDto } from '../jobs/index.js';
import { DunningLetterFileQuery, DunningLetterQuery, DunningRunDto, IssueDunningLetterDto } from './dto/dunning.dto.js';
import { DunningLetterViewDto, DunningListDto, IssuedLetterDto } from './dto/dunning-view.dto.js';
import { DunningLettersService } from './dunning.service.js';

// Letters are amounts: production never reads them; sales read their own customers' and issue none.
export const READERS = ['finance', 'backoffice', 'manager', 'sales'] as const;
export const ISSUERS = ['finance', 'backoffice', 'manager'] as const;

@ApiTags('dunning')
@Controller('api/dunning')
export class DunningController {
  constructor(private readonly dunning: DunningLettersService) {}

  @Get()
  @Roles(...READERS)
  @ApiOperation({
    summary:
      'The dunning list: each overdue customer with the level due today, the last letter (level, date, document) and the total overdue',
    description:
      'Levels: friendly (温馨提示), firm (催款通知), final (最后催告函), by the oldest item’s age (DUNNING_LEVEL_DAYS), never a ' +
      'level down unless something the last letter listed was paid. A customer without a billing e-mail is listed with ' +
      'mailSkipReason NO_BILLING_EMAIL. A sales user sees their own customers.',
  })
  @ApiOkResponse({ type: DunningListDto })
  list(@CurrentUser() user: AuthUser) {
    return this.dunning.list(user);
  }

  @Post('letters')
  @Roles(...ISSUERS)
  @RateLimit('render')
  @ApiOperation({
    summary:
      "Issue today's dunning letter (催款函) for a customer: signed PDF + DOCX, mailed with the current statement",
    description:
      'One letter per customer listing every overdue share, at the level due. Mailed to the billing contact (Cc the sales ' +
      'owner) with the letter and the customer’s current statement attached; without a billing e-mail it is issued, not ' +
      'mailed (mailSkipReason NO_BILLING_EMAIL). Idempotent per customer, level and day: 200 with created false and no ' +
      'second mail. 404 CUSTOMER_NOT_FOUND; 409 DUNNING_NOTHING_OVERDUE, DUNNING_NOT_DUE; 422 COMPANY_PROFILE_NOT_SET. ' +
      'A refusal writes nothing.',
  })
  @ApiCreatedResponse({ type: IssuedLetterDto })
  @ApiOkResponse({ type: IssuedLetterDto, description: "Today's letter at this level, issued already" })
  async issue(
    @CurrentUser() user: AuthUser,
    @Body() dto: IssueDunningLetterDto,
    @Res({ passthrough: true }) res: Response,
  ) {
    const issued = await this.dunning.issue(user, dto.customerId, { locale: dto.locale });
    res.status(issued.created ? 201 : 200);
    return issued;
  }

  @Post('run')
  @Roles(...ISSUERS)
  @HttpCode(202)
  @ApiOperation({
    summary: 'Issue the letters due: every overdue customer whose level is due and has no letter at it today, as a job',
    description: 'The job’s result counts issued, existing (already issued today) and failed letters.',
  })
  @ApiAcceptedResponse({ type: JobViewDto, description: 'The job, queued' })
  run(@CurrentUser() user: AuthUser, @Body() dto: DunningRunDto) {
    return this.dunning.startRun(user, { locale: dto.locale });
  }

  @Get('letters')
  @Roles(...READERS)
  @ApiOperation({ summary: 'Dunning letters, newest first; filter customerId. A sales user sees their own customers’' })
  @ApiOkResponse({ type: PageOf(DunningLetterViewDto) })
  letters(@CurrentUser() user: AuthUser, @Query() q: DunningLetterQuery) {
    return this.dunning.listLetters(user, { customerId: q.customerId }, q.page, q.pageSize);
  }

  @Get('letters/:id')
  @OwnedRecord('dunning-letter')
  @Roles(...READERS)
  @ApiOperation({ summary: 'A dunning letter: level, the items it listed with their ages and amounts, document, mail' })
  @ApiOkResponse({ type: DunningLetterViewDto })
  get(@IdParam() id: string) {
    return this.dunning.get(id);
  }

  @Get('letters/:id/file')
  @OwnedRecord('dunning-letter')
  @Roles(...READERS)
  @ApiProduces('application/pdf', 'application/vnd.openxmlformats-officedocument.wordprocessingml.document')
  @ApiFileResponse('The signed PDF or the DOCX', PDF, DOCX)
  @ApiOperation({ summary: 'Download the letter: format=pdf (default) | docx' })
  async file(
    @IdParam() id: string,
    @Query() q: DunningLetterFileQuery,
    @Res({ passthrough: true }) res: Response,
  ): Promise<StreamableFile> {
    const { file, bytes } = await this.dunning.file(id, q.format);
    return sendBytes(res, { bytes, contentType: file.contentType, fileName: file.fileName, sha256: file.sha256 });
  }
}
