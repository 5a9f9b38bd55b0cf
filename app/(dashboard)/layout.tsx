import type { ReactNode } from 'react';
import { DashboardShell } from '@/components/shell/dashboard-shell';

/** Every page in this group needs a signed-in principal; the shell checks and redirects if not. */
export default function DashboardLayout({ children }: { children: ReactNode }) {
  return <DashboardShell>{children}</DashboardShell>;
}
