/** Compiled (not run) by sdk.int.test.ts: what a user's code sees of the installed package's types. */
import { createSwitchboardClient, followRun, followSession, type GlobalStreamEvent, type StreamEvent } from '@switchboard/sdk';

export async function consumer(): Promise<void> {
  const client = createSwitchboardClient({ url: 'http://127.0.0.1:8787', token: 'sb_example' });

  const run = await client.runs.create.mutate({ workspacePath: '/work/repo', prompt: '::say hi' });
  const status: string = run.status;
  // @ts-expect-error workspacePath is required
  await client.runs.create.mutate({ prompt: '::say hi' });

  for await (const event of followRun(client, run.id, { fromSeq: 1 })) {
    const seq: number = event.seq;
    const type: string = event.type;
    const when: string = event.created_at;
    // @ts-expect-error events have no such field
    void event.nope;
    void [seq, type, when, status];
  }

  const session = await client.sessions.create.mutate({ workspacePath: '/work/repo' });
  await client.sessions.send.mutate({ id: session.id, text: 'hello' });
  const controller = new AbortController();
  for await (const event of followSession(client, session.id, { signal: controller.signal })) {
    if (event.type === 'turn_completed') controller.abort();
  }

  client.events.global.subscribe(
    {},
    {
      onData: ({ id, data }) => {
        const event: GlobalStreamEvent = data;
        const origin: string = event.stream;
        void [id, origin];
      },
    },
  );
  const typed: StreamEvent | undefined = undefined;
  void typed;
}
