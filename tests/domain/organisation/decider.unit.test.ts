import { describe, expect, it } from 'vitest';
import { repDecider, teamDecider } from '../../../src/domain/organisation/decider.js';
import type { RepEvent } from '../../../src/domain/organisation/events.js';
import { membershipHistory, teamAt } from '../../../src/domain/organisation/membership.js';
import { specFor } from '../../support/deciderSpec.js';
import { activeRep, departedRep } from '../../support/domainFixtures.js';

const reps = specFor(repDecider);
const teams = specFor(teamDecider);
const hired: RepEvent = { type: 'RepHired', data: { repId: 'ann', name: 'Ann', role: 'rep', email: null } };
const joinedNorth: RepEvent = { type: 'RepJoinedTeam', data: { teamId: 'north' } };
const northTeam = { team: { status: 'formed' as const, teamId: 'north', name: 'North', region: 'north', managerRepId: 'mia' } };
const southTeam = { team: { ...northTeam.team, teamId: 'south' } };
const noTeam = { team: { status: 'none' as const } };

describe('rep', () => {
  it('is hired once', () => {
    reps.given().when({ type: 'HireRep', data: hired.data }, noTeam).then([hired]);
    reps.given([hired]).when({ type: 'HireRep', data: hired.data }, noTeam).thenThrows('REP_ALREADY_HIRED');
  });

  it('joins a formed team, and refuses an unknown one', () => {
    reps.given([hired]).when({ type: 'JoinTeam', data: { teamId: 'north' } }, northTeam).then([joinedNorth]);
    reps.given([hired]).when({ type: 'JoinTeam', data: { teamId: 'nowhere' } }, noTeam).thenThrows('TEAM_NOT_FOUND');
  });

  it('moves between teams as a leave and a join, so it is in one team at a time', () => {
    reps.given([hired, joinedNorth]).when({ type: 'JoinTeam', data: { teamId: 'south' } }, southTeam).then([
      { type: 'RepLeftTeam', data: { teamId: 'north' } },
      { type: 'RepJoinedTeam', data: { teamId: 'south' } },
    ]);
    reps.given([hired, joinedNorth]).when({ type: 'JoinTeam', data: { teamId: 'north' } }, northTeam).thenThrows('REP_ALREADY_IN_TEAM');
  });

  it('leaves a team only when in one', () => {
    reps.given([hired, joinedNorth]).when({ type: 'LeaveTeam', data: {} }, noTeam).then([{ type: 'RepLeftTeam', data: { teamId: 'north' } }]);
    reps.given([hired]).when({ type: 'LeaveTeam', data: {} }, noTeam).thenThrows('REP_NOT_IN_TEAM');
  });

  it('departs, leaving its team, and then refuses everything', () => {
    const departed: RepEvent = { type: 'RepDeparted', data: { reason: 'moved abroad' } };
    reps.given([hired, joinedNorth]).when({ type: 'DepartRep', data: { reason: 'moved abroad' } }, noTeam).then([
      { type: 'RepLeftTeam', data: { teamId: 'north' } },
      departed,
    ]);
    reps.given([hired, departed]).when({ type: 'JoinTeam', data: { teamId: 'north' } }, northTeam).thenThrows('REP_DEPARTED');
    reps.given().when({ type: 'LeaveTeam', data: {} }, noTeam).thenThrows('REP_NOT_FOUND');
  });
});

describe('team', () => {
  const formed = { teamId: 'north', name: 'North', region: 'north', managerRepId: 'mia' };

  it('is formed with an active manager, once', () => {
    teams.given().when({ type: 'FormTeam', data: formed }, { manager: activeRep }).then([{ type: 'TeamFormed', data: formed }]);
    teams.given().when({ type: 'FormTeam', data: formed }, { manager: departedRep }).thenThrows('TEAM_MANAGER_NOT_ACTIVE');
    teams.given([{ type: 'TeamFormed', data: formed }]).when({ type: 'FormTeam', data: formed }, { manager: activeRep }).thenThrows('TEAM_ALREADY_FORMED');
  });
});

describe('team membership over time', () => {
  const at = (iso: string) => Date.parse(iso);
  const history = membershipHistory([
    { event: hired, occurredAt: at('2026-01-01T00:00:00Z') },
    { event: joinedNorth, occurredAt: at('2026-02-01T00:00:00Z') },
    { event: { type: 'RepLeftTeam', data: { teamId: 'north' } }, occurredAt: at('2026-06-15T12:00:00Z') },
    { event: { type: 'RepJoinedTeam', data: { teamId: 'south' } }, occurredAt: at('2026-06-15T12:00:00Z') },
  ]);

  it('answers which team the rep was in at an instant', () => {
    expect(teamAt(history, at('2026-01-15T00:00:00Z'))).toBeNull();
    expect(teamAt(history, at('2026-02-01T00:00:00Z'))).toBe('north');
    expect(teamAt(history, at('2026-06-15T11:59:59Z'))).toBe('north');
    expect(teamAt(history, at('2026-06-15T12:00:00Z'))).toBe('south');
    expect(teamAt(history, at('2027-01-01T00:00:00Z'))).toBe('south');
  });
});
