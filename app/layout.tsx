import type { Metadata, Viewport } from 'next';
import type { ReactNode } from 'react';
import { TRPCReactProvider } from '@/lib/trpc';
import './globals.css';

export const metadata: Metadata = {
  title: { template: '%s · Switchboard', default: 'Switchboard' },
  description: 'Control plane for AI agents',
  // The HTTP server hands only `/`, `/app/*`, `/_next/*` and `/favicon.ico` to the dashboard, so the icon lives there.
  icons: { icon: [{ url: '/favicon.ico', sizes: '16x16 32x32 48x48' }] },
};

export const viewport: Viewport = {
  width: 'device-width',
  initialScale: 1,
  colorScheme: 'light dark',
  themeColor: [
    { media: '(prefers-color-scheme: light)', color: '#ffffff' },
    { media: '(prefers-color-scheme: dark)', color: '#161b22' },
  ],
};

/**
 * Applies the theme chosen with the toggle (components/shell/theme-toggle.tsx) before the first
 * paint, so a dark choice never flashes light. Without a choice the stylesheet follows the system.
 */
const THEME_SCRIPT = `try{var t=localStorage.getItem('switchboard-theme');if(t==='dark'||t==='light')document.documentElement.dataset.theme=t}catch(e){}`;

export default function RootLayout({ children }: { children: ReactNode }) {
  return (
    // The theme script sets data-theme on <html> before React hydrates.
    <html lang="en" suppressHydrationWarning>
      <head>
        <script dangerouslySetInnerHTML={{ __html: THEME_SCRIPT }} />
      </head>
      <body>
        <TRPCReactProvider>{children}</TRPCReactProvider>
      </body>
    </html>
  );
}
