import { z } from 'zod';

/**
 * A list filter's value as a query gives it. No stored name, label or id is empty or begins or
 * ends with a blank: `region=` or `region=%20north` would match nothing, and the empty list
 * would read as "there are none".
 */
export const filterValue = z
  .string()
  .min(1, 'must not be empty: leave the parameter out to take every value')
  .refine((value) => value.trim() === value, 'must not begin or end with a blank: no stored value does');

/** Ids separated by commas, each one a filter value. */
export const idListValue = z
  .string()
  .refine((value) => value.split(',').every((id) => filterValue.safeParse(id).success), 'must be ids separated by commas, none empty and none with a blank around it');
