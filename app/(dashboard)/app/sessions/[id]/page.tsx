import type { Metadata } from 'next';
import { SessionChatView } from '@/components/sessions/session-chat-view';

export const metadata: Metadata = { title: 'Session' };

export default async function SessionPage({ params }: { params: Promise<{ id: string }> }) {
  const { id } = await params;
  // Keyed by id: moving to another session starts from a clean stream and chat.
  return <SessionChatView key={id} id={id} />;
}
