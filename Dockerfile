# syntax=docker/dockerfile:1
#
# The Tollgate runtime image: `tollgate serve` on a compiled plan mounted at
# /etc/tollgate/plan.json (a ConfigMap in Kubernetes, mounted as a directory so
# updates arrive through the atomic ..data symlink swap and hot-reload).
#
# Debian 13 (trixie) base: its glibc (2.41) loads current uWebSockets.js builds; the
# bundled uWS v20.30 also loads on it. The runtime stage has no compiler toolchain.
#
#   docker build -t tollgate .
#   docker run -p 8080:8080 -v $PWD/plan-dir:/etc/tollgate:ro tollgate

ARG NODE_IMAGE=node:20.20.2-trixie
ARG NODE_SLIM_IMAGE=node:20.20.2-trixie-slim

# --- build: install exactly the lockfile, compile TypeScript, drop dev dependencies.
FROM ${NODE_IMAGE} AS build
WORKDIR /src
COPY package.json package-lock.json ./
# Native modules (hnswlib-node) build from source here: node-gyp needs no network.
RUN npm ci --no-audit --no-fund
COPY tsconfig.json tsconfig.build.json ./
COPY bin ./bin
COPY cli ./cli
COPY compiler ./compiler
COPY runtime ./runtime
COPY schemas ./schemas
COPY tools ./tools
COPY policies ./policies
RUN npm run build && npm prune --omit=dev --no-audit --no-fund

# --- runtime: slim, non-root, read-only friendly.
FROM ${NODE_SLIM_IMAGE}
ENV NODE_ENV=production
WORKDIR /app
COPY --from=build /src/package.json ./package.json
COPY --from=build /src/node_modules ./node_modules
COPY --from=build /src/dist ./dist
COPY --from=build /src/bin ./bin
COPY --from=build /src/policies ./policies
# The `node` user (uid 1000) ships with the official image.
USER node
# 8080: the OpenAI-compatible API. 9901: the admin listener, when the plan enables it.
EXPOSE 8080 9901
# Liveness only: the event loop answers. Readiness (/readyz) is for load balancers.
HEALTHCHECK --interval=10s --timeout=3s --start-period=10s --retries=3 \
  CMD ["node", "-e", "fetch('http://127.0.0.1:8080/livez').then(r=>process.exit(r.ok?0:1),()=>process.exit(1))"]
ENTRYPOINT ["node", "bin/tollgate.js"]
CMD ["serve", "--plan", "/etc/tollgate/plan.json", "--host", "0.0.0.0", "--port", "8080"]
