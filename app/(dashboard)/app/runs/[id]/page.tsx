import type { Metadata } from 'next';
import { RunDetailView } from '@/components/runs/run-detail-view';

export const metadata: Metadata = { title: 'Run' };

export default async function RunPage({ params }: { params: Promise<{ id: string }> }) {
  const { id } = await params;
  // Keyed by id: moving to another run starts from a clean stream and log.
  return <RunDetailView key={id} id={id} />;
}
