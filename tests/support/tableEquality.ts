import { expect } from 'vitest';
import { CustomerTable } from '../../src/projections/customerTable.js';
import { DealTable } from '../../src/projections/dealTable.js';
import { Interned } from '../../src/projections/table/interned.js';

// Column tables hold spare capacity and lazy indexes: two tables are equal when their rows are.
expect.addEqualityTesters([
  function tablesEqual(a: unknown, b: unknown, testers) {
    const isTable = (x: unknown) => x instanceof DealTable || x instanceof CustomerTable || x instanceof Interned;
    if (!isTable(a) && !isTable(b)) return undefined;
    if (!isTable(a) || !isTable(b)) return false;
    return this.equals((a as DealTable).toJSON(), (b as DealTable).toJSON(), testers);
  },
]);
