# opsbot container image.
#
#   docker build -t opsbot .
#   docker run --rm -p 3000:3000 \
#     -e SLACK_BOT_TOKEN=xoxb-... -e SLACK_SIGNING_SECRET=... \
#     -e DATABASE_URL=postgres://opsbot:...@db:5432/opsbot \
#     -v "$PWD/catalog.yaml:/app/catalog.yaml:ro" opsbot
#
# Without DATABASE_URL opsbot falls back to the embedded PostgreSQL (PGlite) under
# OPSBOT_DATA_DIR=/data: mount a volume there to keep it (`-v opsbot-data:/data`).
# That is for trying opsbot out with a single container only: production (and any
# deployment with more than one replica) must set DATABASE_URL, because approvals,
# locks and schedule claims are coordinated through the one shared database.

# ---------------------------------------------------------------------------
# Build stage: dev dependencies + TypeScript compile (tsconfig.build.json → dist/)
# ---------------------------------------------------------------------------
FROM node:20-bookworm-slim AS build
WORKDIR /app

# Dependencies first, so this layer is reused while only sources change.
COPY package.json package-lock.json ./
RUN npm ci --no-audit --no-fund

COPY . .
# scripts/ (runbook scripts under SCRIPTS_DIR) is optional in the repository;
# make sure it and the migrations folder exist so the runtime stage can copy them.
RUN npm run build && mkdir -p scripts src/store/migrations

# ---------------------------------------------------------------------------
# Runtime stage: production dependencies + compiled output only
# ---------------------------------------------------------------------------
FROM node:20-bookworm-slim AS runtime

# tini as PID 1: forwards SIGTERM to node and reaps the zombies that runbook
# scripts (run through execa) may leave behind.
RUN apt-get update \
  && apt-get install -y --no-install-recommends tini \
  && rm -rf /var/lib/apt/lists/*

ENV NODE_ENV=production \
    NODE_OPTIONS=--enable-source-maps \
    PORT=3000 \
    OPSBOT_DATA_DIR=/data
WORKDIR /app

COPY package.json package-lock.json ./
RUN npm ci --omit=dev --no-audit --no-fund && npm cache clean --force

# Application files stay owned by root (read-only for the process).
COPY --from=build /app/dist ./dist
# SQL migrations are read at run time from src/store/migrations (relative to the
# project root); tsc does not copy them into dist/.
COPY --from=build /app/src/store/migrations ./src/store/migrations
# Example catalog (OPSBOT_CATALOG defaults to ./catalog.yaml): mount your own over
# it, or point OPSBOT_CATALOG elsewhere (the Helm chart uses /etc/opsbot/catalog.yaml).
COPY --from=build /app/catalog.yaml ./catalog.yaml
# Runbook scripts (SCRIPTS_DIR defaults to ./scripts).
COPY --from=build /app/scripts ./scripts

# Writable data directory for the embedded database (only used without DATABASE_URL).
RUN mkdir -p /data && chown 1000:1000 /data
VOLUME ["/data"]

# The image's `node` user. Numeric, so that Kubernetes' runAsNonRoot can verify it.
USER 1000:1000

EXPOSE 3000

# No curl in slim images: node itself probes GET /healthz on $PORT.
HEALTHCHECK --interval=30s --timeout=5s --start-period=30s --retries=3 \
  CMD ["node", "-e", "fetch('http://127.0.0.1:'+(process.env.PORT||3000)+'/healthz').then(r=>process.exit(r.ok?0:1)).catch(()=>process.exit(1))"]

ENTRYPOINT ["/usr/bin/tini", "--"]
CMD ["node", "dist/src/main.js"]
