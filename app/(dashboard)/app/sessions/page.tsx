import type { Metadata } from 'next';
import { Suspense } from 'react';
import { SessionsView } from '@/components/sessions/sessions-view';

export const metadata: Metadata = { title: 'Sessions' };

// The view reads its filters from the URL query, which only the browser knows when the page is prerendered.
export default function SessionsPage() {
  return (
    <Suspense fallback={<h1>Sessions</h1>}>
      <SessionsView />
    </Suspense>
  );
}
