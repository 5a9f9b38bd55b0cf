import type { Metadata } from 'next';
import type { ReactNode } from 'react';
import { TRPCReactProvider } from '@/lib/trpc';
import './globals.css';

export const metadata: Metadata = {
  title: { template: '%s · Switchboard', default: 'Switchboard' },
  description: 'Control plane for AI agents',
};

export default function RootLayout({ children }: { children: ReactNode }) {
  return (
    <html lang="en">
      <body>
        <TRPCReactProvider>{children}</TRPCReactProvider>
      </body>
    </html>
  );
}
