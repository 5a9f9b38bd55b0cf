/**
 * The only reader of process.env. Everything the server can be configured with is declared here,
 * validated once, and handed around as a typed object so a typo fails at start with a clear message
 * instead of surfacing as `undefined` deep inside a request.
 */
import net from 'node:net';
import path from 'node:path';
import { z } from 'zod';
import { providerOfBackend } from './api/dialects/echohelix/shapes/backends';
import { isScope, USER_SCOPES, type Scope } from './auth/scopes';

const LOOPBACK_NAMES = new Set(['localhost', '::1']);

const flag = z
  .enum(['1', '0', 'true', 'false', 'yes', 'no', 'on', 'off', ''])
  .optional()
  .transform((v) => v === '1' || v === 'true' || v === 'yes' || v === 'on');

const optionalString = z
  .string()
  .optional()
  .transform((v) => (v && v.trim() !== '' ? v.trim() : undefined));

const rawSchema = z.object({
  PORT: z.coerce.number().int().min(0).max(65535).default(8787),
  HOST: z.string().min(1).default('127.0.0.1'),
  DATA_DIR: z.string().min(1).default('./data'),
  DATABASE_URL: optionalString.refine((v) => !v || /^postgres(ql)?:\/\//.test(v), {
    message: 'must be a postgres:// or postgresql:// URL',
  }),
  ADMIN_TOKEN: optionalString,
  // The dialects' own names for the bootstrap token; any one of them may be set instead of ADMIN_TOKEN.
  BRIDGE_AUTH_TOKEN: optionalString,
  HARNESS_AUTH_TOKEN: optionalString,
  AEGIS_AUTH_TOKEN: optionalString,
  AUTOPACK_API_KEY: optionalString,
  WORKSPACE_ROOTS: optionalString,
  MAX_UPLOAD_BYTES: z.coerce.number().int().positive().default(25 * 1024 * 1024),
  AUTH_DISABLED: flag,
  AUTH_SECRET: optionalString.refine((v) => !v || v.length >= 32, { message: 'must be at least 32 characters' }),
  PUBLIC_URL: optionalString.refine((v) => !v || /^https?:\/\//.test(v), { message: 'must be an http(s) URL' }),
  // Closed unless opened deliberately: a new user may submit work, which is close to having a shell.
  SIGNUP_ENABLED: flag,
  SIGNUP_SCOPES: optionalString,
  SECRETS_KEY: optionalString,
  GITHUB_CLIENT_ID: optionalString,
  GITHUB_CLIENT_SECRET: optionalString,
  GOOGLE_CLIENT_ID: optionalString,
  GOOGLE_CLIENT_SECRET: optionalString,
  OIDC_ISSUER: optionalString,
  OIDC_CLIENT_ID: optionalString,
  OIDC_CLIENT_SECRET: optionalString,
  OIDC_NAME: optionalString,
  AUTOPACK_ENABLE_PHASE6_METRICS: flag,
  AUTOPACK_ENABLE_CONSOLIDATED_METRICS: flag,
  NODE_ENV: z.string().optional(),
  DAILY_TOKEN_QUOTA: optionalString.refine((v) => !v || /^\s*[\w.-]+:\d+\s*(,\s*[\w.-]+:\d+\s*)*$/.test(v), {
    message: 'must look like backend:limit,backend:limit (e.g. openai:200000,scripted:1000)',
  }),
  DEFAULT_MODEL: optionalString,
  APPROVAL_TIMEOUT_SECONDS: z.coerce.number().int().positive().default(1800),
  APPROVAL_TIMEOUT_DECISION: z.enum(['deny', 'approve']).default('deny'),
  BASH_TIMEOUT_MS: z.coerce.number().int().positive().default(120_000),
  TOOL_OUTPUT_CAP_BYTES: z.coerce.number().int().positive().default(64 * 1024),
  MAX_ACTIVE_WORK_PER_OWNER: z.coerce.number().int().positive().default(4),
  LOG_LEVEL: z.enum(['debug', 'info', 'warn', 'error', 'silent']).default('info'),
  SWITCHBOARD_NO_DASHBOARD: flag,
  ALLOWED_HOSTS: optionalString,
  RATE_LIMIT_REQUESTS_PER_MINUTE: z.coerce.number().int().min(0).default(600),
  RATE_LIMIT_ANONYMOUS_PER_MINUTE: z.coerce.number().int().min(0).default(600),
  RATE_LIMIT_SIGN_IN_FAILURES_PER_ACCOUNT: z.coerce.number().int().min(0).default(20),
  RATE_LIMIT_SIGN_IN_ATTEMPTS_PER_IP: z.coerce.number().int().min(0).default(100),
  RATE_LIMIT_PAIR_STARTS_PER_MINUTE: z.coerce.number().int().min(0).default(10),
  // Only `off` turns the sandbox off: anything unclear keeps it on rather than silently running unconfined.
  SANDBOX: z.enum(['on', 'off', '']).optional(),
  ROLE: z
    .string()
    .optional()
    .transform((v) => (v ?? '').trim().toLowerCase() || 'all')
    .pipe(z.enum(['all', 'web', 'worker'], { message: 'must be all, web or worker' })),
  // At least 2 s: the lease is renewed well inside its length, and a shorter one would expire under a slow query.
  WORK_LEASE_SECONDS: z.coerce.number().int().min(2).default(15),
  DRAIN_TIMEOUT_SECONDS: z.coerce.number().int().min(0).default(10),
});

/**
 * What a process does in a scale-out set: `web` serves HTTP (API, streams, dashboard) and dispatches
 * work without executing it, `worker` executes work and serves no API, `all` does both.
 */
export type Role = 'all' | 'web' | 'worker';

/** A host a request may be addressed to; without a port, any port. */
export interface AllowedHost {
  hostname: string;
  port?: string;
}

/** Requests per minute; 0 switches a limit off. */
export interface RateLimits {
  /** Every request of one authenticated principal (admin token, user, key, device). */
  perPrincipal: number;
  /** Every request without a valid credential, per client IP. */
  anonymousPerIp: number;
  /** Failed sign-ins (password or token) against one account, from anywhere. */
  signInFailuresPerAccount: number;
  /** Failed sign-ins and every registration from one client IP, whatever the account. */
  signInAttemptsPerIp: number;
  /** Device pairings one principal may start (each is a live pair code). */
  pairStartsPerPrincipal: number;
}

export interface OAuthProviderConfig {
  id: 'github' | 'google' | 'oidc';
  name: string;
  clientId: string;
  clientSecret: string;
  issuer?: string;
}

export interface Env {
  port: number;
  host: string;
  dataDir: string;
  databaseUrl: string | undefined;
  /** The bootstrap admin token from the environment, if any (else one is generated under dataDir). */
  adminToken: string | undefined;
  workspaceRoots: string[];
  maxUploadBytes: number;
  authDisabled: boolean;
  authSecret: string | undefined;
  publicUrl: string;
  signupEnabled: boolean;
  /** What a user who is not an admin may do (SIGNUP_SCOPES; the workload scopes by default). */
  signupScopes: readonly Scope[];
  /** The 32-byte key everything encrypted at rest is sealed with; generated under dataDir when unset. */
  secretsKey: Buffer | undefined;
  oauthProviders: OAuthProviderConfig[];
  killSwitches: { phase6Metrics: boolean; consolidatedMetrics: boolean };
  logLevel: 'debug' | 'info' | 'warn' | 'error' | 'silent';
  /** Next.js in development mode (hot reload) instead of the production build. */
  dev: boolean;
  /** Serve the dashboard (Next.js); off for an API-only process, which then starts without building or loading Next. */
  serveDashboard: boolean;
  /** Host names (besides loopback and PUBLIC_URL's) that requests may be addressed to. */
  allowedHosts: AllowedHost[];
  rateLimits: RateLimits;
  /**
   * Tokens per provider per UTC day; providers not listed are unlimited. DAILY_TOKEN_QUOTA is
   * EchoHelix's variable, so its names are EchoHelix's (`claude` is the `claude-code` provider).
   */
  dailyTokenQuota: Map<string, number>;
  bashTimeoutMs: number;
  toolOutputCapBytes: number;
  /** How long a tool call waits for a human, and what an unanswered one becomes. */
  approvalTimeoutMs: number;
  approvalTimeoutDecision: 'deny' | 'approve';
  /** Runs and turns one non-admin owner may have active at once; the admin is not capped. */
  maxActiveWorkPerOwner: number;
  /** Run agent commands under bubblewrap (default). Off only when the admin set SANDBOX=off. */
  sandboxEnabled: boolean;
  /** The raw environment, for backend discovery (API keys, CLIs on PATH); discovered CLI agents inherit it. */
  backendEnv: Record<string, string | undefined>;
  /**
   * The environment the server was started with, as given: what the processes the engine starts
   * (the agent's shell) inherit, minus what each of them removes.
   */
  processEnv: Record<string, string | undefined>;
  role: Role;
  /** How long a process's claim on a run or turn lasts unless renewed; a dead worker's work is taken over after it. */
  workLeaseSeconds: number;
  /** How long SIGTERM waits for work in progress to reach a step boundary and be handed back. */
  drainTimeoutMs: number;
}

export class EnvError extends Error {
  constructor(public readonly problems: string[]) {
    super(`Invalid configuration:\n${problems.map((p) => `  - ${p}`).join('\n')}`);
    this.name = 'EnvError';
  }
}

/**
 * Exactly a loopback name or address (IPv6 without brackets). A DNS name that merely starts with
 * `127.` or `localhost` can point anywhere, so only IPv4 literals count for 127.0.0.0/8.
 */
export function isLoopbackHost(host: string): boolean {
  const name = host.toLowerCase();
  return LOOPBACK_NAMES.has(name) || (net.isIPv4(name) && name.startsWith('127.'));
}

const HOST_PATTERN = /^(\[[0-9a-f:.]+\]|[a-z0-9-]+(?:\.[a-z0-9-]+)*)(?::(\d{1,5}))?$/i;

/** `name`, `name:port`, `[v6]` or `[v6]:port`, as a Host header carries it; undefined if malformed. */
export function parseHostHeader(value: string): AllowedHost | undefined {
  if (value.length > 300) return undefined;
  const match = HOST_PATTERN.exec(value.trim());
  if (!match) return undefined;
  const hostname = match[1]!.toLowerCase().replace(/^\[(.*)\]$/, '$1');
  if (match[1]!.startsWith('[') && !net.isIPv6(hostname)) return undefined;
  const port = match[2];
  if (port !== undefined && Number(port) > 65535) return undefined;
  return port === undefined ? { hostname } : { hostname, port };
}

function allowedHosts(raw: string | undefined, problems: string[]): AllowedHost[] {
  const hosts: AllowedHost[] = [];
  for (const entry of (raw ?? '').split(',').map((h) => h.trim()).filter(Boolean)) {
    const host = parseHostHeader(entry);
    if (host) hosts.push(host);
    else problems.push(`ALLOWED_HOSTS: "${entry}" is not a host name with an optional port (e.g. switchboard.internal:8787)`);
  }
  return hosts;
}

function signupScopes(raw: string | undefined, problems: string[]): Scope[] {
  if (raw === undefined) return [...USER_SCOPES];
  const names = raw.split(/[\s,]+/).filter(Boolean);
  const unknown = names.filter((n) => !isScope(n));
  if (unknown.length) problems.push(`SIGNUP_SCOPES: unknown scope ${unknown.join(', ')}`);
  // Admin is granted by the bootstrap token holder, never by signing up.
  if (names.includes('admin')) problems.push('SIGNUP_SCOPES: admin cannot be granted by sign-up');
  return [...new Set(names.filter(isScope))];
}

/** A 32-byte key given as 64 hex digits or as base64 / base64url. */
function secretsKey(raw: string | undefined, problems: string[]): Buffer | undefined {
  if (raw === undefined) return undefined;
  const key = /^[0-9a-f]{64}$/i.test(raw) ? Buffer.from(raw, 'hex') : Buffer.from(raw, /[-_]/.test(raw) ? 'base64url' : 'base64');
  if (key.length !== 32) {
    problems.push('SECRETS_KEY: must be 32 bytes, as 64 hex digits or base64 (e.g. `openssl rand -base64 32`)');
    return undefined;
  }
  return key;
}

function oauthProviders(raw: z.infer<typeof rawSchema>, problems: string[]): OAuthProviderConfig[] {
  const providers: OAuthProviderConfig[] = [];
  const pair = (id: OAuthProviderConfig['id'], name: string, clientId?: string, secret?: string, issuer?: string) => {
    if (!clientId && !secret) return;
    if (!clientId || !secret) {
      problems.push(`${id.toUpperCase()}_CLIENT_ID and ${id.toUpperCase()}_CLIENT_SECRET must be set together`);
      return;
    }
    providers.push({ id, name, clientId, clientSecret: secret, issuer });
  };
  pair('github', 'GitHub', raw.GITHUB_CLIENT_ID, raw.GITHUB_CLIENT_SECRET);
  pair('google', 'Google', raw.GOOGLE_CLIENT_ID, raw.GOOGLE_CLIENT_SECRET);
  if (raw.OIDC_CLIENT_ID || raw.OIDC_CLIENT_SECRET || raw.OIDC_ISSUER) {
    if (!raw.OIDC_ISSUER) problems.push('OIDC_ISSUER is required when OIDC_CLIENT_ID is set');
    else pair('oidc', raw.OIDC_NAME ?? 'Single sign-on', raw.OIDC_CLIENT_ID, raw.OIDC_CLIENT_SECRET, raw.OIDC_ISSUER);
  }
  return providers;
}

export function parseEnv(source: Record<string, string | undefined> = process.env): Env {
  const parsed = rawSchema.safeParse(source);
  if (!parsed.success) {
    throw new EnvError(parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`));
  }
  const raw = parsed.data;
  const problems: string[] = [];
  const dataDir = path.resolve(raw.DATA_DIR);
  const workspaceRoots = (raw.WORKSPACE_ROOTS ?? path.join(dataDir, 'workspaces'))
    .split(/[,:]/)
    .map((p) => p.trim())
    .filter(Boolean)
    .map((p) => path.resolve(p));

  const aliases = [raw.ADMIN_TOKEN, raw.BRIDGE_AUTH_TOKEN, raw.HARNESS_AUTH_TOKEN, raw.AEGIS_AUTH_TOKEN, raw.AUTOPACK_API_KEY];
  const adminTokens = [...new Set(aliases.filter((t): t is string => !!t))];
  if (adminTokens.length > 1) {
    problems.push('ADMIN_TOKEN and its aliases (BRIDGE_AUTH_TOKEN, HARNESS_AUTH_TOKEN, AEGIS_AUTH_TOKEN, AUTOPACK_API_KEY) disagree; set one');
  }
  if (adminTokens[0] !== undefined && adminTokens[0].length < 16) {
    problems.push('ADMIN_TOKEN must be at least 16 characters');
  }
  if (raw.AUTH_DISABLED && !isLoopbackHost(raw.HOST)) {
    problems.push(`AUTH_DISABLED=1 is refused unless HOST is a loopback address (HOST is ${raw.HOST})`);
  }
  const providers = oauthProviders(raw, problems);
  const hosts = allowedHosts(raw.ALLOWED_HOSTS, problems);
  const scopesForSignup = signupScopes(raw.SIGNUP_SCOPES, problems);
  const sealingKey = secretsKey(raw.SECRETS_KEY, problems);
  if (raw.ROLE !== 'all' && !raw.DATABASE_URL) {
    problems.push(
      `ROLE=${raw.ROLE} needs DATABASE_URL: the embedded database admits one process, so web and worker processes must share a Postgres server (without one, use ROLE=all)`,
    );
  }
  if (problems.length) throw new EnvError(problems);

  const shownHost = raw.HOST === '0.0.0.0' || raw.HOST === '::' ? '127.0.0.1' : raw.HOST;
  return {
    port: raw.PORT,
    host: raw.HOST,
    dataDir,
    databaseUrl: raw.DATABASE_URL,
    adminToken: adminTokens[0],
    workspaceRoots,
    maxUploadBytes: raw.MAX_UPLOAD_BYTES,
    authDisabled: raw.AUTH_DISABLED,
    authSecret: raw.AUTH_SECRET,
    publicUrl: raw.PUBLIC_URL ?? `http://${shownHost.includes(':') ? `[${shownHost}]` : shownHost}:${raw.PORT}`,
    signupEnabled: raw.SIGNUP_ENABLED,
    signupScopes: scopesForSignup,
    secretsKey: sealingKey,
    oauthProviders: providers,
    killSwitches: {
      phase6Metrics: raw.AUTOPACK_ENABLE_PHASE6_METRICS,
      consolidatedMetrics: raw.AUTOPACK_ENABLE_CONSOLIDATED_METRICS,
    },
    logLevel: raw.LOG_LEVEL,
    dev: raw.NODE_ENV === 'development',
    serveDashboard: !raw.SWITCHBOARD_NO_DASHBOARD,
    allowedHosts: hosts,
    rateLimits: {
      perPrincipal: raw.RATE_LIMIT_REQUESTS_PER_MINUTE,
      anonymousPerIp: raw.RATE_LIMIT_ANONYMOUS_PER_MINUTE,
      signInFailuresPerAccount: raw.RATE_LIMIT_SIGN_IN_FAILURES_PER_ACCOUNT,
      signInAttemptsPerIp: raw.RATE_LIMIT_SIGN_IN_ATTEMPTS_PER_IP,
      pairStartsPerPrincipal: raw.RATE_LIMIT_PAIR_STARTS_PER_MINUTE,
    },
    dailyTokenQuota: new Map(
      (raw.DAILY_TOKEN_QUOTA ?? '')
        .split(',')
        .map((pair) => pair.trim())
        .filter(Boolean)
        .map((pair) => {
          const [backend, limit] = pair.split(':') as [string, string];
          return [providerOfBackend(backend), Number(limit)] as const;
        }),
    ),
    bashTimeoutMs: raw.BASH_TIMEOUT_MS,
    approvalTimeoutMs: raw.APPROVAL_TIMEOUT_SECONDS * 1000,
    maxActiveWorkPerOwner: raw.MAX_ACTIVE_WORK_PER_OWNER,
    approvalTimeoutDecision: raw.APPROVAL_TIMEOUT_DECISION,
    toolOutputCapBytes: raw.TOOL_OUTPUT_CAP_BYTES,
    sandboxEnabled: raw.SANDBOX !== 'off',
    backendEnv: { ...source, DEFAULT_MODEL: raw.DEFAULT_MODEL },
    processEnv: { ...source },
    role: raw.ROLE,
    workLeaseSeconds: raw.WORK_LEASE_SECONDS,
    drainTimeoutMs: raw.DRAIN_TIMEOUT_SECONDS * 1000,
  };
}
