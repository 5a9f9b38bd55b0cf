'use client';
import { useQueryClient } from '@tanstack/react-query';
import { useGlobalEvents } from '@/components/shell/global-events';
import { useTRPC } from '@/lib/trpc';
import { useCoalesced } from '@/lib/use-event-stream';
import { LiveStatus } from '@/components/work/live-status';

/** Usage events of a burst (a busy run, many sessions) refresh the report at most once a second. */
const REFRESH_MS = 1000;

/** Keeps the Usage page current: refetches the report when a `usage_recorded` event arrives, and shows whether it is live. */
export function UsageLive() {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const refresh = useCoalesced(() => {
    void queryClient.invalidateQueries(trpc.usage.report.pathFilter());
  }, REFRESH_MS);
  const stream = useGlobalEvents((events) => {
    if (events.some((e) => e.type === 'usage_recorded')) refresh();
  });
  return <LiveStatus state={stream.state} onReconnect={stream.reconnect} />;
}
