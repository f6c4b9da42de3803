import { Logger, type DynamicModule, type INestApplication } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import type { NestExpressApplication } from '@nestjs/platform-express';
import { DocumentBuilder, SwaggerModule, type OpenAPIObject } from '@nestjs/swagger';
import express, { type NextFunction, type Request, type RequestHandler, type Response } from 'express';
import { AppModule } from './app.module.js';
import type { AppConfig } from './config/app-config.js';
import { AllExceptionsFilter } from './common/errors/all-exceptions.filter.js';
import { toErrorResponse } from './common/errors/error-body.js';
import { ErrorCode } from './common/errors/error-codes.js';
import { createValidationPipe } from './common/validation.js';
import { orderRoutes, type RouteLayer } from './common/route-precedence.js';
import { httpObservability } from './observability/http-observability.js';
import { createRootLogger, nestLogger } from './observability/logging.js';
import { Metrics } from './observability/metrics.js';
import { securityHeaders } from './common/http/security-headers.js';

/** Builds the HTTP application (not yet listening). Tests call this too, with their own config. */
export async function createApp(
  config: AppConfig,
  extra: DynamicModule['imports'] = [],
): Promise<NestExpressApplication> {
  const root = createRootLogger(config, { role: 'api' });
  const app = await NestFactory.create<NestExpressApplication>(AppModule.forRoot(config, 'api', extra), {
    bodyParser: false,
    logger: nestLogger(root),
  });
  const logger = new Logger('HTTP');
  app.disable('x-powered-by');
  // First: request id, access log line and latency histogram for every request, those the parsers refuse included.
  app.use(httpObservability(root, app.get(Metrics)));
  // The client's address (req.ip) for rate limits and records: the socket's, or X-Forwarded-For's behind TRUST_PROXY.
  app.set('trust proxy', config.trustProxy);
  app.use(securityHeaders(config.publicUrl));
  // Body parsers with the configured limit; their errors (bad JSON, too large) happen before Nest routes
  // the request, so they are answered here in the same error shape.
  const parsers = [
    express.json({ limit: config.bodyLimit }),
    express.urlencoded({ extended: false, limit: config.bodyLimit }),
  ];
  for (const parser of parsers) app.use(withErrorShape(parser, logger));
  app.use(refuseUnreadableBody);
  app.useGlobalFilters(new AllExceptionsFilter());
  app.useGlobalPipes(createValidationPipe());

  SwaggerModule.setup('docs', app, () => openApiDocument(app), { jsonDocumentUrl: 'docs-json' });
  // Nest registers the routes when it initialises; then the most specific of colliding routes goes first, whatever
  // the order of the modules (common/route-precedence.ts). listen() and the tests' init() find it initialised.
  await app.init();
  orderRoutes((app.getHttpAdapter().getInstance() as { router: { stack: RouteLayer[] } }).router.stack);
  return app;
}

/**
 * The OpenAPI document served at /docs-json. Also built without a server by scripts/console-types.mjs (from an app
 * created in preview mode, which reads the controllers' metadata and instantiates nothing) for the console's types.
 */
export function openApiDocument(app: INestApplication): OpenAPIObject {
  const config = new DocumentBuilder()
    .setTitle('Tenderdesk API')
    .setDescription(
      'Records and signed documents for the sales back office. Send `Authorization: Bearer <token>`. ' +
        'Every error is `{ "error": { "code", "message", "details" } }`.',
    )
    .setVersion('0.1.0')
    .addBearerAuth()
    .build();
  return SwaggerModule.createDocument(app, config);
}

const WITH_BODY = new Set(['POST', 'PUT', 'PATCH', 'DELETE']);

/**
 * A body no parser read (text/plain, XML, JSON without its content type) would reach the handlers as no body at
 * all, and a PATCH or a state change would then succeed on nothing the client meant: 415 instead. Multipart bodies
 * are read later, by the upload interceptors.
 */
function refuseUnreadableBody(req: Request, res: Response, next: NextFunction): void {
  const hasBody = req.headers['transfer-encoding'] !== undefined || Number(req.headers['content-length'] ?? 0) > 0;
  if (!WITH_BODY.has(req.method) || !hasBody || req.body !== undefined || req.is('multipart/form-data')) return next();
  res.status(415).json({
    error: {
      code: ErrorCode.UNSUPPORTED_MEDIA_TYPE,
      message: 'Send the body as application/json (or multipart/form-data for a file)',
      details: { contentType: req.headers['content-type'] ?? null },
    },
  });
}

function withErrorShape(parser: RequestHandler, logger: Logger): RequestHandler {
  return (req: Request, res: Response, next: NextFunction) => {
    parser(req, res, (err?: unknown) => {
      if (!err) return next();
      const { status, body } = toErrorResponse(err, logger);
      res.status(status).json(body);
    });
  };
}
