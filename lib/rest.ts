/**
 * The few REST calls the dashboard makes: password sign-in, registration and sign-out live on the
 * REST face because that is where the server sets and clears the session cookie for them.
 */

export class RestError extends Error {
  constructor(
    message: string,
    readonly status: number,
  ) {
    super(message);
    this.name = 'RestError';
  }
}

/** Every REST error is the server's envelope `{error, code, ...}`; anything else gets a plain message. */
async function failure(response: Response): Promise<RestError> {
  let message = `Request failed (HTTP ${response.status})`;
  try {
    const body = (await response.json()) as { error?: unknown; detail?: unknown };
    if (typeof body.error === 'string' && body.error) message = body.error;
    else if (typeof body.detail === 'string' && body.detail) message = body.detail;
  } catch {
    // Not JSON: keep the status-based message.
  }
  return new RestError(message, response.status);
}

export async function postJson(path: string, body?: unknown): Promise<void> {
  let response: Response;
  try {
    response = await fetch(path, {
      method: 'POST',
      credentials: 'same-origin',
      headers: body === undefined ? undefined : { 'content-type': 'application/json' },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
  } catch {
    throw new RestError('Could not reach the server. Check that it is running and try again.', 0);
  }
  if (!response.ok) throw await failure(response);
}
