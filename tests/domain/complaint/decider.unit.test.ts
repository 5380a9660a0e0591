import { describe, it } from 'vitest';
import { complaintDecider } from '../../../src/domain/complaint/decider.js';
import type { ComplaintEvent } from '../../../src/domain/complaint/events.js';
import { specFor } from '../../support/deciderSpec.js';
import { registeredCustomer } from '../../support/domainFixtures.js';

const spec = specFor(complaintDecider);
const raise = { complaintId: 'k1', customerId: 'acme', dealId: 'd1', category: 'delivery', severity: 'high' as const, description: 'late' };
const raised: ComplaintEvent = { type: 'ComplaintRaised', data: raise };
const acknowledged: ComplaintEvent = { type: 'ComplaintAcknowledged', data: { note: null } };
const resolved: ComplaintEvent = { type: 'ComplaintResolved', data: { resolution: 'express re-delivery' } };
const closed: ComplaintEvent = { type: 'ComplaintClosed', data: { satisfactionScore: 4 } };
const context = { customer: registeredCustomer, deal: { status: 'open', customerId: 'acme' } };

describe('complaint', () => {
  it('is raised about a registered customer and one of its deals', () => {
    spec.given().when({ type: 'RaiseComplaint', data: raise }, context).then([raised]);
  });

  it('refuses an unknown customer, an unknown deal, or a deal of another customer', () => {
    spec.given().when({ type: 'RaiseComplaint', data: raise }, { ...context, customer: { status: 'none' } }).thenThrows('CUSTOMER_NOT_FOUND');
    spec.given().when({ type: 'RaiseComplaint', data: raise }, { ...context, deal: { status: 'none' } }).thenThrows('DEAL_NOT_FOUND');
    spec.given().when({ type: 'RaiseComplaint', data: raise }, { ...context, deal: { status: 'won', customerId: 'globex' } }).thenThrows('DEAL_OF_OTHER_CUSTOMER');
  });

  it('refuses to be raised twice, or changed before it is raised', () => {
    spec.given([raised]).when({ type: 'RaiseComplaint', data: raise }, context).thenThrows('COMPLAINT_ALREADY_RAISED');
    spec.given().when({ type: 'AcknowledgeComplaint', data: { note: null } }, {}).thenThrows('COMPLAINT_NOT_FOUND');
  });

  it('follows its lifecycle: acknowledged, escalated, resolved, closed', () => {
    spec.given([raised]).when({ type: 'AcknowledgeComplaint', data: { note: null } }, {}).then([acknowledged]);
    spec.given([raised, acknowledged]).when({ type: 'EscalateComplaint', data: { to: 'Head of Ops', reason: 'key account' } }, {}).then([
      { type: 'ComplaintEscalated', data: { to: 'Head of Ops', reason: 'key account' } },
    ]);
    spec.given([raised, acknowledged]).when({ type: 'ResolveComplaint', data: { resolution: 'express re-delivery' } }, {}).then([resolved]);
    spec.given([raised, acknowledged, resolved]).when({ type: 'CloseComplaint', data: { satisfactionScore: 4 } }, {}).then([closed]);
  });

  it('refuses a second acknowledgement', () => {
    spec.given([raised, acknowledged]).when({ type: 'AcknowledgeComplaint', data: { note: null } }, {}).thenThrows('COMPLAINT_ALREADY_ACKNOWLEDGED');
  });

  it('is acknowledged after an escalation that came first, and only once', () => {
    // given a complaint escalated straight from raised
    const escalated: ComplaintEvent = { type: 'ComplaintEscalated', data: { to: 'Head of Ops', reason: 'urgent' } };
    // then it can still be acknowledged, as it never was
    spec.given([raised, escalated]).when({ type: 'AcknowledgeComplaint', data: { note: null } }, {}).then([acknowledged]);
    // and once acknowledged, escalated or not, not again
    spec.given([raised, escalated, acknowledged]).when({ type: 'AcknowledgeComplaint', data: { note: null } }, {}).thenThrows('COMPLAINT_ALREADY_ACKNOWLEDGED');
    spec.given([raised, acknowledged, escalated]).when({ type: 'AcknowledgeComplaint', data: { note: null } }, {}).thenThrows('COMPLAINT_ALREADY_ACKNOWLEDGED');
  });

  it('closes only when resolved', () => {
    spec.given([raised, acknowledged]).when({ type: 'CloseComplaint', data: { satisfactionScore: null } }, {}).thenThrows('COMPLAINT_NOT_RESOLVED');
  });

  it('refuses a closing satisfaction score outside 1–5', () => {
    spec.given([raised, resolved]).when({ type: 'CloseComplaint', data: { satisfactionScore: 9 } }, {}).thenThrows('SATISFACTION_SCORE_OUT_OF_RANGE');
  });

  it('refuses to escalate or resolve once resolved', () => {
    spec.given([raised, resolved]).when({ type: 'EscalateComplaint', data: { to: 'x', reason: 'y' } }, {}).thenThrows('COMPLAINT_NOT_OPEN');
    spec.given([raised, resolved, closed]).when({ type: 'ResolveComplaint', data: { resolution: 'again' } }, {}).thenThrows('COMPLAINT_NOT_OPEN');
  });

  it('reopens only when resolved or closed, and is open again after', () => {
    spec.given([raised, acknowledged]).when({ type: 'ReopenComplaint', data: { reason: 'x' } }, {}).thenThrows('COMPLAINT_NOT_REOPENABLE');
    spec.given([raised, resolved, closed]).when({ type: 'ReopenComplaint', data: { reason: 'came back' } }, {}).then([
      { type: 'ComplaintReopened', data: { reason: 'came back' } },
    ]);
    spec
      .given([raised, resolved, closed, { type: 'ComplaintReopened', data: { reason: 'came back' } }])
      .when({ type: 'AcknowledgeComplaint', data: { note: 'on it' } }, {})
      .then([{ type: 'ComplaintAcknowledged', data: { note: 'on it' } }]);
  });
});
