/** Stands in for the server's request context (server/api/context.ts) in the bundled declarations: a client never sees it. */
export type Context = object;
