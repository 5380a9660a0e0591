import type { TestProject } from 'vitest/node';

/** The EventStoreDB image the tests and docker-compose.yml use. */
export const EVENTSTORE_IMAGE = 'eventstore/eventstore:24.10';

export type EventStoreDbTarget = { connectionString: string } | { skipReason: string };

declare module 'vitest' {
  export interface ProvidedContext {
    eventStoreDb: EventStoreDbTarget;
  }
}

/**
 * Finds an EventStoreDB for the contract suite, once per run: EVENTSTORE_CONNECTION_STRING if set,
 * else a throwaway container through testcontainers when a Docker engine answers. Without either,
 * the EventStoreDB cases are skipped and this one line says why.
 */
export default async function setup(project: TestProject): Promise<(() => Promise<void>) | undefined> {
  const fromEnv = process.env.EVENTSTORE_CONNECTION_STRING;
  if (fromEnv) {
    project.provide('eventStoreDb', { connectionString: fromEnv });
    return undefined;
  }
  const skip = (reason: string): undefined => {
    console.log(`EventStoreDB contract tests skipped: ${reason}`);
    project.provide('eventStoreDb', { skipReason: reason });
    return undefined;
  };
  const { GenericContainer, Wait, getContainerRuntimeClient } = await import('testcontainers');
  try {
    await getContainerRuntimeClient();
  } catch {
    return skip('no Docker engine found and EVENTSTORE_CONNECTION_STRING is not set');
  }
  try {
    const container = await new GenericContainer(EVENTSTORE_IMAGE)
      .withEnvironment({
        EVENTSTORE_CLUSTER_SIZE: '1',
        EVENTSTORE_INSECURE: 'true',
        EVENTSTORE_MEM_DB: 'true',
        EVENTSTORE_RUN_PROJECTIONS: 'None',
        EVENTSTORE_MAX_APPEND_SIZE: '16777216',
      })
      .withExposedPorts(2113)
      .withWaitStrategy(Wait.forHttp('/health/live', 2113).forStatusCode(204))
      .withStartupTimeout(120_000)
      .start();
    const connectionString = `esdb://${container.getHost()}:${container.getMappedPort(2113)}?tls=false`;
    project.provide('eventStoreDb', { connectionString });
    return async () => {
      await container.stop();
    };
  } catch (error) {
    const firstLine = String(error instanceof Error ? error.message : error).split('\n')[0];
    return skip(`a Docker engine answered, but EventStoreDB (${EVENTSTORE_IMAGE}) did not start: ${firstLine}`);
  }
}
