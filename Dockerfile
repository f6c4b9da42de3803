# One image for the API and the worker (docker-compose.yml chooses the command).
# Node 24 LTS, pinned like the Makefile's NODE_VERSION (Renovate moves both).
FROM node:24.22.3-bookworm-slim AS build
WORKDIR /app
ENV PUPPETEER_SKIP_DOWNLOAD=true
COPY package.json package-lock.json .npmrc ./
RUN npm ci --no-audit --no-fund
COPY tsconfig.json tsconfig.build.json nest-cli.json ./
COPY scripts/console-vendor.mjs ./scripts/
COPY src ./src
# npm run build also bundles the console's editor code (CodeMirror, pdf.js, mammoth) into the console's vendor/.
RUN npm run build && npm prune --omit=dev

FROM node:24.22.3-bookworm-slim
RUN apt-get update && apt-get install -y --no-install-recommends chromium-headless-shell chromium fontconfig ca-certificates openssl qpdf \
    && rm -rf /var/lib/apt/lists/*
WORKDIR /app
ENV NODE_ENV=production PUPPETEER_SKIP_DOWNLOAD=true PRINTER=headless-shell STORAGE_DIR=/var/lib/tenderdesk
# The application belongs to root and is read-only for the user that runs it (node, uid 1000): the service writes
# only to STORAGE_DIR, a volume that user owns (and to /tmp: Chromium's profiles). test/e2e/deployment.test.ts runs
# the built service this way without a container engine.
COPY --from=build /app/node_modules ./node_modules
COPY --from=build /app/dist ./dist
COPY package.json ./
COPY templates ./templates
# The back-office console's static files, served from the source tree at /app (src/modules/console).
COPY src/modules/console/static ./src/modules/console/static
COPY --from=build /app/src/modules/console/static/vendor ./src/modules/console/static/vendor
RUN chmod -R a-w /app && mkdir -p /var/lib/tenderdesk && chown node:node /var/lib/tenderdesk && chmod 0700 /var/lib/tenderdesk
VOLUME /var/lib/tenderdesk
USER node
EXPOSE 3000
# Workers: /health/live, /health/ready and /metrics on WORKER_HTTP_PORT when set (compose sets 9464).
EXPOSE 9464
# The V8 flags of the Makefile's NODE_MEMORY_FLAGS (memory of a tender package: docs/benchmarks.md).
CMD ["node", "--heap-growing-percent=20", "--max-semi-space-size=4", "dist/main.js"]
