import type { z } from 'zod';
import type { contactSchema } from '../domain/customer/events.js';

/** A follow-up visit as the customer read shows it: planned, and completed once. */
export type VisitRecord = {
  visitId: string;
  repId: string;
  dueDate: string;
  purpose: string;
  plannedAt: number;
  completedAt: number | null;
  outcome: string | null;
};

/** One customer as the customers projection holds it (see customers.ts). */
export type CustomerRecord = {
  customerId: string;
  name: string;
  segment: string;
  region: string;
  /** The channel it was acquired through. */
  channel: string;
  industry: string;
  contact: z.infer<typeof contactSchema>;
  registeredAt: number;
  satisfaction: { at: number; score: number }[];
  /** In the order they were planned. */
  visits: VisitRecord[];
  /** The version of the customer's stream this record reflects: the ETag of a customer read now. */
  streamVersion: number;
};

export type CustomersState = { customers: Map<string, CustomerRecord> };
