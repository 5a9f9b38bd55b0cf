import type { PermissionPolicy } from '@/db/schema';
import type { Principal } from '@/server/auth/principal';
import { actsAsAdmin } from '@/server/core/access/owner-scope';
import { forbidden } from '@/server/core/shared/errors';
import { skipsHumanOrSandbox, type SandboxMode } from './policy';

export const SANDBOX_MODES = ['read-only', 'workspace-write', 'danger-full-access'] as const satisfies readonly SandboxMode[];

/**
 * Policies for work nobody is there to approve (a dialect with no approval route, such as
 * EchoHelix runs): every tool category is decided up front, none asks, so the work can never park
 * waiting for a human who cannot answer. A refused call is reported as a denied tool result and
 * the agent carries on.
 */
const UNATTENDED: Record<SandboxMode, PermissionPolicy> = {
  // Look, don't touch.
  'read-only': { profile: 'read-only', read: 'allow', write: 'deny', bash: 'deny', sandbox: 'read-only', network: false },
  // Edits go through the file tools, which cannot leave the workspace; commands could, unsupervised, so they are refused.
  'workspace-write': { profile: 'workspace-write', read: 'allow', write: 'allow', bash: 'deny', sandbox: 'workspace-write', network: false },
  // Everything, unconfined and online: whoever may choose this effectively has a shell on the host.
  'danger-full-access': { profile: 'danger-full-access', read: 'allow', write: 'allow', bash: 'allow', sandbox: 'danger-full-access', network: true },
};

/**
 * The unattended policy of a sandbox mode (default `workspace-write`). A mode that runs commands
 * without a human is the admin's (and its keys' and devices') to choose, as choosePolicy rules:
 * anyone else gets a 403 naming the field.
 */
export function policyForSandbox(principal: Principal, mode: SandboxMode = 'workspace-write', field = 'sandbox'): PermissionPolicy {
  const policy = { ...UNATTENDED[mode] };
  if (skipsHumanOrSandbox(policy) && !actsAsAdmin(principal)) throw forbidden(`${field}: ${mode} is reserved to the admin`);
  return policy;
}
