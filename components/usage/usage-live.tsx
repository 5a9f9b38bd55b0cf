'use client';
import { useQueryClient } from '@tanstack/react-query';
import { useState } from 'react';
import { useTRPC } from '@/lib/trpc';
import { useCoalesced, useEventStream } from '@/lib/use-event-stream';
import { LiveStatus } from '@/components/work/live-status';

/** Usage events of a burst (a busy run, many sessions) refresh the report at most once a second. */
const REFRESH_MS = 1000;

/**
 * Keeps the Usage page current: follows `events.global` from the position the first report was
 * complete up to (so no history is replayed and nothing is missed), and refetches the report when a
 * `usage_recorded` event arrives. Shows whether it is live.
 */
export function UsageLive({ position }: { position: string }) {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  // The first report's position: later reports are refetches, the stream goes on from where it is.
  const [start] = useState(position);
  const refresh = useCoalesced(() => {
    void queryClient.invalidateQueries(trpc.usage.report.pathFilter());
  }, REFRESH_MS);
  const stream = useEventStream(
    'usage',
    // A global event is a stream event plus the stream it came from; the hook reads the common fields only.
    (lastEventId, onData) =>
      trpc.events.global.subscriptionOptions({ lastEventId: lastEventId ?? start }, { onData }) as unknown as ReturnType<typeof trpc.events.run.subscriptionOptions>,
    {
      onEvents: (events) => {
        if (events.some((e) => e.type === 'usage_recorded')) refresh();
      },
    },
  );
  return <LiveStatus state={stream.state} onReconnect={stream.reconnect} />;
}
