'use client';
import { useMutation, useQueryClient } from '@tanstack/react-query';
import { useState, type FormEvent, type KeyboardEvent } from 'react';
import { errorMessage } from '@/lib/errors';
import { useTRPC } from '@/lib/trpc';
import { ErrorAlert } from '@/components/ui/error-alert';

/**
 * The message box. Enter sends, Shift+Enter starts a new line. Sending is held while a turn is in
 * progress (the server accepts one turn at a time); typing is not.
 */
export function Composer({ sessionId, busy, closed }: { sessionId: string; busy: boolean; closed: boolean }) {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const [text, setText] = useState('');

  const send = useMutation(
    trpc.sessions.send.mutationOptions({
      onSuccess: async () => {
        setText('');
        await queryClient.invalidateQueries({ queryKey: trpc.sessions.get.queryKey({ id: sessionId }) });
      },
    }),
  );

  const blocked = busy || closed || send.isPending;

  function submit(event?: FormEvent<HTMLFormElement>) {
    event?.preventDefault();
    if (blocked || !text.trim()) return;
    send.mutate({ id: sessionId, text });
  }

  function onKeyDown(event: KeyboardEvent<HTMLTextAreaElement>) {
    if (event.key === 'Enter' && !event.shiftKey && !event.nativeEvent.isComposing) {
      event.preventDefault();
      submit();
    }
  }

  return (
    <form className="card composer" onSubmit={submit} aria-label="Send a message">
      <label htmlFor="composer-text">Message</label>
      <textarea
        id="composer-text"
        name="text"
        rows={3}
        value={text}
        disabled={closed}
        placeholder={closed ? 'This session is closed.' : 'Ask the agent… (Enter sends, Shift+Enter for a new line)'}
        onChange={(e) => setText(e.target.value)}
        onKeyDown={onKeyDown}
      />
      <ErrorAlert message={send.error ? errorMessage(send.error) : null} />
      <div className="composer-row">
        <button type="submit" className="button button-primary" disabled={blocked || !text.trim()}>
          {send.isPending ? 'Sending…' : 'Send'}
        </button>
        {busy && <span className="muted">The agent is working on the current turn.</span>}
      </div>
    </form>
  );
}
