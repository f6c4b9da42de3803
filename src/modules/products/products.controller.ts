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
import { ANY_ROLE, Roles, CurrentUser, type AuthUser, SharedRecords } from '../auth/index.js';
import { sendExport, type Upload, FileUpload, UploadedBytes } from '../files/index.js';
import { CreateProductDto, UpdateProductDto } from './dto/product.dto.js';
import { ProductExportQuery, ProductQuery } from './dto/product-query.dto.js';
import { ProductsService } from './products.service.js';
import { RateLimit } from '../../common/rate-limit/rate-limit.decorator.js';
import type { ExpectedVersion } from '../../common/versioning/record-version.js';
import { IfMatch, VersionedRead, VersionedWrite } from '../../common/versioning/versioned.decorators.js';
import { ImportReportDto } from '../../common/tabular/import-report.dto.js';
import { ApiFileResponse, CSV, PageOf, XLSX } from '../../common/openapi/responses.js';
import { ProductViewDto } from './dto/product-view.dto.js';

const WRITERS = ['backoffice', 'manager'] as const;
const PRICES_NOTE =
  'Production users get no listPrice or floorPrice; floorPrice only for admin, backoffice, finance and manager.';

@ApiTags('products')
@Controller('api/products')
export class ProductsController {
  constructor(private readonly products: ProductsService) {}

  @Post()
  @Roles(...WRITERS)
  @ApiOperation({
    summary: 'Add a product to the price list',
    description: '409 PRODUCT_CODE_EXISTS; 400 FLOOR_ABOVE_LIST',
  })
  @ApiCreatedResponse({ type: ProductViewDto })
  create(@CurrentUser() actor: AuthUser, @Body() dto: CreateProductDto) {
    return this.products.create(actor, dto);
  }

  @Get()
  @Roles(ANY_ROLE)
  @ApiOperation({
    summary: 'The price list: search (q), filter by product line and active, sorted and paginated',
    description: PRICES_NOTE,
  })
  @ApiOkResponse({ type: PageOf(ProductViewDto) })
  list(@CurrentUser() user: AuthUser, @Query() query: ProductQuery) {
    return this.products.listFor(user, query);
  }

  // Before ':id', which would take "export" for an id.
  @Get('export')
  @Roles(ANY_ROLE)
  @ApiOperation({
    summary: 'The filtered price list as CSV (UTF-8 with BOM) or XLSX, Chinese headers',
    description: 'No 目录价/最低价 columns for production users; no 最低价 column for sales and engineering.',
  })
  @ApiProduces('text/csv', 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet')
  @ApiFileResponse('The price list as CSV or XLSX', CSV, XLSX)
  async export(
    @CurrentUser() user: AuthUser,
    @Query() query: ProductExportQuery,
    @Res({ passthrough: true }) res: Response,
  ): Promise<StreamableFile> {
    return sendExport(res, await this.products.export(user, query, query.format));
  }

  @Post('import')
  @Roles(...WRITERS)
  @RateLimit('import')
  @HttpCode(200)
  @FileUpload()
  @ApiOperation({
    summary:
      'Import a price list (CSV in UTF-8 or GBK, or XLSX): rows matching a product by ID or product code (产品编码) update it, others are new; every row valid -> all written; any bad row -> 422 and nothing written',
    description:
      'Rows are checked as POST and PATCH check them, plus: floor price not above list price, one row per product. dryRun=true lists the changes row by row and writes nothing.',
  })
  @ApiOkResponse({ type: ImportReportDto })
  @ApiUnprocessableEntityResponse({
    description:
      'IMPORT_INVALID: details is the same report (results row by row; errors = [{ row, field, column, code, message }], row as numbered in the sheet); nothing was written',
  })
  import(@CurrentUser() actor: AuthUser, @UploadedBytes() upload: Upload | undefined, @Query() query: ImportQuery) {
    return this.products.import(actor, upload, query.dryRun);
  }

  @Get(':id')
  @SharedRecords()
  @Roles(ANY_ROLE)
  @ApiOperation({ summary: 'A product', description: PRICES_NOTE })
  @ApiOkResponse({ type: ProductViewDto })
  @VersionedRead()
  get(@CurrentUser() user: AuthUser, @IdParam() id: string) {
    return this.products.getFor(user, id);
  }

  @Patch(':id')
  @SharedRecords()
  @Roles(...WRITERS)
  @ApiOperation({
    summary: 'Change a product',
    description: '409 PRODUCT_CODE_EXISTS; 400 FLOOR_ABOVE_LIST (checked on the prices after the change)',
  })
  @VersionedWrite()
  @ApiOkResponse({ type: ProductViewDto })
  update(
    @CurrentUser() actor: AuthUser,
    @IdParam() id: string,
    @Body() dto: UpdateProductDto,
    @IfMatch() ifMatch: ExpectedVersion,
  ) {
    return this.products.update(actor, id, dto, ifMatch);
  }

  @Delete(':id')
  @SharedRecords()
  @Roles(...WRITERS)
  @HttpCode(200)
  @ApiOperation({
    summary: 'Deactivate a product (quotations keep referring to it); PATCH active: true brings it back',
  })
  @VersionedWrite()
  @ApiOkResponse({ type: ProductViewDto, description: 'The deactivated product' })
  deactivate(@CurrentUser() actor: AuthUser, @IdParam() id: string, @IfMatch() ifMatch: ExpectedVersion) {
    return this.products.deactivate(actor, id, ifMatch);
  }
}
