/**
 * Permission policy: for each tool category, allow, ask (a human approves) or deny. Named profiles
 * give the common combinations; the default asks before anything changes the workspace.
 */
import type { PermissionPolicy } from '@/db/schema';
import type { ToolCategory } from '@/server/engine/tools/types';

export type Decision = 'allow' | 'ask' | 'deny';

const PROFILE_TABLE = {
  default: { profile: 'default', read: 'allow', write: 'ask', bash: 'ask', sandbox: 'workspace-write', network: false },
  // Everything runs without asking — still inside the sandbox: skipping approvals is not skipping confinement.
  trusted: { profile: 'trusted', read: 'allow', write: 'allow', bash: 'allow', sandbox: 'workspace-write', network: false },
  // Edits are fine, commands need a human.
  'accept-edits': { profile: 'accept-edits', read: 'allow', write: 'allow', bash: 'ask', sandbox: 'workspace-write', network: false },
  // Look, don't touch.
  'read-only': { profile: 'read-only', read: 'allow', write: 'deny', bash: 'deny', sandbox: 'read-only', network: false },
  // Ask about everything, reads included.
  strict: { profile: 'strict', read: 'ask', write: 'ask', bash: 'ask', sandbox: 'workspace-write', network: false },
} as const satisfies Record<string, PermissionPolicy>;

export type ProfileName = keyof typeof PROFILE_TABLE;

/** The profiles by name; any string may be looked up (check it with `isProfileName` first). */
export const PROFILES: Readonly<Record<string, PermissionPolicy>> = PROFILE_TABLE;

// hasOwn: a name like `toString` must not find Object.prototype's member.
export const isProfileName = (name: string): name is ProfileName => Object.hasOwn(PROFILE_TABLE, name);

export function policyFromProfile(name: string | undefined): PermissionPolicy | undefined {
  return name !== undefined && isProfileName(name) ? PROFILE_TABLE[name] : undefined;
}

export function defaultPolicy(): PermissionPolicy {
  return { ...PROFILE_TABLE.default };
}

/**
 * Whether work under this policy runs commands with no human in the loop or outside the sandbox:
 * commands allowed outright, approvals that approve themselves on timeout, or a sandbox mode of
 * `danger-full-access`. Such policies are admin-only (see permission-profile.ts).
 */
export function skipsHumanOrSandbox(policy: PermissionPolicy): boolean {
  return policy.bash === 'allow' || policy.onTimeout === 'approve' || sandboxOf(policy).mode === 'danger-full-access';
}

export type SandboxMode = NonNullable<PermissionPolicy['sandbox']>;

/** The sandbox the policy's commands run in; policies stored before these fields existed get the default. */
export function sandboxOf(policy: PermissionPolicy): { mode: SandboxMode; network: boolean } {
  return { mode: policy.sandbox ?? 'workspace-write', network: policy.network ?? false };
}

export function decide(policy: PermissionPolicy, category: ToolCategory): Decision {
  if (category === 'none') return 'allow';
  return policy[category];
}
