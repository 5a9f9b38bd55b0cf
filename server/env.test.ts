import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { EnvError, isLoopbackHost, parseEnv } from './env';

describe('parseEnv', () => {
  it('defaults to loopback, port 8787 and ./data', () => {
    const env = parseEnv({});
    expect(env).toMatchObject({ host: '127.0.0.1', port: 8787, dataDir: path.resolve('data'), authDisabled: false, databaseUrl: undefined });
    expect(env.workspaceRoots).toEqual([path.resolve('data', 'workspaces')]);
    expect(env.maxUploadBytes).toBe(25 * 1024 * 1024);
  });

  it('accepts each dialect\u2019s name for the bootstrap token', () => {
    for (const name of ['ADMIN_TOKEN', 'BRIDGE_AUTH_TOKEN', 'HARNESS_AUTH_TOKEN', 'AEGIS_AUTH_TOKEN', 'AUTOPACK_API_KEY']) {
      expect(parseEnv({ [name]: 'a-long-enough-token' }).adminToken).toBe('a-long-enough-token');
    }
  });

  it('refuses aliases that disagree, and short tokens', () => {
    expect(() => parseEnv({ ADMIN_TOKEN: 'a-long-enough-token', AEGIS_AUTH_TOKEN: 'another-long-token' })).toThrow(/disagree/);
    expect(() => parseEnv({ ADMIN_TOKEN: 'short' })).toThrow(/16 characters/);
  });

  it('refuses AUTH_DISABLED unless bound to loopback', () => {
    expect(parseEnv({ AUTH_DISABLED: '1' }).authDisabled).toBe(true);
    expect(() => parseEnv({ AUTH_DISABLED: '1', HOST: '0.0.0.0' })).toThrow(/loopback/);
  });

  it('names every bad variable', () => {
    try {
      parseEnv({ PORT: 'eighty', DATABASE_URL: 'mysql://x', MAX_UPLOAD_BYTES: '-1' });
      expect.unreachable();
    } catch (err) {
      expect(err).toBeInstanceOf(EnvError);
      const text = (err as EnvError).message;
      for (const name of ['PORT', 'DATABASE_URL', 'MAX_UPLOAD_BYTES']) expect(text).toContain(name);
    }
  });

  it('reads DAILY_TOKEN_QUOTA in EchoHelix backend names (claude is the claude-code provider), others as they are', () => {
    const quota = parseEnv({ DAILY_TOKEN_QUOTA: ' claude:200000, codex:5 ,scripted:10' }).dailyTokenQuota;
    expect([...quota.entries()]).toEqual([
      ['claude-code', 200_000],
      ['codex', 5],
      ['scripted', 10],
    ]);
    expect(() => parseEnv({ DAILY_TOKEN_QUOTA: 'claude=5' })).toThrow(/DAILY_TOKEN_QUOTA/);
  });

  it('splits WORKSPACE_ROOTS on commas or colons', () => {
    expect(parseEnv({ WORKSPACE_ROOTS: '/srv/a,/srv/b:/srv/c' }).workspaceRoots).toEqual(['/srv/a', '/srv/b', '/srv/c']);
  });

  it('serves the dashboard unless SWITCHBOARD_NO_DASHBOARD is set', () => {
    expect(parseEnv({}).serveDashboard).toBe(true);
    expect(parseEnv({ SWITCHBOARD_NO_DASHBOARD: '1' }).serveDashboard).toBe(false);
    expect(() => parseEnv({ SWITCHBOARD_NO_DASHBOARD: 'maybe' })).toThrow(/SWITCHBOARD_NO_DASHBOARD/);
  });

  it('sandboxes agent commands unless SANDBOX=off, and refuses anything else', () => {
    expect(parseEnv({}).sandboxEnabled).toBe(true);
    expect(parseEnv({ SANDBOX: 'on' }).sandboxEnabled).toBe(true);
    expect(parseEnv({ SANDBOX: 'off' }).sandboxEnabled).toBe(false);
    expect(() => parseEnv({ SANDBOX: '0' })).toThrow(/SANDBOX/);
  });

  it('keeps the environment it was given, for the processes the engine starts', () => {
    const source = { PATH: '/opt/tools/bin', HOME: '/home/agent' };
    expect(parseEnv(source).processEnv).toEqual(source);
    expect(parseEnv(source).processEnv).not.toBe(source);
  });

  it('enables an OAuth provider only with both its id and secret', () => {
    expect(parseEnv({ GITHUB_CLIENT_ID: 'id', GITHUB_CLIENT_SECRET: 'secret' }).oauthProviders.map((p) => p.id)).toEqual(['github']);
    expect(() => parseEnv({ GITHUB_CLIENT_ID: 'id' })).toThrow(/GITHUB_CLIENT_SECRET/);
    expect(() => parseEnv({ OIDC_CLIENT_ID: 'id', OIDC_CLIENT_SECRET: 's' })).toThrow(/OIDC_ISSUER/);
  });

  it('counts as loopback exactly localhost, ::1 and 127.0.0.0/8 literals, never names that merely start like them', () => {
    for (const host of ['localhost', 'LOCALHOST', '127.0.0.1', '127.1.2.3', '::1']) expect(isLoopbackHost(host), host).toBe(true);
    for (const host of ['127.evil.example', '127.0.0.1.nip.io', 'localhost.evil', '[::1]', '0.0.0.0', '10.0.0.1', '']) {
      expect(isLoopbackHost(host), host).toBe(false);
    }
    expect(() => parseEnv({ AUTH_DISABLED: '1', HOST: '127.evil.example' })).toThrow(/loopback/);
  });

  it('reads ALLOWED_HOSTS as host names with optional ports, and names a bad entry', () => {
    expect(parseEnv({}).allowedHosts).toEqual([]);
    expect(parseEnv({ ALLOWED_HOSTS: 'Switchboard.internal:8443, tools.example.org ,[fd00::1]:80' }).allowedHosts).toEqual([
      { hostname: 'switchboard.internal', port: '8443' },
      { hostname: 'tools.example.org' },
      { hostname: 'fd00::1', port: '80' },
    ]);
    expect(() => parseEnv({ ALLOWED_HOSTS: 'ok.example, http://bad.example/' })).toThrow(/ALLOWED_HOSTS: "http:\/\/bad.example\/"/);
  });

  it('reads the rate-limit budgets, 0 switching one off', () => {
    expect(parseEnv({}).rateLimits).toEqual({ perPrincipal: 600, anonymousPerIp: 600, signInFailuresPerAccount: 20, signInAttemptsPerIp: 100, pairStartsPerPrincipal: 10 });
    expect(parseEnv({ RATE_LIMIT_REQUESTS_PER_MINUTE: '0', RATE_LIMIT_SIGN_IN_FAILURES_PER_ACCOUNT: '5' }).rateLimits).toMatchObject({
      perPrincipal: 0,
      signInFailuresPerAccount: 5,
    });
    expect(() => parseEnv({ RATE_LIMIT_ANONYMOUS_PER_MINUTE: '-1' })).toThrow(/RATE_LIMIT_ANONYMOUS_PER_MINUTE/);
  });

  it('keeps sign-up closed unless SIGNUP_ENABLED opens it', () => {
    expect(parseEnv({}).signupEnabled).toBe(false);
    expect(parseEnv({ SIGNUP_ENABLED: '1' }).signupEnabled).toBe(true);
    expect(parseEnv({ SIGNUP_ENABLED: '0' }).signupEnabled).toBe(false);
    expect(() => parseEnv({ SIGNUP_ENABLED: 'maybe' })).toThrow(/SIGNUP_ENABLED/);
  });

  it('gives new users the workload scopes unless SIGNUP_SCOPES says otherwise, never admin', () => {
    expect([...parseEnv({}).signupScopes].sort()).toEqual(['backends:read', 'devices:read', 'devices:write', 'pair:start', 'runs:cancel', 'runs:read', 'runs:submit', 'sessions:read', 'sessions:write']);
    expect(parseEnv({ SIGNUP_SCOPES: 'runs:read, sessions:read' }).signupScopes).toEqual(['runs:read', 'sessions:read']);
    expect(() => parseEnv({ SIGNUP_SCOPES: 'runs:read root' })).toThrow(/SIGNUP_SCOPES: unknown scope root/);
    expect(() => parseEnv({ SIGNUP_SCOPES: 'admin' })).toThrow(/SIGNUP_SCOPES: admin/);
  });

  it('reads SECRETS_KEY as 32 bytes of hex or base64', () => {
    expect(parseEnv({}).secretsKey).toBeUndefined();
    expect(parseEnv({ SECRETS_KEY: 'ab'.repeat(32) }).secretsKey).toEqual(Buffer.alloc(32, 0xab));
    expect(parseEnv({ SECRETS_KEY: Buffer.alloc(32, 7).toString('base64') }).secretsKey).toEqual(Buffer.alloc(32, 7));
    expect(() => parseEnv({ SECRETS_KEY: 'too-short' })).toThrow(/SECRETS_KEY: must be 32 bytes/);
  });

  it('runs every role in one process unless ROLE says web or worker, which need a shared Postgres', () => {
    const pg = { DATABASE_URL: 'postgres://u@127.0.0.1/db' };
    expect(parseEnv({}).role).toBe('all');
    expect(parseEnv({ ROLE: '' }).role).toBe('all');
    expect(parseEnv({ ...pg, ROLE: 'web' }).role).toBe('web');
    expect(parseEnv({ ...pg, ROLE: 'Worker' }).role).toBe('worker');
    expect(() => parseEnv({ ...pg, ROLE: 'both' })).toThrow(/ROLE: must be all, web or worker/);
    expect(() => parseEnv({ ROLE: 'worker' })).toThrow(/ROLE=worker needs DATABASE_URL: the embedded database admits one process/);
  });

  it('leases work for WORK_LEASE_SECONDS, 15 by default and never under 2', () => {
    expect(parseEnv({}).workLeaseSeconds).toBe(15);
    expect(parseEnv({ WORK_LEASE_SECONDS: '3' }).workLeaseSeconds).toBe(3);
    expect(() => parseEnv({ WORK_LEASE_SECONDS: '1' })).toThrow(/WORK_LEASE_SECONDS/);
    expect(() => parseEnv({ WORK_LEASE_SECONDS: 'soon' })).toThrow(/WORK_LEASE_SECONDS/);
  });

  it('drains for DRAIN_TIMEOUT_SECONDS on SIGTERM, 10 by default', () => {
    expect(parseEnv({}).drainTimeoutMs).toBe(10_000);
    expect(parseEnv({ DRAIN_TIMEOUT_SECONDS: '0' }).drainTimeoutMs).toBe(0);
    expect(() => parseEnv({ DRAIN_TIMEOUT_SECONDS: '-1' })).toThrow(/DRAIN_TIMEOUT_SECONDS/);
  });
});
