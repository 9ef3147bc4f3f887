# Agnes server image. Every `da` binary is built at image build time, so /cli/download and the
# installers work in the container with no extra step.
#
#   docker build --build-arg AGNES_COMMIT=$(git rev-parse --short=12 HEAD) -t agnes .
#   docker run -p 8000:8000 -v agnes-data:/data -e PUBLIC_URL=https://agnes.example.com agnes
#
# Building needs network access: `bun install`, and build.ts fetches Bun's runtime for each target.
# Build arguments:
#   BUN_IMAGE    the base image of every stage (default the public oven/bun at the pinned version);
#                test/container/image.test.ts builds on one made from Debian's packages instead
#   DA_TARGETS   build only these `da` targets, comma-separated (default: every target)
#   DA_ZSTD=0    skip the zstd copies (~1–2 min per target); gzip copies are always made
ARG BUN_VERSION=1.4.4
ARG BUN_IMAGE=oven/bun:${BUN_VERSION}

# Production dependencies only (DuckDB's native addon for the image's own platform).
FROM ${BUN_IMAGE} AS deps
WORKDIR /app
COPY package.json bun.lock ./
RUN bun install --frozen-lockfile --production

# Every platform's `da`, with SHA256SUMS and manifest.json (build.ts).
FROM ${BUN_IMAGE} AS cli
WORKDIR /app
COPY package.json bun.lock ./
RUN bun install --frozen-lockfile
COPY tsconfig.json build.ts ./
COPY scripts ./scripts
COPY cli ./cli
COPY src ./src
ARG AGNES_COMMIT=unknown
ARG DA_VERSION=
ARG DA_TARGETS=
ARG DA_ZSTD=1
# build.ts reads DA_VERSION and AGNES_COMMIT from the environment (an ARG is one); an empty
# DA_VERSION would be taken as the version "", so it goes when empty (package.json's is used).
RUN [ -n "$DA_VERSION" ] || unset DA_VERSION; \
    bun build.ts --out /app/dist/cli ${DA_TARGETS:+--targets "$DA_TARGETS"} $([ "$DA_ZSTD" = 0 ] && echo --no-zstd)

FROM ${BUN_IMAGE} AS runtime
WORKDIR /app
ARG AGNES_COMMIT=unknown
ENV NODE_ENV=production \
    AGNES_COMMIT=${AGNES_COMMIT} \
    DATA_DIR=/data \
    CLI_DIST_DIR=/app/dist/cli \
    CLI_BUILD_ON_START=off \
    HOST=0.0.0.0 \
    PORT=8000 \
    UV_THREADPOOL_SIZE=64
COPY --from=deps /app/node_modules ./node_modules
COPY package.json bun.lock tsconfig.json bunfig.toml ./
COPY src ./src
COPY views ./views
COPY public ./public
COPY installers ./installers
COPY --from=cli /app/dist/cli ./dist/cli
# The image's `bun` user (uid 1000) owns only the data volume; the code stays read-only to it.
# The `da` binaries are built above (CLI_BUILD_ON_START=off: the image has no build.ts or cli/ to
# build more at start, and /app/dist/cli is not the bun user's to write).
RUN mkdir -p /data && chown bun:bun /data
USER bun
VOLUME /data
EXPOSE 8000
HEALTHCHECK --interval=30s --timeout=5s --start-period=20s --retries=3 \
  CMD ["bun", "-e", "fetch('http://127.0.0.1:' + (process.env.PORT || 8000) + '/health').then((r) => process.exit(r.ok ? 0 : 1), () => process.exit(1))"]
# The same entry as `bun run start` (whose bootstrap step the image has already done).
CMD ["bun", "src/server.ts"]
