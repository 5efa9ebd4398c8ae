/**
 * Answers served per day, placement, variant and (splits) config fingerprint: the report's
 * "requests", compared per configuration as the events are (a ramp never pools). Counting in
 * the database on every answer would put a write on the hot path, so counts gather in
 * memory and are added to the store at most every `flushMs`, from whichever request
 * comes next (no timer: edge runtimes have none between requests). A failed flush keeps
 * its counts for the next one; close() flushes what is left.
 */
export interface RequestCountRow {
  day: string;
  placement: string;
  variant: string;
  interleaved: boolean;
  count: number;
  /** A split answer's config fingerprint; absent for other answers. */
  split?: string;
}

export interface RequestCounter {
  count(placement: string, variant: string, interleaved: boolean, split?: string): void;
  flush(): Promise<void>;
}

export function createRequestCounter(options: { add: (rows: RequestCountRow[]) => Promise<void>; now: () => number; flushMs?: number; log: (line: string) => void }): RequestCounter {
  const flushMs = options.flushMs ?? 5000;
  let pending = new Map<string, RequestCountRow>();
  let lastFlush = options.now();
  let flushing: Promise<void> | undefined;

  async function flush(): Promise<void> {
    await flushing;
    if (!pending.size) return;
    const rows = [...pending.values()];
    pending = new Map();
    lastFlush = options.now();
    flushing = options.add(rows).then(
      () => undefined,
      (error: unknown) => {
        options.log(`events: request counts not stored yet, kept for the next try (${error instanceof Error ? error.message : String(error)})`);
        for (const row of rows) add(row.day, row.placement, row.variant, row.interleaved, row.count, row.split);
      },
    );
    await flushing;
  }

  function add(day: string, placement: string, variant: string, interleaved: boolean, count: number, split: string | undefined): void {
    const key = `${day}\n${placement}\n${variant}\n${interleaved}\n${split ?? ''}`;
    const row = pending.get(key);
    if (row) row.count += count;
    else pending.set(key, split === undefined ? { day, placement, variant, interleaved, count } : { day, placement, variant, interleaved, count, split });
  }

  return {
    count(placement, variant, interleaved, split) {
      add(new Date(options.now()).toISOString().slice(0, 10), placement, variant, interleaved, 1, split);
      if (options.now() - lastFlush >= flushMs) void flush();
    },
    flush,
  };
}
