/**
 * StoreUnavailable and the deadline every store call runs under. Apart from store.ts so
 * that what an edge bundle needs (the handler in ingest.ts) never pulls in the drivers.
 */

/** The database failed or was too slow; nothing of the call was committed unless a retry says so. */
export class StoreUnavailable extends Error {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'StoreUnavailable';
  }
}

export const DEFAULT_STATEMENT_TIMEOUT_MS = 2000;

/**
 * `work` settled within `ms`, every failure as StoreUnavailable. `onLate` runs when the
 * deadline passes first, so the driver can roll back instead of committing afterwards.
 */
export function withinDeadline<T>(ms: number, work: Promise<T>, onLate: () => void = () => undefined): Promise<T> {
  return new Promise<T>((resolve, reject) => {
    const timer = setTimeout(() => {
      onLate();
      reject(new StoreUnavailable(`the event database did not answer within ${ms} ms`));
    }, ms);
    work.then(
      (value) => {
        clearTimeout(timer);
        resolve(value);
      },
      (error: unknown) => {
        clearTimeout(timer);
        reject(error instanceof StoreUnavailable ? error : new StoreUnavailable(`the event database failed: ${describe(error)}`, { cause: error }));
      },
    );
  });
}

const describe = (error: unknown) => (error instanceof Error ? error.message : String(error));
