'use client';
import type { ReactNode } from 'react';
import { AuthGate } from './auth-gate';
import { EmergencyBanner } from './emergency-banner';
import { GlobalEventsProvider } from './global-events';
import { TopBar } from './top-bar';

/** The frame of every signed-in page: the gate, the top bar, the emergency banner and the page's own content. */
export function DashboardShell({ children }: { children: ReactNode }) {
  return (
    <AuthGate>
      <GlobalEventsProvider>
        <a href="#main" className="skip-link">
          Skip to content
        </a>
        <TopBar />
        <EmergencyBanner />
        <main id="main" className="page" tabIndex={-1}>
          {children}
        </main>
      </GlobalEventsProvider>
    </AuthGate>
  );
}
