/**
 * The script tag's store: the part of nanostores' `atom` the widget uses (get, set,
 * listen), in a tenth of its bytes. scripts/build.mjs puts it in place of nanostores in
 * dist/recs.js only, where `$context` is not exported; npm users get nanostores' own atom,
 * so `$context` works with @nanostores/react, vue and the rest.
 */
export function atom<T>(value: T) {
  const listeners = new Set<(value: T) => void>();
  return {
    get: () => value,
    set(next: T) {
      if (Object.is(next, value)) return;
      value = next;
      for (const listener of [...listeners]) listener(value);
    },
    listen(listener: (value: T) => void) {
      listeners.add(listener);
      return () => void listeners.delete(listener);
    },
  };
}
