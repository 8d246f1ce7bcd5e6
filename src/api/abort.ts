/**
 * Abort callbacks with one listener per signal. Every request of a client waits on the
 * caller's one signal (for a limiter slot, during its attempt, between attempts), so thousands
 * can wait at once; one `addEventListener` each would pass Node's limit of 10 and print
 * `MaxListenersExceededWarning` on the caller's signal. Here the signal has at most one
 * listener of ours, added when the first callback is registered and removed with the last.
 */

interface Watch {
  readonly callbacks: Set<() => void>;
  readonly listener: () => void;
}

const watches = new WeakMap<AbortSignal, Watch>();

/**
 * Calls `callback` once when `signal` aborts (at once if it already has). Returns the function
 * that stops waiting for it; call it when the wait is over, aborted or not.
 */
export function onAbort(signal: AbortSignal, callback: () => void): () => void {
  if (signal.aborted) {
    callback();
    return () => undefined;
  }
  let watch = watches.get(signal);
  if (watch === undefined) {
    const callbacks = new Set<() => void>();
    const listener = () => {
      watches.delete(signal);
      for (const call of [...callbacks]) call();
      callbacks.clear();
    };
    watch = { callbacks, listener };
    watches.set(signal, watch);
    signal.addEventListener('abort', listener, { once: true });
  }
  const { callbacks, listener } = watch;
  // Each registration is an entry of its own: a function registered twice is called twice.
  const entry = () => {
    callback();
  };
  callbacks.add(entry);
  return () => {
    if (!callbacks.delete(entry) || callbacks.size > 0) return;
    if (watches.get(signal)?.callbacks === callbacks) watches.delete(signal);
    signal.removeEventListener('abort', listener);
  };
}
