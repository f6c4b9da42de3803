# One image for the API and the worker (docker-compose.yml chooses the command).
FROM node:20-bookworm-slim AS build
WORKDIR /app
ENV PUPPETEER_SKIP_DOWNLOAD=true
COPY package.json package-lock.json ./
RUN npm ci --no-audit --no-fund
COPY tsconfig.json tsconfig.build.json nest-cli.json ./
COPY src ./src
RUN npm run build && npm prune --omit=dev

FROM node:20-bookworm-slim
RUN apt-get update && apt-get install -y --no-install-recommends chromium fontconfig ca-certificates \
    && rm -rf /var/lib/apt/lists/*
WORKDIR /app
ENV NODE_ENV=production PUPPETEER_SKIP_DOWNLOAD=true CHROMIUM_PATH=/usr/bin/chromium
COPY --from=build /app/node_modules ./node_modules
COPY --from=build /app/dist ./dist
COPY package.json ./
COPY templates ./templates
# The back-office console's static files, served from the source tree at /app (src/modules/console).
COPY src/modules/console/static ./src/modules/console/static
USER node
EXPOSE 3000
# The V8 flags of the Makefile's NODE_MEMORY_FLAGS (memory of a tender package: docs/benchmarks.md).
CMD ["node", "--heap-growing-percent=20", "--max-semi-space-size=4", "dist/main.js"]
