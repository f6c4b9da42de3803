import { Body, Controller, Delete, Get, HttpCode, Patch, Post, Query, Res, type StreamableFile } from '@nestjs/common';
import {
  ApiCreatedResponse,
  ApiOkResponse,
  ApiOperation,
  ApiProduces,
  ApiTags,
  ApiUnprocessableEntityResponse,
} from '@nestjs/swagger';
import type { Response } from 'express';
import { ImportQuery } from '../../common/tabular/tabular.dto.js';
import { IdParam } from '../../common/validation.js';
import type { ExpectedVersion } from '../../common/versioning/record-version.js';
import { IfMatch, VersionedRead, VersionedWrite } from '../../common/versioning/versioned.decorators.js';
import { ANY_ROLE, Roles, CurrentUser, type AuthUser, OwnedRecord } from '../auth/index.js';
import { sendExport, type Upload, FileUpload, UploadedBytes } from '../files/index.js';
import { CustomersService } from './customers.service.js';
import { CreateCustomerDto, UpdateCustomerDto } from './dto/customer.dto.js';
import { CustomerExportQuery, CustomerQuery } from './dto/customer-query.dto.js';
import { RateLimit } from '../../common/rate-limit/rate-limit.decorator.js';
import { ApiFileResponse, CSV, PageOf, XLSX } from '../../common/openapi/responses.js';
import { ImportReportDto } from '../../common/tabular/import-report.dto.js';
import { CustomerViewDto } from './dto/customer-view.dto.js';

// Production reads customers too: their names go on contact sheets and delivery notices.
const WRITERS = ['backoffice', 'sales'] as const;

@ApiTags('customers')
@Controller('api/customers')
export class CustomersController {
  constructor(private readonly customers: CustomersService) {}

  @Post()
  @Roles(...WRITERS)
  @ApiOperation({ summary: 'Create a customer with its contacts (a sales user: one they own)' })
  @ApiCreatedResponse({ type: CustomerViewDto })
  create(@CurrentUser() actor: AuthUser, @Body() dto: CreateCustomerDto) {
    return this.customers.create(actor, dto);
  }

  @Get()
  @Roles(ANY_ROLE)
  @ApiOperation({
    summary: 'Customers: search by name or tax id (q), filter by sales owner, archived; sorted and paginated',
  })
  @ApiOkResponse({ type: PageOf(CustomerViewDto) })
  list(@CurrentUser() user: AuthUser, @Query() query: CustomerQuery) {
    return this.customers.list(user, query);
  }

  // Before ':id', which would take "export" for an id.
  @Get('export')
  @Roles(ANY_ROLE)
  @ApiOperation({
    summary:
      'The filtered list as CSV (UTF-8 with BOM) or XLSX, Chinese headers; one row per customer with its main and billing contact',
  })
  @ApiProduces('text/csv', 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet')
  @ApiFileResponse('The customers as CSV or XLSX', CSV, XLSX)
  async export(
    @CurrentUser() user: AuthUser,
    @Query() query: CustomerExportQuery,
    @Res({ passthrough: true }) res: Response,
  ): Promise<StreamableFile> {
    return sendExport(res, await this.customers.export(user, query, query.format));
  }

  // Sales too: their rows may name only themselves as owner and match only their own customers (row errors otherwise).
  @Post('import')
  @Roles(...WRITERS)
  @RateLimit('import')
  @HttpCode(200)
  @FileUpload()
  @ApiOperation({
    summary:
      'Import customers (CSV in UTF-8 or GBK, or XLSX): rows matching a customer by ID or tax id update it, others are new; every row valid -> all written; any bad row -> 422 and nothing written',
    description:
      '销售负责人 is a user name; 联系人 and 开票联系人 columns become the main and the billing contact. dryRun=true lists the changes row by row and writes nothing. A sales user may import only their own customers.',
  })
  @ApiOkResponse({ type: ImportReportDto })
  @ApiUnprocessableEntityResponse({
    description:
      'IMPORT_INVALID: details is the same report (results row by row; errors = [{ row, field, column, code, message }], row as numbered in the sheet); nothing was written',
  })
  import(@CurrentUser() actor: AuthUser, @UploadedBytes() upload: Upload | undefined, @Query() query: ImportQuery) {
    return this.customers.import(actor, upload, query.dryRun);
  }

  @Get(':id')
  @OwnedRecord('customer')
  @Roles(ANY_ROLE)
  @ApiOkResponse({ type: CustomerViewDto })
  @VersionedRead()
  get(@IdParam() id: string) {
    return this.customers.get(id);
  }

  @Patch(':id')
  @OwnedRecord('customer')
  @Roles(...WRITERS)
  @ApiOperation({
    summary: 'Change a customer (a sales user: only their own); contacts, when given, replaces the list',
  })
  @VersionedWrite()
  @ApiOkResponse({ type: CustomerViewDto })
  update(
    @CurrentUser() actor: AuthUser,
    @IdParam() id: string,
    @Body() dto: UpdateCustomerDto,
    @IfMatch() ifMatch: ExpectedVersion,
  ) {
    return this.customers.update(actor, id, dto, ifMatch);
  }

  @Delete(':id')
  @OwnedRecord('customer')
  @Roles('backoffice')
  @HttpCode(200)
  @ApiOperation({ summary: 'Archive a customer (records that refer to it keep it); PATCH archived: false restores it' })
  @VersionedWrite()
  @ApiOkResponse({ type: CustomerViewDto, description: 'The archived customer' })
  archive(@CurrentUser() actor: AuthUser, @IdParam() id: string, @IfMatch() ifMatch: ExpectedVersion) {
    return this.customers.archive(actor, id, ifMatch);
  }
}
