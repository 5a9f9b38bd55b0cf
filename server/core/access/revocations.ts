/**
 * A revoked credential (a deleted key, a closed session) must end the streams it opened in every
 * process, not only the one that revoked it. The revocation is an event in its own stream: the event
 * log's fan-out (in-process, and LISTEN/NOTIFY between processes on Postgres) brings it to every
 * process, and each closes its own streams and forgets the credential from its cache of verified
 * credentials (see `followRevocations`, attached once per process).
 */
import { credentialCacheOf } from '@/server/auth/credential-cache';
import { closeStreamsOf } from '@/server/auth/open-streams';
import { REVOCATION_STREAM } from '@/server/core/events/streams';
import { inTransaction } from '@/server/core/events/unit-of-work';
import type { Services } from '@/server/services';

/**
 * `keepStreams`: only caches forget the credential, its open streams stay (a device access token
 * rotated away by a refresh: the device is still trusted, its sockets need not reconnect).
 */
export async function announceRevocation(deps: Pick<Services, 'db' | 'bus'>, credential: string, opts: { keepStreams?: boolean } = {}): Promise<void> {
  const data = opts.keepStreams ? { credential, keep_streams: true } : { credential };
  await inTransaction(deps, (_tx, emit) => emit(REVOCATION_STREAM, { type: 'credential_revoked', data }));
}

/**
 * Closes this process's streams of every credential revoked anywhere, and stops its credential
 * cache from answering for it; returns the unsubscribe.
 */
export function followRevocations(bus: Services['bus']): () => void {
  const cache = credentialCacheOf(bus);
  return bus.subscribe(REVOCATION_STREAM, (event) => {
    if (typeof event.data.credential !== 'string') return;
    cache.revoke(event.data.credential);
    if (event.data.keep_streams !== true) closeStreamsOf(event.data.credential);
  });
}
