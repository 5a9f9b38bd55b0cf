import type { ORPCMeta } from '@orpc/trpc';

type Method = 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';

export interface RestOptions {
  /** Success status; 200 unless the dialect documents 201, 202 or 204. */
  status?: number;
  summary?: string;
  description?: string;
  /** `detailed` input gives the procedure `{params, query, headers, body}` instead of one merged object. */
  input?: 'compact' | 'detailed';
  /** `detailed` output lets the procedure return `{status, headers, body}` (cookies, downloads). */
  output?: 'compact' | 'detailed';
  /** The route streams Server-Sent Events (documented as `text/event-stream`). */
  sse?: boolean;
  /** The route answers a file of this media type (documented as binary). */
  download?: string;
}

type Operation = Record<string, unknown> & { responses?: Record<string, unknown> };

function documentBody(status: number, description: string, mediaType: string, schema: Record<string, unknown>) {
  return (op: Operation): Operation => ({
    ...op,
    responses: { ...op.responses, [String(status)]: { description, content: { [mediaType]: { schema } } } },
  });
}

/** The `meta` that exposes a procedure at a documented REST path. */
export function rest(tag: string, method: Method, path: `/${string}`, opts: RestOptions = {}): ORPCMeta {
  return {
    route: {
      method,
      path,
      tags: [tag],
      successStatus: opts.status ?? 200,
      summary: opts.summary,
      description: opts.description,
      inputStructure: opts.input ?? 'compact',
      outputStructure: opts.output ?? 'compact',
      ...(opts.sse
        ? { spec: documentBody(200, 'Server-Sent Events; every frame carries `id: <seq>`', 'text/event-stream', { type: 'string' }) }
        : opts.download
          ? { spec: documentBody(opts.status ?? 200, 'The file', opts.download, { type: 'string', format: 'binary' }) }
          : {}),
    },
  } as ORPCMeta;
}
