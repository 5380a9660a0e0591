import { z } from 'zod';

/** Ids of aggregates are ULIDs, except the few with a chosen name (the `standard` pipeline). */
export const idSchema = z.string().regex(/^[A-Za-z0-9][A-Za-z0-9_.-]{0,63}$/, 'must be 1–64 letters, digits, _ . or -');
export const nameSchema = z.string().trim().min(1, 'must not be empty').max(200, 'must be at most 200 characters');
export const textSchema = z.string().trim().min(1, 'must not be empty').max(5000, 'must be at most 5000 characters');
export const reasonSchema = z.string().trim().min(1, 'a reason is required').max(2000, 'must be at most 2000 characters');
export const dateSchema = z.iso.date({ error: 'must be a date YYYY-MM-DD' });
export const emailSchema = z.email({ pattern: z.regexes.unicodeEmail, error: 'must be an e-mail address' });
export const instantSchema = z.iso.datetime({ offset: true, error: 'must be an ISO 8601 date-time' });

/** A short free label: product line, product, region, segment, contract or quote reference. */
export const labelSchema = z.string().trim().min(1, 'must not be empty').max(100, 'must be at most 100 characters');

/** The channel a deal or customer came through (DESIGN.md §1). */
export const channelSchema = z.enum(
  ['direct', 'agent', 'distributor', 'eCommerce', 'social', 'referral', 'exhibition', 'marketResearch', 'partner', 'other'],
  { error: 'must be one of direct, agent, distributor, eCommerce, social, referral, exhibition, marketResearch, partner, other' },
);
