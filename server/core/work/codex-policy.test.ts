import { describe, expect, it } from 'vitest';
import { AppError } from '@/server/core/shared/errors';
import { policyFromCodex } from './codex-policy';
import { defaultPolicy, skipsHumanOrSandbox } from './policy';

describe('policyFromCodex', () => {
  it('keeps the current policy when neither approval_policy nor sandbox is given', () => {
    expect(policyFromCodex({})).toBeUndefined();
  });

  it('maps approval policies onto who asks: untrusted asks for edits and commands, on-request lets edits through, never refuses what would ask', () => {
    expect(policyFromCodex({ approvalPolicy: 'untrusted' })).toMatchObject({ read: 'allow', write: 'ask', bash: 'ask', sandbox: 'workspace-write' });
    expect(policyFromCodex({ approvalPolicy: 'on-request' })).toMatchObject({ write: 'allow', bash: 'ask' });
    expect(policyFromCodex({ approvalPolicy: 'on-failure' })).toMatchObject({ write: 'allow', bash: 'ask' });
    const never = policyFromCodex({ approvalPolicy: 'never' })!;
    expect(never).toMatchObject({ write: 'allow', bash: 'deny' });
    // Nobody watching is not the same as nobody needed: `never` alone stays a user's choice.
    expect(skipsHumanOrSandbox(never)).toBe(false);
  });

  it('maps sandbox modes: read-only refuses writes, danger-full-access asks nothing and is admin-only', () => {
    expect(policyFromCodex({ sandbox: 'read-only' })).toMatchObject({ write: 'deny', sandbox: 'read-only' });
    expect(policyFromCodex({ approvalPolicy: 'on-request', sandbox: 'read-only' })).toMatchObject({ write: 'deny', bash: 'ask' });
    const full = policyFromCodex({ sandbox: 'danger-full-access' })!;
    expect(full).toMatchObject({ write: 'allow', bash: 'allow', sandbox: 'danger-full-access' });
    expect(skipsHumanOrSandbox(full)).toBe(true);
  });

  it('applies over the session\u2019s current policy (a turn changes only what it names)', () => {
    const base = { ...defaultPolicy(), sandbox: 'read-only' as const, write: 'deny' as const };
    expect(policyFromCodex({ approvalPolicy: 'untrusted' }, base)).toMatchObject({ sandbox: 'read-only', write: 'deny', bash: 'ask' });
  });

  it('a value Codex does not know is a 400 naming the field', () => {
    const bad = (input: Parameters<typeof policyFromCodex>[0], field: string) => {
      try {
        policyFromCodex(input);
        throw new Error('accepted');
      } catch (err) {
        expect(err).toBeInstanceOf(AppError);
        expect((err as AppError).field).toBe(field);
      }
    };
    bad({ approvalPolicy: 'always' }, 'approval_policy');
    bad({ sandbox: 'none' }, 'sandbox');
  });
});
