import { Controller, Get, Query } from '@nestjs/common';
import { ApiOperation, ApiTags } from '@nestjs/swagger';
import { Roles } from '../auth/auth.decorators.js';
import { AuditService } from './audit.service.js';
import { AuditQueryDto } from './dto/audit-query.dto.js';

@ApiTags('audit')
@Controller('api/audit')
export class AuditController {
  constructor(private readonly audit: AuditService) {}

  @Get()
  @Roles('admin', 'manager')
  @ApiOperation({ summary: 'The audit log, newest first, filtered by record, action, actor or time' })
  list(@Query() q: AuditQueryDto) {
    const { page, pageSize, ...filter } = q;
    return this.audit.list(filter, page, pageSize);
  }

  @Get('chain')
  @Roles('admin')
  @ApiOperation({
    summary: "Recomputes the audit log's hash chain: OK with the head hash, or the first broken link",
  })
  chain() {
    return this.audit.verifyChain();
  }
}
