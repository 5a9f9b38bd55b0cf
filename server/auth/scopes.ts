/**
 * One scope vocabulary for every dialect. EchoHelix's and Aegis's scopes are used as they are;
 * `admin` stands above all of them.
 */
export const SCOPES = [
  'runs:submit',
  'runs:read',
  'runs:cancel',
  'backends:read',
  'devices:read',
  'devices:write',
  'pair:start',
  'sessions:read',
  'sessions:write',
  'keys:write',
  'admin',
] as const;

export type Scope = (typeof SCOPES)[number];

export function isScope(value: string): value is Scope {
  return (SCOPES as readonly string[]).includes(value);
}

/**
 * What a signed-in user who is not an admin may do: run and watch work, and pair devices that act
 * for them (never beyond what the user may do), not manage the server.
 */
export const USER_SCOPES: readonly Scope[] = [
  'runs:submit',
  'runs:read',
  'runs:cancel',
  'backends:read',
  'sessions:read',
  'sessions:write',
  'pair:start',
  'devices:read',
  'devices:write',
];

/**
 * What every signed-in user holds whatever SIGNUP_SCOPES says: managing their own API keys. A key
 * holds it only when it was given it explicitly.
 */
export const ACCOUNT_SCOPES: readonly Scope[] = ['keys:write'];

export function hasScope(granted: ReadonlySet<Scope>, needed: Scope): boolean {
  return granted.has(needed) || granted.has('admin');
}

/** better-auth stores key permissions as statements: `sessions:read` becomes `{sessions: ["read"]}`. */
export function scopesToStatements(scopes: readonly Scope[]): Record<string, string[]> {
  const statements: Record<string, string[]> = {};
  for (const scope of scopes) {
    const [resource, action = '*'] = scope.split(':') as [string, string?];
    (statements[resource] ??= []).push(action);
  }
  return statements;
}

export function statementsToScopes(statements: Record<string, string[]> | null | undefined): Scope[] {
  if (!statements) return [];
  const scopes: Scope[] = [];
  for (const [resource, actions] of Object.entries(statements)) {
    for (const action of actions) {
      const scope = action === '*' ? resource : `${resource}:${action}`;
      if (isScope(scope)) scopes.push(scope);
    }
  }
  return scopes;
}
