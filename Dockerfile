# syntax=docker/dockerfile:1
# Node 24 LTS: Node 20's support ended in April 2026. On Node 24 the engine runs better-sqlite3 13
# (prebuilt); 12 is still compiled here, as a regular dependency (see src/eventstore/sqlite/driver.ts).
# Build stage: compiles TypeScript and the native SQLite driver.
FROM node:24-bookworm-slim AS build
WORKDIR /app
RUN apt-get update && apt-get install -y --no-install-recommends python3 make g++ && rm -rf /var/lib/apt/lists/*
COPY package.json package-lock.json ./
RUN npm ci
COPY tsconfig.json tsconfig.build.json ./
COPY src ./src
RUN npm run build && npm prune --omit=dev

# Runtime stage: production dependencies and compiled code only, as a non-root user.
FROM node:24-bookworm-slim
ENV NODE_ENV=production DATA_DIR=/app/data HOST=0.0.0.0 PORT=3000
WORKDIR /app
COPY --from=build /app/package.json ./
COPY --from=build /app/node_modules ./node_modules
COPY --from=build /app/dist ./dist
RUN mkdir -p /app/data && chown node:node /app/data
USER node
EXPOSE 3000
VOLUME ["/app/data"]
CMD ["node", "dist/src/cli/main.js", "serve"]
