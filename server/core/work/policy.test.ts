import { describe, expect, it } from 'vitest';
import { defaultPolicy, PROFILES, sandboxOf } from './policy';

describe('permission profiles and the sandbox', () => {
  it('every profile runs commands in the sandbox: read-only reads, the rest write the workspace, none reach the network', () => {
    expect(sandboxOf(PROFILES['read-only']!)).toEqual({ mode: 'read-only', network: false });
    for (const name of ['default', 'trusted', 'accept-edits', 'strict']) expect(sandboxOf(PROFILES[name]!), name).toEqual({ mode: 'workspace-write', network: false });
    expect(sandboxOf(defaultPolicy())).toEqual({ mode: 'workspace-write', network: false });
  });

  it('a policy stored before the sandbox fields existed gets the default sandbox', () => {
    expect(sandboxOf({ read: 'allow', write: 'allow', bash: 'allow' })).toEqual({ mode: 'workspace-write', network: false });
  });
});
