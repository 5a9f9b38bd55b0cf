import { createTRPCClient, httpLink } from '@trpc/client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { AppRouter } from '@/server/api/root';
import { adminPrincipal } from '@/server/auth/principal';
import { startTestServer, type TestServer } from '@/server/testing/harness';
import { listModels } from './list-models';
import { DEFAULT_MODEL_POLICY, getModelPolicy, updateModelPolicy } from './model-policy';

const admin = adminPrincipal();
let s: TestServer;
beforeAll(async () => {
  s = await startTestServer();
});
afterAll(() => s.close());

const post = (json: unknown) => s.fetch('/v1/model-policy', { method: 'POST', token: s.adminToken, json });

describe('POST /v1/model-policy', () => {
  it('merges concurrent partial updates of different fields: every one lands', async () => {
    await updateModelPolicy(s.services, admin, DEFAULT_MODEL_POLICY);
    // Started together, every read of a read-modify-write would see the same old policy.
    await Promise.all([
      updateModelPolicy(s.services, admin, { require_tools: true }),
      updateModelPolicy(s.services, admin, { max_cost_usd: 7 }),
      updateModelPolicy(s.services, admin, { require_vision: true }),
      updateModelPolicy(s.services, admin, { preferred_models: ['scripted:default'] }),
    ]);
    expect(await getModelPolicy(s.services, admin, {})).toEqual({ require_tools: true, require_vision: true, max_cost_usd: 7, preferred_models: ['scripted:default'] });
  });

  it('keeps the fields a patch leaves out, and refuses a bad field without touching the rest', async () => {
    await updateModelPolicy(s.services, admin, { max_cost_usd: 3, preferred_models: [] });
    expect(await (await post({ max_cost_usd: null })).json()).toMatchObject({ max_cost_usd: null, require_tools: true });
    const bad = await post({ max_cost_usd: -1 });
    expect(bad.status).toBe(400);
    expect(((await bad.json()) as { error: string }).error).toContain('max_cost_usd');
    expect(await getModelPolicy(s.services, admin, {})).toMatchObject({ max_cost_usd: null, require_tools: true });
  });
});

describe('GET /v1/models and models.list', () => {
  it('list every model once, the server default flagged', async () => {
    const catalogue = await listModels(s.services, admin, {});
    expect(catalogue.models.filter((m) => m.isDefault).map((m) => m.ref)).toEqual([catalogue.defaultModel]);
    expect(catalogue.models.find((m) => m.ref === 'scripted:default')).toMatchObject({ provider: 'scripted', model: 'default', kind: 'api' });
    const agentd = (await (await s.fetch('/v1/models', { token: s.adminToken })).json()) as { models: Array<{ id: string; is_default: boolean }> };
    expect(agentd.models.map((m) => [m.id, m.is_default])).toEqual(catalogue.models.map((m) => [m.ref, m.isDefault]));
    const client = createTRPCClient<AppRouter>({ links: [httpLink({ url: `${s.url}/api/trpc`, headers: { authorization: `Bearer ${s.adminToken}` } })] });
    expect(await client.models.list.query()).toEqual(catalogue);
  });
});
