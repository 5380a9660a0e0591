import { describe, expect, it } from 'vitest';
import { normalizeCustomerName } from '../../../src/domain/customer/commands.js';
import { customerDecider } from '../../../src/domain/customer/decider.js';
import type { CustomerEvent } from '../../../src/domain/customer/events.js';
import { specFor } from '../../support/deciderSpec.js';
import { activeRep, departedRep } from '../../support/domainFixtures.js';

const spec = specFor(customerDecider);
const profile = {
  segment: 'enterprise',
  industry: 'logistics',
  region: 'north',
  acquisitionChannel: 'exhibition' as const,
  contact: { person: 'Eva Berg', email: 'eva@acme.example', phone: '+46 8 123 456' },
};
const registered: CustomerEvent = { type: 'CustomerRegistered', data: { customerId: 'acme', name: 'Acme AB', ...profile } };
const visit = { visitId: 'v1', dueDate: '2026-08-01', repId: 'ann', purpose: 'QBR' };
const planned: CustomerEvent = { type: 'FollowUpVisitPlanned', data: visit };
const outcome = { visitId: 'v1', outcome: 'happy, wants more vans' };

describe('customer', () => {
  it('is registered with its profile and contact details', () => {
    spec.given().when({ type: 'RegisterCustomer', data: { customerId: 'acme', name: 'Acme AB', ...profile } }, {}).then([registered]);
  });

  it('refuses a second registration under the same id', () => {
    spec.given([registered]).when({ type: 'RegisterCustomer', data: { customerId: 'acme', name: 'Other', ...profile } }, {}).thenThrows('CUSTOMER_ALREADY_REGISTERED');
  });

  it('refuses anything before it is registered', () => {
    spec.given().when({ type: 'RecordSatisfaction', data: { score: 4, source: 'survey', comment: null } }, {}).thenThrows('CUSTOMER_NOT_FOUND');
  });

  it('updates its profile, but not with nothing', () => {
    spec.given([registered]).when({ type: 'UpdateCustomerProfile', data: { segment: 'midMarket' } }, {}).then([
      { type: 'CustomerProfileUpdated', data: { segment: 'midMarket' } },
    ]);
    spec.given([registered]).when({ type: 'UpdateCustomerProfile', data: {} }, {}).thenThrows('PROFILE_UPDATE_EMPTY');
  });

  it('refuses a profile update that changes nothing, as registered or as updated since', () => {
    // given a customer registered in the north, then moved to the mid-market segment
    const moved: CustomerEvent = { type: 'CustomerProfileUpdated', data: { segment: 'midMarket' } };
    // when an update gives only the values it already has, the contact as a whole too
    spec.given([registered, moved]).when({ type: 'UpdateCustomerProfile', data: { region: 'north', segment: 'midMarket' } }, {}).thenThrows('PROFILE_UNCHANGED');
    spec.given([registered]).when({ type: 'UpdateCustomerProfile', data: { contact: { ...profile.contact } } }, {}).thenThrows('PROFILE_UNCHANGED');
    // then one field changed among unchanged ones is an update
    spec.given([registered, moved]).when({ type: 'UpdateCustomerProfile', data: { region: 'north', segment: 'enterprise' } }, {}).then([
      { type: 'CustomerProfileUpdated', data: { region: 'north', segment: 'enterprise' } },
    ]);
    spec.given([registered]).when({ type: 'UpdateCustomerProfile', data: { contact: { ...profile.contact, phone: null } } }, {}).then([
      { type: 'CustomerProfileUpdated', data: { contact: { ...profile.contact, phone: null } } },
    ]);
  });

  it('plans a follow-up visit by an active rep, once per visit id', () => {
    spec.given([registered]).when({ type: 'PlanFollowUpVisit', data: visit }, { rep: activeRep }).then([planned]);
    spec.given([registered]).when({ type: 'PlanFollowUpVisit', data: visit }, { rep: departedRep }).thenThrows('OWNER_NOT_ACTIVE_REP');
    spec.given([registered, planned]).when({ type: 'PlanFollowUpVisit', data: visit }, { rep: activeRep }).thenThrows('VISIT_ALREADY_PLANNED');
  });

  it('completes a planned visit once', () => {
    const completed: CustomerEvent = { type: 'FollowUpVisitCompleted', data: outcome };
    spec.given([registered, planned]).when({ type: 'CompleteFollowUpVisit', data: outcome }, {}).then([completed]);
    spec.given([registered, planned, completed]).when({ type: 'CompleteFollowUpVisit', data: outcome }, {}).thenThrows('VISIT_ALREADY_COMPLETED');
    spec.given([registered]).when({ type: 'CompleteFollowUpVisit', data: outcome }, {}).thenThrows('VISIT_NOT_FOUND');
  });

  it.each([0, 6, 3.5])('refuses a satisfaction score of %s', (score) => {
    spec.given([registered]).when({ type: 'RecordSatisfaction', data: { score, source: 'survey', comment: null } }, {}).thenThrows('SATISFACTION_SCORE_OUT_OF_RANGE');
  });

  it('compares names without case, surrounding space or repeated inner space', () => {
    expect(normalizeCustomerName('  ACME   ab ')).toBe(normalizeCustomerName('Acme AB'));
    expect(normalizeCustomerName('Ａｃｍｅ')).toBe('acme');
    expect(normalizeCustomerName('Acme A B')).not.toBe(normalizeCustomerName('Acme AB'));
  });
});
