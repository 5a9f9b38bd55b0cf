import { chmodSync, mkdirSync, mkdtempSync, realpathSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { writeFakeCli } from './cli/fake-cli';
import { unsandboxed } from '../tools/test-support';
import { createRegistry, discoverBackends as discoverIn, parseModelRef } from './registry';
import { createScriptedBackend } from './scripted/scripted';
import { collect, request, textOf, user } from './shared/testing';

const discoverBackends = (env: Record<string, string | undefined>) => discoverIn(env, unsandboxed);

let bin1: string;
let bin2: string;
let empty: string;
beforeAll(() => {
  const root = realpathSync(mkdtempSync(path.join(tmpdir(), 'registry-path-')));
  bin1 = path.join(root, 'bin1');
  bin2 = path.join(root, 'bin2');
  empty = path.join(root, 'empty');
  for (const d of [bin1, bin2, empty]) mkdirSync(d);
  writeFakeCli(bin1, 'claude', {
    ok: ['{"type":"assistant","message":{"content":[{"type":"text","text":"from fake claude"}]},"parent_tool_use_id":null}', '{"type":"result","subtype":"success","is_error":false,"result":"from fake claude","usage":{"input_tokens":1,"output_tokens":2}}'],
    fail: { stdout: [], stderr: '', code: 1 },
    slow: [],
  });
  writeFakeCli(bin2, 'codex', { ok: [], fail: { stdout: [], stderr: '', code: 1 }, slow: [] });
  // Present but not executable, and a directory with a CLI's name: neither counts.
  writeFileSync(path.join(bin2, 'gemini'), '#!/bin/sh\n');
  chmodSync(path.join(bin2, 'gemini'), 0o644);
  mkdirSync(path.join(bin1, 'gemini'));
});

const providers = (env: Record<string, string | undefined>) => discoverBackends(env).list().map((b) => b.provider);

describe('discoverBackends', () => {
  it('always has scripted, and defaults to it when nothing else is configured', () => {
    const registry = discoverBackends({ PATH: empty });
    expect(registry.list().map((b) => b.provider)).toEqual(['scripted']);
    expect(registry.defaultModelRef()).toBe('scripted:default');
    expect(registry.resolve('scripted:default').model).toBe('default');
    expect(registry.warnings).toEqual([]);
  });

  it('finds CLI agents on PATH only when executable', () => {
    expect(providers({ PATH: [bin1, bin2, '/nonexistent'].join(path.delimiter) })).toEqual(['scripted', 'claude-code', 'codex']);
    expect(providers({ PATH: bin2 })).toEqual(['scripted', 'codex']);
    expect(providers({})).toEqual(['scripted']);
  });

  it('runs a discovered CLI from the path it was found at', async () => {
    // The CLI inherits the environment it was discovered in, so that PATH must also find `node` for the fake.
    const registry = discoverBackends({ PATH: [bin1, path.dirname(process.execPath)].join(path.delimiter) });
    const { backend, model, info } = registry.resolve('claude-code:sonnet');
    expect(model).toBe('sonnet');
    expect(info.ref).toBe('claude-code:sonnet');
    const events = await collect(backend.call(request([user('hi')], { model, workspacePath: bin1 })));
    expect(textOf(events)).toBe('from fake claude');
    // CLI agents are never the implicit default.
    expect(registry.defaultModelRef()).toBe('scripted:default');
  });

  it('adds openai for a key or a base URL, with OPENAI_MODELS', () => {
    expect(discoverBackends({ OPENAI_API_KEY: 'sk-x' }).resolve('openai:gpt-4o-mini').info.pricing).toEqual({ inputPerMTok: 0.15, outputPerMTok: 0.6 });
    const local = discoverBackends({ OPENAI_BASE_URL: 'http://127.0.0.1:11434/v1', OPENAI_MODELS: 'llama3.1:8b, qwen2.5-coder ,' });
    expect(local.models().filter((m) => m.provider === 'openai').map((m) => m.ref)).toEqual(['openai:llama3.1:8b', 'openai:qwen2.5-coder']);
    expect(local.resolve('openai:llama3.1:8b').model).toBe('llama3.1:8b');
    expect(local.resolve('openai:llama3.1:8b').info.pricing).toEqual({ inputPerMTok: 0, outputPerMTok: 0 });
    expect(local.defaultModelRef()).toBe('openai:llama3.1:8b');
    expect(providers({ OPENAI_API_KEY: '  ' })).toEqual(['scripted']);
  });

  it('adds anthropic for a key, with ANTHROPIC_MODELS and list prices', () => {
    const registry = discoverBackends({ ANTHROPIC_API_KEY: 'sk-ant-x', ANTHROPIC_MODELS: 'claude-sonnet-4-5,claude-haiku-4-5' });
    expect(registry.defaultModelRef()).toBe('anthropic:claude-sonnet-4-5');
    expect(registry.resolve('anthropic:claude-haiku-4-5').info.pricing).toEqual({ inputPerMTok: 1, outputPerMTok: 5 });
    expect(discoverBackends({ ANTHROPIC_API_KEY: 'k' }).resolve('anthropic:claude-sonnet-4-5').info.pricing).toEqual({ inputPerMTok: 3, outputPerMTok: 15 });
  });

  it('prefers openai over anthropic for the default, and honours DEFAULT_MODEL', () => {
    const env = { OPENAI_API_KEY: 'sk', ANTHROPIC_API_KEY: 'ak', OPENAI_MODELS: 'gpt-4o,gpt-4o-mini' };
    expect(discoverBackends(env).defaultModelRef()).toBe('openai:gpt-4o');
    expect(discoverBackends({ ...env, DEFAULT_MODEL: 'anthropic:claude-sonnet-4-5' }).defaultModelRef()).toBe('anthropic:claude-sonnet-4-5');
    expect(discoverBackends({ ...env, DEFAULT_MODEL: 'scripted:default' }).defaultModelRef()).toBe('scripted:default');
    const bad = discoverBackends({ ...env, DEFAULT_MODEL: 'openai:gpt-9' });
    expect(bad.defaultModelRef()).toBe('openai:gpt-4o');
    expect(bad.warnings).toEqual([expect.stringContaining('openai:gpt-9')]);
  });

  it('adds the command backend for AGENT_COMMAND, run through the shell', async () => {
    const registry = discoverBackends({ AGENT_COMMAND: 'echo "model=$AGENT_MODEL"; cat', AGENT_COMMAND_MODELS: 'fast,slow' });
    expect(registry.models().filter((m) => m.provider === 'command').map((m) => m.ref)).toEqual(['command:fast', 'command:slow']);
    const { backend, model } = registry.resolve('command:slow');
    const events = await collect(backend.call(request([user('the prompt')], { model, workspacePath: empty })));
    expect(textOf(events)).toBe('model=slow\nthe prompt\n');
  });

  it('names the ref in resolve errors', () => {
    const registry = discoverBackends({});
    expect(() => registry.resolve('openai:gpt-4o')).toThrow(/"openai:gpt-4o".*no backend "openai".*available: scripted/);
    expect(() => registry.resolve('scripted:other')).toThrow(/"scripted:other".*scripted offers default/);
    expect(() => registry.resolve('gpt-4o')).toThrow(/"gpt-4o".*provider:model/);
    expect(() => registry.resolve('scripted:')).toThrow(/"scripted:"/);
  });

  it('gets backends by provider and lists every model with capabilities', () => {
    const registry = discoverBackends({ OPENAI_API_KEY: 'sk', PATH: bin2 });
    expect(registry.get('openai')?.kind).toBe('api');
    expect(registry.get('codex')?.kind).toBe('cli');
    expect(registry.get('gemini')).toBeUndefined();
    for (const m of registry.models()) {
      expect(m.ref).toBe(`${m.provider}:${m.model}`);
      expect(m.capabilities.streaming).toBe(true);
    }
  });
});

describe('createRegistry', () => {
  it('refuses two backends for one provider', () => {
    expect(() => createRegistry([createScriptedBackend(), createScriptedBackend()])).toThrow(/scripted/);
  });

  it('parses refs at the first colon', () => {
    expect(parseModelRef('openai:llama3.1:8b')).toEqual({ provider: 'openai', model: 'llama3.1:8b' });
    expect(parseModelRef(':x')).toBeUndefined();
    expect(parseModelRef('x')).toBeUndefined();
  });
});
