import type { Metadata } from 'next';
import { Suspense } from 'react';
import { RunsView } from '@/components/runs/runs-view';

export const metadata: Metadata = { title: 'Runs' };

// The view reads its filters from the URL query, which only the browser knows when the page is prerendered.
export default function RunsPage() {
  return (
    <Suspense fallback={<h1>Runs</h1>}>
      <RunsView />
    </Suspense>
  );
}
