import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { customerEventSchema } from '../../src/domain/customer/events.js';
import { UnknownSchemaVersionError, currentSchemaVersion, upcast } from '../../src/domain/upcasting.js';

const fixture = JSON.parse(readFileSync(new URL('../fixtures/customerRegistered.v1.json', import.meta.url), 'utf8')) as {
  event: { type: string; data: unknown; metadata: { schemaVersion: number } };
  expectedCurrent: unknown;
};

describe('event versioning', () => {
  it('writes CustomerRegistered as version 2 and everything unchanged as version 1', () => {
    expect(currentSchemaVersion('CustomerRegistered')).toBe(2);
    expect(currentSchemaVersion('LeadFound')).toBe(1);
  });

  it('reads a stored version-1 CustomerRegistered in the current shape', () => {
    const current = upcast(fixture.event.type, fixture.event.metadata.schemaVersion, fixture.event.data);
    expect(current).toEqual(fixture.expectedCurrent);
    expect(customerEventSchema.parse({ type: 'CustomerRegistered', data: current }).type).toBe('CustomerRegistered');
  });

  it('leaves a current payload as it is', () => {
    expect(upcast('CustomerRegistered', 2, fixture.expectedCurrent)).toBe(fixture.expectedCurrent);
  });

  it('refuses a version newer than this engine knows', () => {
    expect(() => upcast('CustomerRegistered', 3, {})).toThrow(UnknownSchemaVersionError);
  });
});
