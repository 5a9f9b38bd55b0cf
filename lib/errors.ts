/** Turns whatever a failed call threw into one sentence a person can act on. */
import { TRPCClientError } from '@trpc/client';

interface Issue {
  path?: PropertyKey[];
  message?: string;
}

/** Input validation errors arrive as the JSON list of zod issues; show the first one readably. */
function firstIssue(message: string): string | undefined {
  if (!message.startsWith('[')) return undefined;
  try {
    const issues = JSON.parse(message) as Issue[];
    const issue = issues[0];
    if (!issue?.message) return undefined;
    const field = issue.path?.length ? `${issue.path.map(String).join('.')}: ` : '';
    return `${field}${issue.message}`;
  } catch {
    return undefined;
  }
}

/** Server messages are lower-case fragments ("that token is not valid"); shown alone they read as sentences. */
function sentence(message: string): string {
  return message.charAt(0).toUpperCase() + message.slice(1);
}

export function errorMessage(error: unknown, fallback = 'Something went wrong. Please try again.'): string {
  if (error instanceof TRPCClientError) {
    // No error shape means the request never got an answer from the API.
    if (!error.shape) return 'Could not reach the server. Check that it is running and try again.';
    return sentence(firstIssue(error.message) ?? (error.message || fallback));
  }
  if (error instanceof Error && error.message) return sentence(error.message);
  return fallback;
}
