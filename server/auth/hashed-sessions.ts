/**
 * better-auth keeps a session's bearer token in the `session.token` column as it is. This wraps its
 * database adapter so the column holds only a keyed hash: tokens are hashed on the way in (writes
 * and lookups alike) and a row found by a token is handed back with the token the caller presented.
 * better-auth itself (cookies, get-session, sign-out, OAuth callbacks) works unchanged, and a copy
 * of the database opens no session.
 */
import type { BetterAuthOptions } from 'better-auth';
import type { DBAdapter } from '@better-auth/core/db/adapter';

type Where = { field: string; value: unknown; operator?: string };
type Row = Record<string, unknown> | null;
type Adapter = DBAdapter<BetterAuthOptions>;
type TransactionAdapter = Omit<Adapter, 'transaction'>;

const SESSION_MODEL = 'session';
const TOKEN_FIELD = 'token';

export function hashSessionTokens(
  inner: (options: BetterAuthOptions) => Adapter,
  hashToken: (token: string) => string,
): (options: BetterAuthOptions) => Adapter {
  return (options) => {
    const base = inner(options);
    return { ...wrap(base, hashToken), transaction: (callback) => base.transaction((trx) => callback(wrap(trx, hashToken) as never)) } as Adapter;
  };
}

function wrap<A extends TransactionAdapter>(adapter: A, hashToken: (token: string) => string): A {
  const hashValue = (value: unknown): unknown =>
    typeof value === 'string' ? hashToken(value) : Array.isArray(value) ? value.map((v) => (typeof v === 'string' ? hashToken(v) : v)) : value;

  /** The where clause with token values hashed, and the presented tokens by their hash (to hand back). */
  const translate = (model: string, where: Where[] | undefined) => {
    const presented = new Map<string, string>();
    if (model !== SESSION_MODEL || !where) return { where, presented };
    const hashed = where.map((clause) => {
      if (clause.field !== TOKEN_FIELD) return clause;
      const values = Array.isArray(clause.value) ? clause.value : [clause.value];
      for (const v of values) if (typeof v === 'string') presented.set(hashToken(v), v);
      return { ...clause, value: hashValue(clause.value) };
    });
    return { where: hashed, presented };
  };

  const restore = <T>(row: T, presented: Map<string, string>): T => {
    const record = row as Row;
    if (!record || typeof record[TOKEN_FIELD] !== 'string') return row;
    const raw = presented.get(record[TOKEN_FIELD] as string);
    return (raw ? { ...record, [TOKEN_FIELD]: raw } : row) as T;
  };

  const hashData = (model: string, data: Record<string, unknown>) =>
    model === SESSION_MODEL && typeof data[TOKEN_FIELD] === 'string' ? { ...data, [TOKEN_FIELD]: hashToken(data[TOKEN_FIELD] as string) } : data;

  type Args = { model: string; where?: Where[]; data?: Record<string, unknown>; update?: Record<string, unknown> };
  const withWhere =
    <F extends (args: never) => Promise<unknown>>(fn: F, restoreRows: 'one' | 'many' | 'none') =>
    (async (args: Args) => {
      const { where, presented } = translate(args.model, args.where);
      const update = args.update ? hashData(args.model, args.update) : undefined;
      const result = await (fn as unknown as (a: Args) => Promise<unknown>)({ ...args, ...(where ? { where } : {}), ...(update ? { update } : {}) });
      if (restoreRows === 'one') return restore(result, presented);
      if (restoreRows === 'many') return (result as unknown[]).map((r) => restore(r, presented));
      return result;
    }) as unknown as F;

  return {
    ...adapter,
    create: (async (args: { model: string; data: Record<string, unknown> }) => {
      const created = await (adapter.create as (a: unknown) => Promise<Row>)({ ...args, data: hashData(args.model, args.data) });
      const raw = args.data[TOKEN_FIELD];
      // The caller (better-auth, then its cookie) gets the token it generated; the row keeps the hash.
      return args.model === SESSION_MODEL && created && typeof raw === 'string' ? { ...created, [TOKEN_FIELD]: raw } : created;
    }) as A['create'],
    findOne: withWhere(adapter.findOne.bind(adapter), 'one'),
    findMany: withWhere(adapter.findMany.bind(adapter), 'many'),
    count: withWhere(adapter.count.bind(adapter), 'none'),
    update: withWhere(adapter.update.bind(adapter), 'one'),
    updateMany: withWhere(adapter.updateMany.bind(adapter), 'none'),
    delete: withWhere(adapter.delete.bind(adapter), 'none'),
    deleteMany: withWhere(adapter.deleteMany.bind(adapter), 'none'),
    consumeOne: withWhere(adapter.consumeOne.bind(adapter), 'one'),
    incrementOne: withWhere(adapter.incrementOne.bind(adapter), 'one'),
  };
}
