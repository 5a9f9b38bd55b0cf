/**
 * A NOTIFY channel between the processes sharing one Postgres database: JSON messages, each tagged
 * with the sending process so that it can ignore its own (it has already acted on them locally).
 * One dedicated connection per channel, so a busy pool never delays a notification.
 */
import postgres from 'postgres';

export interface PgChannel<T> {
  /** Sends to every other process listening on the channel. */
  send(message: T): Promise<void>;
  close(): Promise<void>;
}

interface Wire<T> {
  /** The sending process. */
  p: string;
  m: T;
}

export async function openPgChannel<T>(databaseUrl: string, channel: string, processId: string, onMessage: (message: T) => void): Promise<PgChannel<T>> {
  const sql = postgres(databaseUrl, { max: 1, onnotice: () => {} });
  const { unlisten } = await sql.listen(channel, (payload) => {
    let wire: Wire<T>;
    try {
      wire = JSON.parse(payload) as Wire<T>;
    } catch {
      return;
    }
    if (wire.p !== processId) onMessage(wire.m);
  });
  return {
    async send(message) {
      await sql`select pg_notify(${channel}, ${JSON.stringify({ p: processId, m: message } satisfies Wire<T>)})`;
    },
    async close() {
      await unlisten().catch(() => {});
      await sql.end({ timeout: 2 });
    },
  };
}
