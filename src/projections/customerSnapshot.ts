import type { CustomerRecord, CustomersState, VisitRecord } from './customerRecord.js';
import { packSegments, partText, textPart, unpackSegments } from './table/segments.js';

const bytesOf = (column: Float64Array | Uint32Array): Uint8Array => new Uint8Array(column.buffer, column.byteOffset, column.byteLength);
const float64s = (part: Uint8Array | undefined): Float64Array => (part ? new Float64Array(part.buffer, part.byteOffset, part.byteLength / 8) : new Float64Array(0));
const uint32s = (part: Uint8Array | undefined): Uint32Array => (part ? new Uint32Array(part.buffer, part.byteOffset, part.byteLength / 4) : new Uint32Array(0));
// No completion yet: NaN, which no instant is.
const instantOrNaN = (at: number | null): number => at ?? Number.NaN;
const instantOrNull = (at: number): number | null => (Number.isNaN(at) ? null : at);

/** How many byte parts a snapshot of the customers has: the texts, then the number columns. */
const PARTS = 10;
/** Texts per customer: id, name, segment, region, channel, industry, then the contact's person, email and phone. */
const CUSTOMER_TEXTS = 9;
/** Texts per visit: id, rep, due date, purpose, outcome. */
const VISIT_TEXTS = 5;

/**
 * Snapshots of the customers as columns: texts in JSON arrays, numbers in typed arrays, and the
 * satisfaction scores and visits of all customers end to end. `v8.serialize` took 30–40 ms of the
 * event loop for 33,333 customers (6.6 MB) at every full snapshot; this takes a few, and restores faster too.
 */
export const customersCodec = {
  encode({ customers }: CustomersState): Uint8Array {
    const texts: (string | null)[] = [];
    const visitTexts: (string | null)[] = [];
    const registeredAt = new Float64Array(customers.size);
    const streamVersion = new Uint32Array(customers.size);
    const scoresOf = new Uint32Array(customers.size);
    const visitsOf = new Uint32Array(customers.size);
    let [scores, visits] = [0, 0];
    for (const customer of customers.values()) {
      scores += customer.satisfaction.length;
      visits += customer.visits.length;
    }
    const scoredAt = new Float64Array(scores);
    const score = new Float64Array(scores);
    const plannedAt = new Float64Array(visits);
    const completedAt = new Float64Array(visits);
    let [row, s, v] = [0, 0, 0];
    for (const customer of customers.values()) {
      const { person, email, phone } = customer.contact;
      texts.push(customer.customerId, customer.name, customer.segment, customer.region, customer.channel, customer.industry, person, email, phone);
      registeredAt[row] = customer.registeredAt;
      streamVersion[row] = customer.streamVersion;
      scoresOf[row] = customer.satisfaction.length;
      for (const given of customer.satisfaction) {
        scoredAt[s] = given.at;
        score[s++] = given.score;
      }
      visitsOf[row] = customer.visits.length;
      for (const visit of customer.visits) {
        visitTexts.push(visit.visitId, visit.repId, visit.dueDate, visit.purpose, visit.outcome);
        plannedAt[v] = visit.plannedAt;
        completedAt[v++] = instantOrNaN(visit.completedAt);
      }
      row++;
    }
    const numbers = [registeredAt, streamVersion, scoresOf, scoredAt, score, visitsOf, plannedAt, completedAt];
    return packSegments([textPart(JSON.stringify(texts)), textPart(JSON.stringify(visitTexts)), ...numbers.map(bytesOf)]);
  },

  decode(bytes: Uint8Array): CustomersState {
    const parts = unpackSegments(bytes);
    if (parts.length !== PARTS) throw new Error(`customers snapshot has ${parts.length} parts, not ${PARTS}`);
    const texts = JSON.parse(partText(parts[0] as Uint8Array)) as (string | null)[];
    const visitTexts = JSON.parse(partText(parts[1] as Uint8Array)) as (string | null)[];
    const registeredAt = float64s(parts[2]);
    const [streamVersion, scoresOf] = [uint32s(parts[3]), uint32s(parts[4])];
    const [scoredAt, score] = [float64s(parts[5]), float64s(parts[6])];
    const visitsOf = uint32s(parts[7]);
    const [plannedAt, completedAt] = [float64s(parts[8]), float64s(parts[9])];
    const text = (i: number): string => texts[i] as string;
    const customers = new Map<string, CustomerRecord>();
    let [s, v] = [0, 0];
    for (let row = 0; row < registeredAt.length; row++) {
      const satisfaction: CustomerRecord['satisfaction'] = [];
      for (const end = s + (scoresOf[row] as number); s < end; s++) satisfaction.push({ at: scoredAt[s] as number, score: score[s] as number });
      const visits: VisitRecord[] = [];
      for (const end = v + (visitsOf[row] as number); v < end; v++) {
        const t = VISIT_TEXTS * v;
        visits.push({
          visitId: visitTexts[t] as string,
          repId: visitTexts[t + 1] as string,
          dueDate: visitTexts[t + 2] as string,
          purpose: visitTexts[t + 3] as string,
          plannedAt: plannedAt[v] as number,
          completedAt: instantOrNull(completedAt[v] as number),
          outcome: visitTexts[t + 4] ?? null,
        });
      }
      const at = CUSTOMER_TEXTS * row;
      customers.set(text(at), {
        customerId: text(at),
        name: text(at + 1),
        segment: text(at + 2),
        region: text(at + 3),
        channel: text(at + 4),
        industry: text(at + 5),
        contact: { person: texts[at + 6] ?? null, email: texts[at + 7] ?? null, phone: texts[at + 8] ?? null },
        registeredAt: registeredAt[row] as number,
        satisfaction,
        visits,
        streamVersion: streamVersion[row] as number,
      });
    }
    return { customers };
  },
};
