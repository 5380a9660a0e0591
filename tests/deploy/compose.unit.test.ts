import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { z } from 'zod';
import { loadConfig } from '../../src/cli/config.js';
import { EVENTSTORE_IMAGE } from '../support/eventStoreDbSetup.js';

const service = z.object({
  image: z.string().optional(),
  build: z.unknown().optional(),
  environment: z.record(z.string(), z.string()).default({}),
  depends_on: z.record(z.string(), z.object({ condition: z.string() })).optional(),
  healthcheck: z.object({ test: z.array(z.string()) }).optional(),
  volumes: z.array(z.string()).optional(),
});
const compose = z
  .object({ services: z.object({ eventstore: service, engine: service }), volumes: z.record(z.string(), z.unknown()) })
  .parse(parse(readFileSync('docker-compose.yml', 'utf8')));

// There is no Docker engine here to run it, so the file itself is checked.
describe('docker-compose.yml', () => {
  const { eventstore, engine } = compose.services;

  it('runs the EventStoreDB image the tests use, single node, with a named volume and a health check', () => {
    expect(eventstore.image).toBe(EVENTSTORE_IMAGE);
    expect(eventstore.environment).toMatchObject({ EVENTSTORE_CLUSTER_SIZE: '1', EVENTSTORE_INSECURE: 'true' });
    const [volume] = eventstore.volumes ?? [];
    expect(Object.keys(compose.volumes)).toContain(volume?.split(':')[0]);
    expect(eventstore.healthcheck?.test.join(' ')).toContain('/health/live');
  });

  it('gives the engine an environment that passes the config schema and points at that service', () => {
    const config = loadConfig(engine.environment);
    expect(config.STORE).toBe('eventstoredb');
    expect(new URL(config.EVENTSTORE_CONNECTION_STRING ?? '').hostname).toBe('eventstore');
    expect(engine.depends_on?.eventstore?.condition).toBe('service_healthy');
    expect(engine.build).toBeDefined();
  });

  it('builds the engine as a non-root, production-only image', () => {
    const dockerfile = readFileSync('Dockerfile', 'utf8');
    expect(dockerfile.match(/^FROM /gm)).toHaveLength(2);
    // on a Node.js still supported, the same in both stages (the native driver is built for it)
    expect(dockerfile.match(/^FROM node:(\d+)-/gm)).toEqual(['FROM node:24-', 'FROM node:24-']);
    expect(dockerfile).toMatch(/npm prune --omit=dev/);
    expect(dockerfile).toMatch(/^USER node$/m);
  });
});
