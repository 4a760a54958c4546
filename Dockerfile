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
# scripts (run through execa) may leave behind. postgresql-client: pg_dump,
# pg_restore and psql for the backup, restore and verify scripts (PostgreSQL 15,
# Debian bookworm's, the same major version as the databases the runbooks name).
RUN apt-get update \
  && apt-get install -y --no-install-recommends tini postgresql-client ca-certificates curl \
  && rm -rf /var/lib/apt/lists/*

# helm for helm-history and helm-rollback: not in Debian, so fetched from get.helm.sh and
# checked against the checksum published beside it. Build with --build-arg HELM_VERSION=
# (empty) to leave it out; the helm commands then say helm is not installed.
ARG HELM_VERSION=v3.16.4
RUN if [ -n "$HELM_VERSION" ]; then \
      arch="$(dpkg --print-architecture)" \
      && curl -fsSLo /tmp/helm.tgz "https://get.helm.sh/helm-${HELM_VERSION}-linux-${arch}.tar.gz" \
      && curl -fsSLo /tmp/helm.tgz.sha256 "https://get.helm.sh/helm-${HELM_VERSION}-linux-${arch}.tar.gz.sha256sum" \
      && echo "$(cut -d' ' -f1 /tmp/helm.tgz.sha256)  /tmp/helm.tgz" | sha256sum -c - \
      && tar -xzf /tmp/helm.tgz -C /tmp "linux-${arch}/helm" \
      && install -m 0755 "/tmp/linux-${arch}/helm" /usr/local/bin/helm \
      && rm -rf /tmp/helm.tgz* "/tmp/linux-${arch}"; \
    fi

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
# Runbook scripts (SCRIPTS_DIR defaults to ./scripts): the team's own, if the repository has them.
COPY --from=build /app/scripts ./scripts
# The shipped examples of the seeds' scripts (backup, restore, feature flags, validation): set
# SCRIPTS_DIR=/app/examples/scripts to use them as they are, or copy them into scripts/ and adapt.
COPY --from=build /app/examples ./examples

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
