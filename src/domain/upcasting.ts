import { customerRegisteredV1ToV2 } from './customer/upcasters.js';

type Upcaster = (data: unknown) => Record<string, unknown>;

/**
 * For each event type whose shape changed: the function that lifts a payload of version v to v+1.
 * Stored events are never rewritten; they are lifted to the current shape when read (DESIGN.md §2).
 */
const upcasters: Record<string, Record<number, Upcaster>> = {
  CustomerRegistered: { 1: customerRegisteredV1ToV2 },
};

const currentVersions = new Map(Object.entries(upcasters).map(([type, steps]) => [type, 1 + Object.keys(steps).length]));

/** The schema version new events of this type are written with. */
export function currentSchemaVersion(type: string): number {
  return currentVersions.get(type) ?? 1;
}

export class UnknownSchemaVersionError extends Error {
  constructor(type: string, version: number) {
    super(`${type} schema version ${version} is newer than this engine knows (${currentSchemaVersion(type)})`);
    this.name = 'UnknownSchemaVersionError';
  }
}

/** The payload of a stored event in the shape of the current schema version. */
export function upcast(type: string, schemaVersion: number, data: unknown): unknown {
  const current = currentSchemaVersion(type);
  if (schemaVersion === current) return data;
  if (schemaVersion > current) throw new UnknownSchemaVersionError(type, schemaVersion);
  let lifted = data;
  for (let version = schemaVersion; version < current; version++) {
    const step = upcasters[type]?.[version];
    if (!step) throw new UnknownSchemaVersionError(type, version);
    lifted = step(lifted);
  }
  return lifted;
}
