'use client';
import type { ReactNode } from 'react';
import { AuthGate } from './auth-gate';
import { EmergencyBanner } from './emergency-banner';
import { TopBar } from './top-bar';

/** The frame of every signed-in page: the gate, the top bar and the page's own content. */
export function DashboardShell({ children }: { children: ReactNode }) {
  return (
    <AuthGate>
      <TopBar />
      <EmergencyBanner />
      <main className="page">{children}</main>
    </AuthGate>
  );
}
