import { describe, expect, it } from 'vitest';
import { listInput, workspaceName } from './list-filters';
import { formatRelative } from './relative-time';

describe('listInput', () => {
  const statuses = ['queued', 'running', 'failed'] as const;

  it('asks the server for the page and the filters the URL names', () => {
    expect(listInput({ page: 3, status: 'failed', q: 'deploy', origin: 'agentd', workspace: '/w/a', model: 'm', owner: 'u1' }, statuses, 50)).toEqual({
      limit: 50,
      offset: 100,
      status: ['failed'],
      q: 'deploy',
      origin: 'agentd',
      workspace: '/w/a',
      model: 'm',
      owner: 'u1',
    });
    expect(listInput({ page: 1 }, statuses, 20)).toEqual({ limit: 20, offset: 0 });
  });

  it('leaves out a status the list does not know (a hand-edited URL) instead of failing the page', () => {
    expect(listInput({ page: 1, status: 'sleeping' }, statuses, 50)).toEqual({ limit: 50, offset: 0 });
  });
});

describe('display helpers', () => {
  it('names a workspace by its last path part', () => {
    expect(workspaceName('/srv/work/alpha/')).toBe('alpha');
    expect(workspaceName('.')).toBe('.');
  });

  it('words a time relative to now', () => {
    const now = Date.parse('2026-01-02T12:00:00Z');
    expect(formatRelative('2026-01-02T11:59:50Z', now)).toBe('just now');
    expect(formatRelative('2026-01-02T11:55:00Z', now)).toMatch(/5/);
    expect(formatRelative('2026-01-01T12:00:00Z', now)).toMatch(/yesterday|1 day/);
    expect(formatRelative('not a time', now)).toBe('not a time');
  });
});
