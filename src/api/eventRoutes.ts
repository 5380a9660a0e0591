import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { eventTypeNames } from '../application/aggregates.js';
import { eventMetadataSchema } from '../eventstore/port.js';
import type { EventStore, RecordedEvent, Subscription } from '../eventstore/port.js';
import type { Role } from './auth.js';
import type { RoleCheck } from './authPlugin.js';
import { drainedOrClosed } from './drained.js';
import { pageSizeQuery } from './pagination.js';
import { invalidRequest, problemSchema, sendProblem } from './problem.js';
import { position } from './views/fields.js';

const MAX_FEED_PAGE = 1000;
const HEARTBEAT_MS = 15_000;

const positionText = z.string().regex(/^\d+$/, 'must be a position as given by this API');
const known = new Set(eventTypeNames);
const types = z
  .string()
  .regex(/^[A-Za-z0-9,]+$/, 'must be comma-separated event type names')
  // A misspelt type would otherwise match nothing, and a feed that stays empty looks like a quiet one.
  .superRefine((list, context) => {
    const unknown = list.split(',').filter((type) => !known.has(type));
    if (unknown.length > 0) context.addIssue({ code: 'custom', message: `${unknown.map((t) => `"${t}"`).join(', ')}: not an event type of this engine; the types are ${eventTypeNames.join(', ')}` });
  })
  .optional()
  .describe(`only these event types, comma-separated: ${eventTypeNames.join(', ')}`);

/** An event as the feed shows it: where it is in the log and in its stream, its payload as stored, and its metadata. */
export const feedEventSchema = z.object({
  position: position.describe('position in the global event log, as a decimal string; the last one of a page is its nextAfter'),
  eventId: z.string().describe('a ULID'),
  type: z.string().describe('the event type, e.g. ContractSigned'),
  streamId: z.string().describe('the stream: category, then the id, e.g. deal-01J…'),
  streamVersion: z.number().int().describe('0-based version of the event within its stream'),
  data: z.record(z.string(), z.unknown()).describe('the payload: its fields depend on the type, at the schema version it was written with (metadata.schemaVersion)'),
  metadata: eventMetadataSchema
    .extend({ recordedAt: z.string().describe('when the store recorded it (ISO 8601, UTC); occurredAt is when it happened in business time') })
    // A writer other than this API may have stored more: the feed passes it on rather than dropping it.
    .catchall(z.unknown())
    .describe('who caused the event and when, the command chain it belongs to (correlation, causation), and the idempotency key of its command when it had one; other writers may add fields'),
});

export const feedEvent = (e: RecordedEvent): z.infer<typeof feedEventSchema> => ({
  position: String(e.position),
  eventId: e.eventId,
  type: e.type,
  streamId: e.streamId,
  streamVersion: e.streamVersion,
  data: e.data,
  metadata: e.metadata,
});

/**
 * The event feed for integrations: pages in global order (`GET /events?after=`), and the same
 * live as Server-Sent Events (`GET /events/stream`), resumable with `Last-Event-ID`.
 */
export function registerEventRoutes(app: FastifyInstance, store: EventStore, requireRole: (role: Role) => RoleCheck): void {
  const typed = app.withTypeProvider<ZodTypeProvider>();
  const viewer = requireRole('viewer');
  const open = new Set<Subscription>();
  // A live stream never ends by itself: end them all when the server closes, or shutdown would wait forever.
  app.addHook('preClose', async () => {
    await Promise.all([...open].map((s) => s.close()));
  });
  /**
   * A position past the log's head was given out by no read: taken as is, the feed would answer
   * nothing now and later skip every event up to it (a cursor kept across a restored store, or
   * another store's). Refused, naming where the log ends.
   */
  const pastTheHead = async (after: string | undefined, field: string) => {
    if (after === undefined) return null;
    const head = (await store.headPosition()) ?? 0n;
    return BigInt(after) > head ? invalidRequest([{ field, rule: `is past the last event in the log (${head}): pass a position this feed gave out` }]) : null;
  };

  typed.get(
    '/events',
    {
      onRequest: viewer,
      schema: {
        summary: 'Events in global order, a page at a time',
        tags: ['events'],
        security: [{ bearer: [] }],
        querystring: z.object({
          after: positionText.optional().describe('the nextAfter of the previous page; the beginning when absent'),
          types,
          limit: pageSizeQuery(MAX_FEED_PAGE, 100),
        }),
        response: {
          200: z.object({ events: z.array(feedEventSchema), nextAfter: z.string().nullable().describe('pass it as after for the next page; null when nothing was read and no after was given') }),
          '4xx': problemSchema,
          '5xx': problemSchema,
        },
      },
    },
    async (request, reply) => {
      const { after, limit } = request.query;
      const refused = await pastTheHead(after, 'querystring.after');
      if (refused) return sendProblem(reply, refused);
      const events = await store.readAll({ after: after === undefined ? undefined : BigInt(after), limit, filter: request.query.types ? { types: request.query.types.split(',') } : undefined });
      return { events: events.map(feedEvent), nextAfter: events.length > 0 ? String(events.at(-1)?.position) : (after ?? null) };
    },
  );

  typed.get(
    '/events/stream',
    {
      onRequest: viewer,
      schema: {
        summary: 'Events as Server-Sent Events: catches up, then follows; resumes after Last-Event-ID',
        tags: ['events'],
        security: [{ bearer: [] }],
        querystring: z.object({ after: positionText.optional(), types }),
        // Empty is what a client with no event yet may send: the same as none.
        headers: z.object({ 'last-event-id': positionText.or(z.literal('')).optional() }),
        response: {
          200: {
            content: {
              'text/event-stream': {
                schema: z.string().describe('per event: `id:` its position, `event:` its type, `data:` the event as GET /events gives it; comments (`:`) keep the connection open'),
              },
            },
          },
          '4xx': problemSchema,
        },
      },
    },
    async (request, reply) => {
      const fromHeader = request.headers['last-event-id'] || undefined;
      const after = fromHeader ?? request.query.after;
      const refused = await pastTheHead(after, fromHeader !== undefined ? 'headers.last-event-id' : 'querystring.after');
      if (refused) return sendProblem(reply, refused);
      // HEAD asks what GET would answer, refusal included: the headers, not a stream that never ends.
      if (request.method === 'HEAD') return reply.type('text/event-stream').send('');
      const subscription = store.subscribe({ after: after === undefined ? undefined : BigInt(after), filter: request.query.types ? { types: request.query.types.split(',') } : undefined });
      open.add(subscription);
      reply.hijack();
      const raw = reply.raw;
      // A hijacked reply sends only what is written to it: the headers hooks set (security, rate limit) are carried over.
      for (const [name, value] of Object.entries(reply.getHeaders())) if (value !== undefined) raw.setHeader(name, value);
      raw.writeHead(200, { 'content-type': 'text/event-stream', connection: 'keep-alive', 'x-request-id': request.id });
      raw.write(': connected\n\n');
      const heartbeat = setInterval(() => raw.write(': heartbeat\n\n'), HEARTBEAT_MS);
      const stop = () => {
        clearInterval(heartbeat);
        open.delete(subscription);
        void subscription.close();
      };
      raw.on('close', stop);
      try {
        for await (const event of subscription) {
          // A slow client slows the read, instead of the log piling up in memory.
          if (!raw.write(`id: ${String(event.position)}\nevent: ${event.type}\ndata: ${JSON.stringify(feedEvent(event))}\n\n`)) await drainedOrClosed(raw);
        }
      } finally {
        stop();
        raw.end();
      }
    },
  );
}
