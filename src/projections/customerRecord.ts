/** One customer as the customers projection holds it (see customers.ts). */
export type CustomerRecord = {
  customerId: string;
  name: string;
  segment: string;
  registeredAt: number;
  satisfaction: { at: number; score: number }[];
  visitsPlanned: number;
  visitsCompleted: number;
  lastVisitAt: number | null;
  /** The version of the customer's stream this record reflects: the ETag of a customer read now. */
  streamVersion: number;
};

export type CustomersState = { customers: Map<string, CustomerRecord> };
