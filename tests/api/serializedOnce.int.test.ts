import Fastify from 'fastify';
import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { serializedOnce } from '../../src/api/serializedOnce.js';

const schema = z.object({ total: z.number().int() });

async function anApp(answer: object) {
  const app = Fastify();
  const send = serializedOnce(schema);
  let builds = 0;
  app.get('/answer', async (_request, reply) =>
    send(reply, answer, '', () => {
      builds += 1;
      return answer as z.input<typeof schema>;
    }),
  );
  await app.ready();
  return { app, builds: () => builds };
}

describe('answers serialized once', () => {
  it('are sent as JSON, and the same answer is checked and stringified only once', async () => {
    // given a route answering with one cached answer object
    const { app, builds } = await anApp({ total: 42 });
    // when it is read three times
    const replies = await Promise.all([1, 2, 3].map(() => app.inject({ url: '/answer' })));
    // then each reply is the answer as JSON, built once
    for (const reply of replies) {
      expect(reply.statusCode).toBe(200);
      expect(reply.headers['content-type']).toBe('application/json; charset=utf-8');
      expect(reply.json()).toEqual({ total: 42 });
    }
    expect(builds()).toBe(1);
    await app.close();
  });

  it('refuse an answer that breaks the response schema: a 500, never a malformed body', async () => {
    const { app } = await anApp({ total: 'many' });
    const reply = await app.inject({ url: '/answer' });
    expect(reply.statusCode).toBe(500);
    expect(reply.body).not.toContain('many');
    await app.close();
  });
});
