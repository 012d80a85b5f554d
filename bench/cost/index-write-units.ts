import type { JobIndexSchema } from '../../core/jobs/job-indexes.js';
import { JOBS_TABLE_SCHEMA } from '../../core/jobs/table-schema.js';

/** DynamoDB bills a write per started 1 KB of the item. */
const WRITE_UNIT_BYTES = 1024;
/** Bytes DynamoDB counts for a map or list besides its elements, and per element. */
const CONTAINER_OVERHEAD_BYTES = 3;
const ELEMENT_OVERHEAD_BYTES = 1;
/** A number: one byte per two significant digits, plus one. */
const DIGITS_PER_NUMBER_BYTE = 2;

type Item = Record<string, unknown>;

/** The size DynamoDB gives a value (AWS "Item sizes and formats"). */
function valueBytes(value: unknown): number {
  if (typeof value === 'string') return Buffer.byteLength(value);
  if (typeof value === 'number') {
    const digits = String(Math.abs(value))
      .replace(/[.e+-]/g, '')
      .replace(/^0+/, '').length;
    return Math.ceil(digits / DIGITS_PER_NUMBER_BYTE) + 1;
  }
  if (value instanceof Uint8Array) return value.byteLength;
  if (Array.isArray(value)) {
    return value.reduce<number>(
      (sum, each) => sum + valueBytes(each) + ELEMENT_OVERHEAD_BYTES,
      CONTAINER_OVERHEAD_BYTES,
    );
  }
  if (value !== null && typeof value === 'object') {
    return CONTAINER_OVERHEAD_BYTES + itemBytes(value as Item);
  }
  return 1;
}

function itemBytes(item: Item): number {
  return Object.entries(item).reduce(
    (sum, [name, value]) => sum + Buffer.byteLength(name) + valueBytes(value),
    0,
  );
}

function writeUnits(item: Item): number {
  return Math.max(1, Math.ceil(itemBytes(item) / WRITE_UNIT_BYTES));
}

/** The item an index holds for `item`, or undefined when the item is not in it (sparse). */
function indexItem(index: JobIndexSchema, item: Item | undefined): Item | undefined {
  if (item?.[index.partitionKey] === undefined || item[index.sortKey] === undefined) {
    return undefined;
  }
  const names = [
    JOBS_TABLE_SCHEMA.partitionKey,
    index.partitionKey,
    index.sortKey,
    ...index.projectedAttributes,
  ];
  return Object.fromEntries(names.filter((name) => name in item).map((name) => [name, item[name]]));
}

/**
 * The write units one write of an item costs in the base table and in each
 * index, following DynamoDB's rules: the table pays for the larger of the
 * old and new item; an index pays nothing unless the write changes what it
 * holds for the item — a put when the item enters it, a delete when it
 * leaves, a put when a projected attribute changes, a delete and a put when
 * its key changes. The emulator reports the table's units only, so the
 * bench counts the indexes' from the item images before and after.
 *
 * @example
 * ```ts
 * const units = writeUnitsOf(before, after, Object.values(JOB_INDEXES)); // { table: 1, 'by-channel': 1, failures: 0 }
 * ```
 */
export function writeUnitsOf(
  before: Item | undefined,
  after: Item,
  indexes: readonly JobIndexSchema[],
): Record<string, number> {
  const units: Record<string, number> = {
    table: Math.max(writeUnits(after), before === undefined ? 0 : writeUnits(before)),
  };
  for (const index of indexes) {
    const old = indexItem(index, before);
    const next = indexItem(index, after);
    let cost = 0;
    if (old === undefined && next !== undefined) cost = writeUnits(next);
    else if (old !== undefined && next === undefined) cost = writeUnits(old);
    else if (old !== undefined && next !== undefined) {
      const keyChanged =
        old[index.partitionKey] !== next[index.partitionKey] ||
        old[index.sortKey] !== next[index.sortKey];
      if (keyChanged) cost = writeUnits(old) + writeUnits(next);
      else if (JSON.stringify(old) !== JSON.stringify(next)) cost = writeUnits(next);
    }
    units[index.indexName] = cost;
  }
  return units;
}
