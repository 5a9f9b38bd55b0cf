import type { PermissionPolicy } from '@/db/schema';
import { badRequest } from '@/server/core/shared/errors';
import { defaultPolicy, PROFILES } from '@/server/core/work/policy';

/**
 * The permission policy new work runs under: the named profile, else the policy given, else the
 * default. An unknown profile name is a 400 on `profile`.
 */
export function choosePolicy(input: { profile?: string; policy?: PermissionPolicy }): PermissionPolicy {
  if (input.profile) {
    // hasOwn: a name like `toString` must not find Object.prototype's member.
    if (!Object.hasOwn(PROFILES, input.profile)) throw badRequest('unknown profile', 'profile');
    return { ...PROFILES[input.profile]! };
  }
  return input.policy ?? defaultPolicy();
}
