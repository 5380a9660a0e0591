import type { SalesState } from './sales.js';
import { teamOf } from './sales.js';
import { DAY_MS, Samples, monthOf, quarterOf } from './stats.js';

/** What a funnel can be sliced or filtered by. */
export type SliceDimension = 'owner' | 'team' | 'region' | 'productLine' | 'channel' | 'segment' | 'month' | 'quarter';

/** In a list of counted items, a whole deal (cohort), or a deal's close (flow); entry rows are 0 and up. */
export const DEAL = -1;
export const CLOSE = -2;
/** A close a reopen undid, as PRIOR - its row in the prior-close table. */
export const PRIOR = -3;

/**
 * What a funnel counts: a deal (cohort), or a stage entry or closing of a deal (flow), at its
 * moment. Parallel lists of numbers rather than an object each, as a funnel counts tens of
 * thousands: deals are rows of the deal table, an entry is its entry row, and the funnel makes a
 * record of a deal only to explain a figure.
 */
export class Counted {
  rows: Int32Array;
  ats: Float64Array;
  /** The entry row counted, or DEAL, or CLOSE, or a close a reopen undid (PRIOR - its row). */
  items: Int32Array;
  length = 0;

  constructor(capacity = 64) {
    this.rows = new Int32Array(capacity);
    this.ats = new Float64Array(capacity);
    this.items = new Int32Array(capacity);
  }

  push(row: number, at: number, item: number): void {
    if (this.length === this.rows.length) {
      const grown = new Counted(Math.max(64, this.length * 2));
      grown.rows.set(this.rows);
      grown.ats.set(this.ats);
      grown.items.set(this.items);
      [this.rows, this.ats, this.items] = [grown.rows, grown.ats, grown.items];
    }
    this.rows[this.length] = row;
    this.ats[this.length] = at;
    this.items[this.length++] = item;
  }

  /** The deal rows counted (a deal may appear more than once in a flow). */
  dealRows(): Int32Array {
    return this.rows.subarray(0, this.length);
  }
}

/** Reads one pipeline's deals out of the sales state's columns. */
export class Rows {
  readonly c: SalesState['deals']['rows']['cols'];
  readonly e: SalesState['deals']['entries']['cols'];
  /** The entry rows of the deal last asked for with `entries`. */
  readonly items: number[] = [];

  constructor(readonly state: SalesState) {
    this.c = state.deals.rows.cols;
    this.e = state.deals.entries.cols;
  }

  str(id: number): string {
    return this.state.strings.at(id);
  }

  /** Reads the deal's entry rows, oldest first, into `items` (valid until the next call); their count. */
  entries(row: number): number {
    return this.state.deals.entryItems(row, this.items);
  }

  attribute(row: number, dimension: SliceDimension, at: number): string {
    const { state, c } = this;
    switch (dimension) {
      case 'owner':
        return this.str(state.deals.ownerAt(row, at));
      case 'team':
        return teamOf(state.reps.get(this.str(state.deals.ownerAt(row, at))), at) ?? '(no team)';
      case 'region':
        return this.str(c.region[row] as number);
      case 'productLine':
        return this.str(c.productLine[row] as number);
      case 'channel':
        return this.str(c.channel[row] as number);
      case 'segment':
        return state.customers.segmentOf(state.deals.customerIds.at(row)) ?? '(unknown)';
      case 'month':
        return monthOf(at);
      case 'quarter':
        return quarterOf(at);
    }
  }

  passes(row: number, filter: readonly [SliceDimension, string][], at: number): boolean {
    for (const [dimension, value] of filter) if (this.attribute(row, dimension, at) !== value) return false;
    return true;
  }

  /**
   * Duration of every completed visit of a stage that `counts` (by its entry row), by stage id:
   * entered, then left by a move or a close (an earlier close too, if it was reopened). Reads the
   * `count` entries `entries` just read.
   */
  visits(row: number, count: number, counts: (entry: number) => boolean, into: (Samples | undefined)[]): void {
    const { c, e, items } = this;
    const closedAt = c.closedAt[row] as number;
    const prior = this.state.deals.priorCloses.cols;
    for (let i = 0; i < count; i++) {
      const item = items[i] as number;
      const at = e.at[item] as number;
      if (!counts(item)) continue;
      // NaN: no next entry, so no end but a close
      const next = i + 1 < count ? (e.at[items[i + 1] as number] as number) : Number.NaN;
      const last = Number.isNaN(next);
      // the first close at or after the entry, and at or before the next entry: it ended the visit
      // Walked newest first, so the one kept is the earliest recorded, as the deal's history lists them.
      let end = Number.NaN;
      for (let close = c.lastPriorClose[row] as number; close >= 0; close = prior.prev[close] as number) {
        const closed = prior.at[close] as number;
        if (closed >= at && (last || closed <= next)) end = closed;
      }
      if (Number.isNaN(end) && closedAt >= at && (last || closedAt <= next)) end = closedAt;
      if (Number.isNaN(end)) end = next;
      if (Number.isNaN(end)) continue;
      const stage = e.stage[item] as number;
      (into[stage] ??= new Samples()).push((end - at) / DAY_MS);
    }
  }

  position(value: number): string {
    return String(this.state.deals.positions.read(value));
  }
}
