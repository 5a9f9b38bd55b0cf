import { describe, expect, it } from 'vitest';
import { buildCliPrompt, findExecutable, TextJoiner } from '../cli/common';
import type { ModelMessage } from '../types';
import { estimateTokens, redact, sleep } from './events';
import { providerErrorMessage } from './http';
import { baseModelName, modelInfo, pricingFor, visionFor } from './models';
import { user } from './testing';

describe('models', () => {
  it('prices well-known models by family, snapshots included, and unknown ones at 0', () => {
    expect(pricingFor('gpt-4o-mini')).toEqual({ inputPerMTok: 0.15, outputPerMTok: 0.6 });
    expect(pricingFor('gpt-4o-mini-2024-07-18')).toEqual({ inputPerMTok: 0.15, outputPerMTok: 0.6 });
    expect(pricingFor('gpt-4o')).toEqual({ inputPerMTok: 2.5, outputPerMTok: 10 });
    expect(pricingFor('claude-sonnet-4-5-20250929')).toEqual({ inputPerMTok: 3, outputPerMTok: 15 });
    expect(pricingFor('claude-haiku-4-5')).toEqual({ inputPerMTok: 1, outputPerMTok: 5 });
    expect(pricingFor('llama3.1:8b')).toEqual({ inputPerMTok: 0, outputPerMTok: 0 });
    expect(baseModelName('claude-3-5-sonnet-latest')).toBe('claude-3-5-sonnet');
  });

  it('assumes vision only for hosted families that have it', () => {
    expect(visionFor('gpt-4o-mini')).toBe(true);
    expect(visionFor('claude-haiku-4-5')).toBe(true);
    expect(visionFor('llama3.1')).toBe(false);
    expect(modelInfo('openai', 'gpt-4o').ref).toBe('openai:gpt-4o');
  });
});

describe('events helpers', () => {
  it('redacts secrets and estimates tokens', () => {
    expect(redact('key sk-abcdef rejected; sk-abcdef again', 'sk-abcdef')).toBe('key *** rejected; *** again');
    expect(redact('nothing', undefined, '')).toBe('nothing');
    expect(estimateTokens(9)).toBe(3);
  });

  it('sleeps and wakes early on abort', async () => {
    const controller = new AbortController();
    setTimeout(() => controller.abort(), 10);
    const started = Date.now();
    expect(await sleep(5000, controller.signal)).toBe(false);
    expect(Date.now() - started).toBeLessThan(200);
    expect(await sleep(1, new AbortController().signal)).toBe(true);
  });

  it('extracts provider error messages from the usual body shapes', () => {
    expect(providerErrorMessage('{"error":{"message":"bad","type":"invalid_request_error"}}')).toBe('bad (invalid_request_error)');
    expect(providerErrorMessage('{"error":"model \\"x\\" not found"}')).toBe('model "x" not found');
    expect(providerErrorMessage('{"detail":"Not Found"}')).toBe('Not Found');
    expect(providerErrorMessage('<html>502 Bad Gateway</html>')).toBe('<html>502 Bad Gateway</html>');
    expect(providerErrorMessage('')).toBe('no response body');
  });
});

describe('CLI prompt', () => {
  it('is the latest message verbatim when there is no history', () => {
    expect(buildCliPrompt([user('just this')])).toBe('just this');
  });

  it('summarises earlier turns, naming tools and leaving tool output out', () => {
    const messages: ModelMessage[] = [
      user('make a file'),
      { role: 'assistant', text: 'Done.', toolCalls: [{ id: 'c1', name: 'Write', input: {} }] },
      { role: 'tool', toolCallId: 'c1', toolName: 'Write', output: 'lots of output', isError: false },
      user('and another'),
    ];
    expect(buildCliPrompt(messages, 'Rules.')).toBe(
      'Instructions:\nRules.\n\nConversation so far:\nUser: make a file\n\nAssistant: Done.\n[used tool Write]\n\nCurrent request:\nand another',
    );
  });

  it('keeps only the tail of a very long history', () => {
    const long = 'x'.repeat(30_000);
    const prompt = buildCliPrompt([user(long), user('now')]);
    expect(prompt.length).toBeLessThan(21_000);
    expect(prompt).toContain('(earlier conversation omitted)');
    expect(prompt.endsWith('Current request:\nnow')).toBe(true);
  });

  it('joins text blocks with blank lines only between blocks', () => {
    const joiner = new TextJoiner();
    joiner.newBlock();
    expect(joiner.text('a')).toBe('a');
    expect(joiner.text('b')).toBe('b');
    joiner.newBlock();
    expect(joiner.text('')).toBe('');
    expect(joiner.text('c')).toBe('\n\nc');
  });

  it('finds executables by name on PATH or by path', () => {
    expect(findExecutable('node', process.env.PATH)).toBe(findExecutable(process.execPath, undefined));
    expect(findExecutable('definitely-not-a-binary-xyz', process.env.PATH)).toBeUndefined();
    expect(findExecutable('node', '')).toBeUndefined();
  });
});
