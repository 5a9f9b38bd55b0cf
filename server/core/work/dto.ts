/** Pieces the work DTOs (runs, sessions, approvals) share. */
import { z } from 'zod';
import type { PermissionPolicy } from '@/db/schema';

export const isoTime = z.string().describe('RFC 3339 UTC time');

const decision = z.enum(['allow', 'ask', 'deny']);

export const permissionPolicySchema = z.object({
  read: decision,
  write: decision,
  bash: decision,
  profile: z.string().optional(),
  onTimeout: z.enum(['deny', 'approve']).optional(),
  approvalTimeoutMs: z.number().optional(),
  sandbox: z.enum(['read-only', 'workspace-write', 'danger-full-access']).optional(),
  network: z.boolean().optional(),
}) satisfies z.ZodType<PermissionPolicy>;

export const iso = (d: Date | null): string | null => d?.toISOString() ?? null;
