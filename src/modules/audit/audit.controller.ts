import { Controller, Get, Query } from '@nestjs/common';
import { ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { Roles } from '../auth/index.js';
import { AuditService } from './audit.service.js';
import { AuditQueryDto } from './dto/audit-query.dto.js';
import { PageOf } from '../../common/openapi/responses.js';
import { AuditEntryDto, ChainReportDto } from './dto/audit-view.dto.js';

@ApiTags('audit')
@Controller('api/audit')
export class AuditController {
  constructor(private readonly audit: AuditService) {}

  @Get()
  @Roles('admin', 'manager')
  @ApiOperation({ summary: 'The audit log, newest first, filtered by record, action, actor or time' })
  @ApiOkResponse({ type: PageOf(AuditEntryDto) })
  list(@Query() q: AuditQueryDto) {
    const { page, pageSize, ...filter } = q;
    return this.audit.list(filter, page, pageSize);
  }

  @Get('chain')
  @Roles('admin')
  @ApiOperation({
    summary: "Recomputes the audit log's hash chain: OK with the head hash, or the first broken link",
  })
  @ApiOkResponse({ type: ChainReportDto })
  chain() {
    return this.audit.verifyChain();
  }
}
