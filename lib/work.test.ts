import { describe, expect, it } from 'vitest';
import { PROFILES as SERVER_PROFILES } from '@/server/core/work/policy';
import * as server from '@/server/core/work/status';
import * as dashboard from './work';

describe("the dashboard's copy of the work vocabulary", () => {
  it('offers exactly the server profiles, default first, each with the server policy', () => {
    expect(dashboard.PROFILES).toEqual(SERVER_PROFILES);
    expect([...dashboard.PROFILE_NAMES].sort()).toEqual(Object.keys(SERVER_PROFILES).sort());
    expect(dashboard.PROFILE_NAMES[0]).toBe('default');
    expect(dashboard.describeProfile('read-only')).toBe('read allow · write deny · bash deny');
    expect(dashboard.describeProfile('toString')).toBe('');
  });

  it('answers every status question as the server does', () => {
    for (const status of server.RUN_STATUSES) {
      expect(dashboard.isTerminalRun(status), status).toBe(server.isTerminalRun(status));
      expect(dashboard.isActiveRun(status), status).toBe(!server.isTerminalRun(status));
    }
    for (const status of server.TURN_STATUSES) {
      expect(dashboard.isActiveTurn(status), status).toBe(server.isActiveTurn(status));
      expect(dashboard.isRetryableTurn(status), status).toBe(server.isRetryableTurn(status));
    }
    expect([...dashboard.RUN_TERMINAL_EVENTS].sort()).toEqual([...server.RUN_TERMINAL_EVENTS].sort());
  });
});
