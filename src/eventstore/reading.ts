import type { ReadStreamOptions, RecordedEvent } from './port.js';

export function matchesFilter(
  type: string,
  category: string,
  types: readonly string[] | undefined,
  categories: readonly string[] | undefined,
): boolean {
  return (types === undefined || types.includes(type)) && (categories === undefined || categories.includes(category));
}

/** readStream semantics over a stream held as an array indexed by version. */
export function sliceStream(stream: readonly RecordedEvent[], options: ReadStreamOptions): RecordedEvent[] {
  const limit = options.limit ?? Number.MAX_SAFE_INTEGER;
  if (options.direction === 'backwards') {
    const from = Math.min(options.from ?? stream.length - 1, stream.length - 1);
    const start = Math.max(from - limit + 1, 0);
    return stream.slice(start, from + 1).reverse();
  }
  const from = options.from ?? 0;
  return stream.slice(from, from + limit);
}
