import type { PermissionPolicy } from '@/db/schema';
import { badRequest } from '@/server/core/shared/errors';
import { defaultPolicy } from '@/server/core/work/policy';

/** Codex's approval policies (`-a`/`approvalPolicy`) and sandbox modes (`-s`/`sandbox`). */
export const CODEX_APPROVAL_POLICIES = ['untrusted', 'on-failure', 'on-request', 'never'] as const;
export type CodexApprovalPolicy = (typeof CODEX_APPROVAL_POLICIES)[number];
export const CODEX_SANDBOX_MODES = ['read-only', 'workspace-write', 'danger-full-access'] as const;
export type CodexSandboxMode = (typeof CODEX_SANDBOX_MODES)[number];

export interface CodexPolicyInput {
  approvalPolicy?: string;
  sandbox?: string;
}

/**
 * What each approval policy lets through without a human. `untrusted` asks before anything that
 * changes the workspace; `on-request` and `on-failure` let edits inside the sandbox through and ask
 * before commands (Switchboard cannot tell a "failed in the sandbox" command from another, so both
 * ask up front); `never` asks nobody, so what would have asked is refused rather than waited on —
 * a client that set `never` has nobody watching for approvals.
 */
const APPROVALS: Record<CodexApprovalPolicy, Pick<PermissionPolicy, 'write' | 'bash'>> = {
  untrusted: { write: 'ask', bash: 'ask' },
  'on-failure': { write: 'allow', bash: 'ask' },
  'on-request': { write: 'allow', bash: 'ask' },
  never: { write: 'allow', bash: 'deny' },
};

function parse<T extends string>(values: readonly T[], value: string | undefined, field: string): T | undefined {
  if (value === undefined) return undefined;
  const found = values.find((v) => v === value);
  if (!found) throw badRequest(`must be one of ${values.join(', ')}`, field);
  return found;
}

/**
 * The permission policy a Codex-style `approval_policy` / `sandbox` pair stands for, applied over
 * `base` (the session's current policy; the default one for new work). Neither given → undefined
 * (keep what there is). `read-only` refuses writes whatever the approval policy says; in
 * `danger-full-access` nothing asks (the sandbox is off, so a human could not contain it either) —
 * which makes the policy admin-only when it reaches choosePolicy. Bad values → 400 naming the field.
 */
export function policyFromCodex(input: CodexPolicyInput, base: PermissionPolicy = defaultPolicy(), fields = { approvalPolicy: 'approval_policy', sandbox: 'sandbox' }): PermissionPolicy | undefined {
  const approvalPolicy = parse(CODEX_APPROVAL_POLICIES, input.approvalPolicy, fields.approvalPolicy);
  const sandbox = parse(CODEX_SANDBOX_MODES, input.sandbox, fields.sandbox);
  if (!approvalPolicy && !sandbox) return undefined;
  const policy: PermissionPolicy = { ...base, ...(approvalPolicy ? APPROVALS[approvalPolicy] : {}), profile: 'codex' };
  if (sandbox) policy.sandbox = sandbox;
  if (policy.sandbox === 'read-only') policy.write = 'deny';
  if (policy.sandbox === 'danger-full-access') Object.assign(policy, { write: 'allow', bash: 'allow' });
  return policy;
}
