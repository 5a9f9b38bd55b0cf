/**
 * Streams stay open long after the request that authenticated them. Each open SSE or WebSocket
 * stream registers the credentials it stands on here; revoking a credential (deleting a key,
 * signing out) closes every stream it opened at once.
 *
 * The registry is per process; a revocation reaches every process as an event in the revocation
 * stream (server/core/access/revocations.ts), and each process closes its own streams.
 */
type Close = () => void;

const open = new Map<string, Set<Close>>();

/** Registers a stream's close hook under each credential; the returned function unregisters it. */
export function trackStream(credentials: readonly string[], close: Close): () => void {
  for (const credential of credentials) {
    let set = open.get(credential);
    if (!set) open.set(credential, (set = new Set()));
    set.add(close);
  }
  return () => {
    for (const credential of credentials) {
      const set = open.get(credential);
      set?.delete(close);
      if (set?.size === 0) open.delete(credential);
    }
  };
}

/** Closes every stream opened with this credential; returns how many there were. */
export function closeStreamsOf(credential: string): number {
  const set = open.get(credential);
  if (!set) return 0;
  open.delete(credential);
  for (const close of [...set]) {
    try {
      close();
    } catch {
      /* one stream failing to close must not keep the others open */
    }
  }
  return set.size;
}

/** How many streams a credential holds open (for tests and diagnostics). */
export function openStreamCount(credential: string): number {
  return open.get(credential)?.size ?? 0;
}
