import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import type { CommandMetadata } from '../application/commandHandler.js';
import type { CommandService } from '../application/commandService.js';
import { deterministicEventId, newUlid } from '../application/ids.js';
import { complaintCommandSchema } from '../domain/complaint/commands.js';
import { customerCommandSchema } from '../domain/customer/commands.js';
import { dealCommandSchema } from '../domain/deal/commands.js';
import { repCommandSchema, teamCommandSchema } from '../domain/organisation/commands.js';
import { pipelineCommandSchema } from '../domain/pipeline/commands.js';
import { idSchema, instantSchema } from '../domain/shared/schemas.js';
import { targetCommandSchema } from '../domain/target/commands.js';
import type { Role } from './auth.js';
import type { RoleCheck } from './authPlugin.js';
import type { Metrics } from './opsRoutes.js';
import { invalidRequest, problemSchema, sendProblem } from './problem.js';
import { compiledView } from './serializer.js';

type Union = { options: readonly z.ZodObject<{ type: z.ZodLiteral<string>; data: z.ZodObject }>[] };

/** The data schema of one command of a union: the single source for validation, types and OpenAPI. */
export function dataOf(union: Union, type: string): z.ZodObject {
  const option = union.options.find((o) => o.shape.type.value === type);
  if (!option) throw new Error(`no command ${type}`);
  return option.shape.data;
}

type CommandRoute = {
  url: string;
  aggregate: keyof CommandService;
  union: Union;
  type: string;
  role: Role;
  summary: string;
  /** Creation routes take the new aggregate's id from this body field, or generate it. */
  creates?: string;
  /** Path parameters (besides `id`) copied into the command data. */
  fromPath?: Record<string, string>;
};

const routes: CommandRoute[] = [
  { url: '/pipelines', aggregate: 'pipeline', union: pipelineCommandSchema, type: 'DefinePipeline', role: 'manager', summary: 'Define a pipeline', creates: 'pipelineId' },
  { url: '/pipelines/:id/stages', aggregate: 'pipeline', union: pipelineCommandSchema, type: 'AddStage', role: 'manager', summary: 'Add a stage' },
  { url: '/pipelines/:id/stages/:stageId/name', aggregate: 'pipeline', union: pipelineCommandSchema, type: 'RenameStage', role: 'manager', summary: 'Rename a stage', fromPath: { stageId: 'stageId' } },
  { url: '/pipelines/:id/stages/:stageId/probability', aggregate: 'pipeline', union: pipelineCommandSchema, type: 'ChangeStageProbability', role: 'manager', summary: "Change a stage's win probability", fromPath: { stageId: 'stageId' } },
  { url: '/pipelines/:id/stage-order', aggregate: 'pipeline', union: pipelineCommandSchema, type: 'ReorderStages', role: 'manager', summary: 'Reorder the active stages' },
  { url: '/pipelines/:id/stages/:stageId/retirement', aggregate: 'pipeline', union: pipelineCommandSchema, type: 'RetireStage', role: 'manager', summary: 'Retire a stage', fromPath: { stageId: 'stageId' } },
  { url: '/reps', aggregate: 'rep', union: repCommandSchema, type: 'HireRep', role: 'manager', summary: 'Hire a rep', creates: 'repId' },
  { url: '/reps/:id/team', aggregate: 'rep', union: repCommandSchema, type: 'JoinTeam', role: 'manager', summary: 'Put a rep in a team (a move if in another)' },
  { url: '/reps/:id/team-departure', aggregate: 'rep', union: repCommandSchema, type: 'LeaveTeam', role: 'manager', summary: 'Take a rep out of its team' },
  { url: '/reps/:id/departure', aggregate: 'rep', union: repCommandSchema, type: 'DepartRep', role: 'manager', summary: 'Record that a rep left' },
  { url: '/teams', aggregate: 'team', union: teamCommandSchema, type: 'FormTeam', role: 'manager', summary: 'Form a team', creates: 'teamId' },
  { url: '/customers', aggregate: 'customer', union: customerCommandSchema, type: 'RegisterCustomer', role: 'rep', summary: 'Register a customer', creates: 'customerId' },
  { url: '/customers/:id/profile', aggregate: 'customer', union: customerCommandSchema, type: 'UpdateCustomerProfile', role: 'rep', summary: "Update a customer's profile" },
  { url: '/customers/:id/visits', aggregate: 'customer', union: customerCommandSchema, type: 'PlanFollowUpVisit', role: 'rep', summary: 'Plan a follow-up visit' },
  { url: '/customers/:id/visits/:visitId/completion', aggregate: 'customer', union: customerCommandSchema, type: 'CompleteFollowUpVisit', role: 'rep', summary: 'Complete a visit', fromPath: { visitId: 'visitId' } },
  { url: '/customers/:id/satisfaction', aggregate: 'customer', union: customerCommandSchema, type: 'RecordSatisfaction', role: 'rep', summary: 'Record a satisfaction score' },
  { url: '/deals', aggregate: 'deal', union: dealCommandSchema, type: 'FindLead', role: 'rep', summary: 'Record a lead found (a new deal)', creates: 'dealId' },
  { url: '/deals/:id/stage', aggregate: 'deal', union: dealCommandSchema, type: 'MoveDealToStage', role: 'rep', summary: 'Move a deal to a stage' },
  { url: '/deals/:id/activities', aggregate: 'deal', union: dealCommandSchema, type: 'LogActivity', role: 'rep', summary: 'Log a call, meeting, e-mail, visit, demo or note' },
  { url: '/deals/:id/quotes', aggregate: 'deal', union: dealCommandSchema, type: 'SendQuote', role: 'rep', summary: 'Send a quote' },
  { url: '/deals/:id/offers', aggregate: 'deal', union: dealCommandSchema, type: 'MakeOffer', role: 'rep', summary: 'Record a negotiation offer (by us or by the customer)' },
  { url: '/deals/:id/estimate', aggregate: 'deal', union: dealCommandSchema, type: 'ChangeEstimatedAmount', role: 'rep', summary: 'Change the estimated amount' },
  { url: '/deals/:id/expected-close', aggregate: 'deal', union: dealCommandSchema, type: 'ChangeExpectedCloseDate', role: 'rep', summary: 'Change the expected close date' },
  { url: '/deals/:id/forecast-category', aggregate: 'deal', union: dealCommandSchema, type: 'SetForecastCategory', role: 'rep', summary: 'Set the forecast category' },
  { url: '/deals/:id/reassignment', aggregate: 'deal', union: dealCommandSchema, type: 'ReassignDeal', role: 'manager', summary: 'Reassign a deal to another rep' },
  { url: '/deals/:id/contract', aggregate: 'deal', union: dealCommandSchema, type: 'SignContract', role: 'rep', summary: 'Record the signed contract (won)' },
  { url: '/deals/:id/contract-correction', aggregate: 'deal', union: dealCommandSchema, type: 'CorrectContractAmount', role: 'rep', summary: 'Correct the contract amount of a won deal' },
  { url: '/deals/:id/loss', aggregate: 'deal', union: dealCommandSchema, type: 'MarkDealLost', role: 'rep', summary: 'Record the deal as lost' },
  { url: '/deals/:id/reopen', aggregate: 'deal', union: dealCommandSchema, type: 'ReopenDeal', role: 'rep', summary: 'Reopen a won or lost deal' },
  { url: '/complaints', aggregate: 'complaint', union: complaintCommandSchema, type: 'RaiseComplaint', role: 'rep', summary: 'Raise a complaint', creates: 'complaintId' },
  { url: '/complaints/:id/acknowledgement', aggregate: 'complaint', union: complaintCommandSchema, type: 'AcknowledgeComplaint', role: 'rep', summary: 'Acknowledge a complaint' },
  { url: '/complaints/:id/escalation', aggregate: 'complaint', union: complaintCommandSchema, type: 'EscalateComplaint', role: 'rep', summary: 'Escalate a complaint' },
  { url: '/complaints/:id/resolution', aggregate: 'complaint', union: complaintCommandSchema, type: 'ResolveComplaint', role: 'rep', summary: 'Resolve a complaint' },
  { url: '/complaints/:id/closure', aggregate: 'complaint', union: complaintCommandSchema, type: 'CloseComplaint', role: 'rep', summary: 'Close a resolved complaint' },
  { url: '/complaints/:id/reopen', aggregate: 'complaint', union: complaintCommandSchema, type: 'ReopenComplaint', role: 'rep', summary: 'Reopen a complaint' },
  { url: '/targets', aggregate: 'target', union: targetCommandSchema, type: 'SetTarget', role: 'manager', summary: 'Set a target', creates: 'targetId' },
  { url: '/targets/:id/adjustment', aggregate: 'target', union: targetCommandSchema, type: 'AdjustTarget', role: 'manager', summary: 'Adjust a target (with a reason)' },
  { url: '/targets/:id/withdrawal', aggregate: 'target', union: targetCommandSchema, type: 'WithdrawTarget', role: 'manager', summary: 'Withdraw a target' },
];

/** Every command's answer, written by a serializer compiled from it (see compiledView): checked by zod, then stringified, it took a tenth of the event loop's time for a command POST that did nothing else. */
export const commandResultSchema = compiledView(z.object({
  id: z.string(),
  streamVersion: z.number().int().nullable(),
  position: z.string().nullable().describe("global position of the last event written to the resource's stream (a name or target-key reservation has its own); pass it as minPosition to read your own write"),
  events: z.array(z.object({ eventId: z.string(), type: z.string() })),
  replayed: z.boolean().describe('true when an Idempotency-Key matched an earlier request: nothing was written this time'),
}));

/** An entity tag (RFC 9110 §8.8.3): opaque characters in quotes, weak with `W/`. */
const ENTITY_TAG = String.raw`(?:W\/)?"[\x21\x23-\x7E\x80-\xFF]*"`;
const IF_MATCH = new RegExp(String.raw`^\s*(?:\*|${ENTITY_TAG}(?:\s*,\s*${ENTITY_TAG})*)\s*$`);
/** A tag as this API gives it out: a stream version, in decimal, in quotes. */
const VERSION_TAG = /^"(0|[1-9]\d{0,15})"$/;

/**
 * If-Match as a command's precondition (RFC 9110 §13.1.1): `*`, the resource exists; else the
 * versions its tags name. Tags compare as given out, strongly: a weak tag, or one this API never
 * gives (`"03"`, `"-1"`), matches no version, so a list of only such tags is a list of no versions,
 * and the command is refused with 412 and the resource's current version.
 */
function preconditionOf(ifMatch: string): NonNullable<CommandMetadata['expectedVersion']> {
  if (ifMatch.trim() === '*') return 'exists';
  return ifMatch
    .split(',')
    .map((tag) => VERSION_TAG.exec(tag.trim())?.[1])
    .filter((version): version is string => version !== undefined)
    .map(Number);
}

export const commandHeaders = z.object({
  'if-match': z
    .string()
    .regex(IF_MATCH, 'must be "*" or entity tags in quotes (as ETag gives them), separated by commas')
    .optional()
    .describe('apply only if the resource is still at this version (the ETag of a write, or of the resource read now), at one of several (comma-separated), or, with "*", exists at all; 412 otherwise'),
  'idempotency-key': z.string().min(1).max(200).optional().describe('a retry with the same key appends nothing and gets the first answer'),
});

const idParam = idSchema;

/** One POST per domain command (DESIGN.md §3): validated by the command's schema, authorised by role, answered with version and position. */
export function registerCommandRoutes(app: FastifyInstance, commands: CommandService, requireRole: (role: Role) => RoleCheck, metrics: Metrics): void {
  const typed = app.withTypeProvider<ZodTypeProvider>();
  for (const route of routes) {
    const data = dataOf(route.union, route.type);
    const pathFields = Object.values(route.fromPath ?? {});
    // Fields named by the path are not in the body; a creation's id may be left to the server.
    const shape = Object.fromEntries(
      Object.entries(data.shape)
        .filter(([field]) => !pathFields.includes(field))
        .map(([field, schema]) => [field, field === route.creates ? (schema as z.ZodType).optional() : schema]),
    );
    const body = z.object({ ...shape, occurredAt: instantSchema.optional().describe('business time of the fact; now when absent') });
    const params = z.object(Object.fromEntries(route.url.split('/').filter((p) => p.startsWith(':')).map((p) => [p.slice(1), idParam])));
    typed.post(
      route.url,
      {
        // Before the body is read: a caller without the role learns nothing about the body the route wants.
        onRequest: requireRole(route.role),
        config: route.creates ? {} : { resourceNotFound: `${route.aggregate.toUpperCase()}_NOT_FOUND` },
        schema: {
          summary: route.summary,
          tags: [route.aggregate],
          body,
          params,
          headers: commandHeaders,
          response: { [route.creates ? 201 : 200]: commandResultSchema, '4xx': problemSchema, '5xx': problemSchema },
          security: [{ bearer: [] }],
        },
      },
      async (request, reply) => {
        const { occurredAt, ...fields } = request.body as Record<string, unknown> & { occurredAt?: string };
        const path = request.params as Record<string, string>;
        const key = request.headers['idempotency-key'];
        const actor = request.apiKey?.name ?? 'anonymous';
        let id = path.id;
        if (route.creates) {
          // A retried creation must land on the same aggregate: with an idempotency key, its id derives from the key.
          id = (fields[route.creates] as string | undefined) ?? (key ? deterministicEventId(route.url, `${actor}:${key}`, 0) : newUlid());
          // An id spelling a fixed route beside the resource's own (GET /customers/lifecycle) could never be read back.
          if (app.hasRoute({ method: 'GET', url: `${route.url}/${id}` })) {
            return sendProblem(reply, invalidRequest([{ field: `body.${route.creates}`, rule: `must not be "${id}", the name of the route GET ${route.url}/${id}` }]));
          }
          fields[route.creates] = id;
        }
        for (const [param, field] of Object.entries(route.fromPath ?? {})) fields[field] = path[param];
        const ifMatch = request.headers['if-match'];
        if (!id) return sendProblem(reply, invalidRequest([{ field: 'params.id', rule: 'is required' }]));
        const precondition = ifMatch === undefined ? undefined : preconditionOf(ifMatch);
        const service = commands[route.aggregate] as (id: string, command: unknown, metadata: unknown) => ReturnType<CommandService['deal']>;
        const result = await service(id, { type: route.type, data: fields }, {
          actor,
          occurredAt,
          correlationId: request.id,
          idempotencyKey: key,
          expectedVersion: precondition,
        });
        if (!result.replayed) for (const event of result.events) metrics.appended.inc({ type: event.type });
        if (result.streamVersion !== null) reply.header('etag', `"${result.streamVersion}"`);
        // A retry gets the first answer, status included: a replayed creation is still 201, with replayed: true.
        return reply.code(route.creates ? 201 : 200).send({
          id,
          streamVersion: result.streamVersion,
          position: result.position === null ? null : String(result.position),
          events: result.events,
          replayed: result.replayed,
        });
      },
    );
  }
}

export const commandRouteTable: readonly Pick<CommandRoute, 'url' | 'type' | 'role'>[] = routes;
