import type { StreamState } from '@/lib/use-event-stream';

const LABELS: Record<StreamState, string> = {
  connecting: 'Connecting to live updates…',
  open: 'Live',
  reconnecting: 'Connection lost; reconnecting…',
  ended: 'Stream ended',
  failed: 'Live updates unavailable',
};

/** Whether the page is following the live stream, with a way back in when the browser gave up. */
export function LiveStatus({ state, onReconnect }: { state: StreamState; onReconnect: () => void }) {
  return (
    <span className="live-status" data-state={state} role="status">
      {LABELS[state]}
      {state === 'failed' && (
        <>
          {' '}
          <button type="button" className="button button-small" onClick={onReconnect}>
            Reconnect
          </button>
        </>
      )}
    </span>
  );
}
