# syntax=docker/dockerfile:1
#
# The Tollgate runtime image: `tollgate serve` on a compiled plan mounted at
# /etc/tollgate/plan.json (a ConfigMap in Kubernetes, mounted as a directory so
# updates arrive through the atomic ..data symlink swap and hot-reload).
#
# Node 24 (the current LTS) on Debian 13 (trixie). The gateway serves on node:http, the
# listener safe to expose directly (docs/operations.md#limits-at-the-edge); uWebSockets.js
# loads there for `--server uws` behind a re-framing proxy: the @btc-vision/uwebsockets.js
# build for Node 24 needs glibc >= 2.38, and trixie has 2.41.
#
# The image carries only what runs (scripts/runtime-image.mjs): the files of dist/ that
# `serve` loads, the dependencies they import, one uWS package with the one native binary
# for this platform and Node version; no policy compiler (plans are compiled in CI with
# the npm package), no devDependencies, no other platforms' binaries.
#
#   docker build -t tollgate .
#   docker run -p 8080:8080 -v $PWD/plan-dir:/etc/tollgate:ro tollgate

ARG NODE_VERSION=24.22.3

# --- build: install exactly the lockfile (no install scripts), compile, lay out the runtime.
FROM node:${NODE_VERSION}-trixie AS build
WORKDIR /src
COPY package.json package-lock.json ./
RUN npm ci --ignore-scripts --no-audit --no-fund
COPY tsconfig.json tsconfig.build.json LICENSE NOTICE ./
COPY bin ./bin
COPY cli ./cli
COPY compiler ./compiler
COPY runtime ./runtime
COPY schemas ./schemas
COPY tools ./tools
COPY scripts/runtime-image.mjs ./scripts/
RUN npm run build && node scripts/runtime-image.mjs /app

# --- runtime: slim, non-root, read-only friendly.
FROM node:${NODE_VERSION}-trixie-slim
ENV NODE_ENV=production
WORKDIR /app
COPY --from=build /app ./
# The `node` user (uid 1000) ships with the official image.
USER node
# 8080: the OpenAI-compatible API. 9901: the admin listener, when the plan enables it.
EXPOSE 8080 9901
# Liveness only: the event loop answers. Readiness (/readyz) is for load balancers.
HEALTHCHECK --interval=10s --timeout=3s --start-period=10s --retries=3 \
  CMD ["node", "-e", "fetch('http://127.0.0.1:8080/livez').then(r=>process.exit(r.ok?0:1),()=>process.exit(1))"]
# Worker threads default to the CPUs the container may use (its cgroup CPU quota);
# set TOLLGATE_WORKERS or --workers to choose. A 2 MB semi-space (V8's default grows to
# 16 MB and stays resident) measured 72 MB idle and 94 MB under load for one thread,
# against 76 and 119 MB (docs/benchmarks.md, "Idle memory"); worker threads cap their
# young generation themselves (runtime/workers/worker-pool.ts).
ENTRYPOINT ["node", "--max-semi-space-size=2", "bin/tollgate.js"]
CMD ["serve", "--plan", "/etc/tollgate/plan.json", "--host", "0.0.0.0", "--port", "8080"]
