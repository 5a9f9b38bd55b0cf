/** Stands in for `ORPCMeta` (the server's REST exposure metadata) in the bundled declarations: a client never sees it. */
export type ORPCMeta = Record<string, unknown>;
