import { refuse } from '../errors.js';
import { unreachable } from '../shared/decider.js';
import type { Decider } from '../shared/decider.js';
import type { RepCommand, TeamCommand } from './commands.js';
import type { RepEvent, RepRole, TeamEvent } from './events.js';

export type RepState =
  | { status: 'none' }
  | { status: 'active' | 'departed'; repId: string; name: string; role: RepRole; teamId: string | null };

export type TeamState = { status: 'none' } | { status: 'formed'; teamId: string; name: string; region: string; managerRepId: string };

export const isActiveRep = (rep: RepState): boolean => rep.status === 'active';

/** What a rep command needs to know of other streams: the team to join. */
export type RepContext = { team: TeamState };

export const repDecider: Decider<RepState, RepCommand, RepEvent, RepContext> = {
  initialState: { status: 'none' },

  evolve(state, event) {
    if (event.type === 'RepHired') return { status: 'active', ...event.data, teamId: null };
    if (state.status === 'none') return state;
    switch (event.type) {
      case 'RepJoinedTeam':
        return { ...state, teamId: event.data.teamId };
      case 'RepLeftTeam':
        return { ...state, teamId: null };
      case 'RepDeparted':
        return { ...state, status: 'departed' };
      default:
        return unreachable(event);
    }
  },

  decide(command, state, context) {
    if (command.type === 'HireRep') {
      if (state.status !== 'none') refuse('REP_ALREADY_HIRED', command.data.repId);
      return [{ type: 'RepHired', data: command.data }];
    }
    if (state.status === 'none') return refuse('REP_NOT_FOUND');
    if (state.status === 'departed') return refuse('REP_DEPARTED', state.repId);
    const leave: RepEvent[] = state.teamId ? [{ type: 'RepLeftTeam', data: { teamId: state.teamId } }] : [];
    switch (command.type) {
      case 'JoinTeam':
        if (context.team.status !== 'formed') refuse('TEAM_NOT_FOUND', command.data.teamId);
        if (state.teamId === command.data.teamId) refuse('REP_ALREADY_IN_TEAM', command.data.teamId);
        // A rep is in one team at a time: joining another is a move, recorded as leave + join.
        return [...leave, { type: 'RepJoinedTeam', data: command.data }];
      case 'LeaveTeam':
        if (!state.teamId) refuse('REP_NOT_IN_TEAM', state.repId);
        return leave;
      case 'DepartRep':
        return [...leave, { type: 'RepDeparted', data: command.data }];
      default:
        return unreachable(command);
    }
  },
};

/** What forming a team needs to know: its manager. */
export type TeamContext = { manager: RepState };

export const teamDecider: Decider<TeamState, TeamCommand, TeamEvent, TeamContext> = {
  initialState: { status: 'none' },
  evolve: (_state, event) => ({ status: 'formed', ...event.data }),
  decide(command, state, context) {
    if (state.status !== 'none') refuse('TEAM_ALREADY_FORMED', command.data.teamId);
    if (!isActiveRep(context.manager)) refuse('TEAM_MANAGER_NOT_ACTIVE', command.data.managerRepId);
    return [{ type: 'TeamFormed', data: command.data }];
  },
};
