import { describe, expect, it } from 'vitest';
import { summarizeEvent } from './events';

const event = (type: string, data: Record<string, unknown>) => ({ seq: 1, type, data, created_at: '2026-01-01T00:00:00.000Z' });

describe('summarizeEvent', () => {
  it('says who approved, denied or canceled, where the event records it', () => {
    expect(summarizeEvent(event('approval_granted', { message: 'bash approved', actor: { kind: 'user', id: 'usr_1', owner_id: 'usr_1' } }))).toBe(
      'bash approved · by user usr_1',
    );
    expect(summarizeEvent(event('approval_denied', { message: 'bash denied', reason: 'no', actor: { kind: 'api_key', id: 'key_9', owner_id: 'usr_1' } }))).toBe(
      'bash denied · reason: no · by api key key_9',
    );
    expect(summarizeEvent(event('run_cancel_requested', { actor: { kind: 'admin', id: 'admin', owner_id: 'admin' } }))).toBe('by the admin');
    expect(summarizeEvent(event('run_started', { message: 'run started' }))).toBe('run started');
  });
});
