import type { PermissionPolicy } from '@/db/schema';
import type { Principal } from '@/server/auth/principal';
import { actsAsAdmin } from '@/server/core/access/owner-scope';
import { badRequest, forbidden } from '@/server/core/shared/errors';
import { defaultPolicy, PROFILES, skipsHumanOrSandbox } from '@/server/core/work/policy';

/**
 * The permission policy new work runs under: the named profile, else the policy given, else the
 * default. An unknown profile name is a 400 on `profile`. A policy that lets the agent act without
 * a human or outside the sandbox (`trusted`, `danger-full-access`) is the admin's to choose: 403
 * for anyone else, since whoever submits such work effectively has a shell on the host.
 */
export function choosePolicy(principal: Principal, input: { profile?: string; policy?: PermissionPolicy }): PermissionPolicy {
  let policy: PermissionPolicy;
  if (input.profile) {
    // hasOwn: a name like `toString` must not find Object.prototype's member.
    if (!Object.hasOwn(PROFILES, input.profile)) throw badRequest('unknown profile', 'profile');
    policy = { ...PROFILES[input.profile]! };
  } else {
    policy = input.policy ?? defaultPolicy();
  }
  if (skipsHumanOrSandbox(policy) && !actsAsAdmin(principal)) {
    throw forbidden(`${input.profile ? `profile ${input.profile}` : 'a policy that runs commands without approval or outside the sandbox'} is reserved to the admin`);
  }
  return policy;
}
