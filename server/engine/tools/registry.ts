/**
 * The tools API-model backends may call, their JSON Schemas for the providers, and `runTool`, the
 * one entry point that runs them. Tools' `run` may throw (ToolInputError for refused input, fs
 * errors for the rest); `runTool` turns every such failure into an `isError` result so the model
 * sees what went wrong and the engine's loop never has to catch.
 */
import { z } from 'zod';
import type { ToolSpec } from '../backends/types';
import { applyPatchTool } from './apply-patch';
import { bashTool } from './bash';
import { currentTimeTool } from './current-time';
import { editFileTool } from './edit-file';
import { listFilesTool } from './list-files';
import { readFileTool } from './read-file';
import { searchFilesTool } from './search-files';
import { capOutput, describeError } from './shared';
import type { Tool, ToolContext, ToolResult } from './types';
import { writeFileTool } from './write-file';

// Each tool's input type differs; the registry only hands a tool the output of its own schema.
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export type AnyTool = Tool<any>;

export const ALL_TOOLS: readonly AnyTool[] = [
  readFileTool,
  listFilesTool,
  searchFilesTool,
  writeFileTool,
  editFileTool,
  applyPatchTool,
  bashTool,
  currentTimeTool,
];

const BY_NAME = new Map(ALL_TOOLS.map((t) => [t.name, t]));

export function getTool(name: string): AnyTool | undefined {
  return BY_NAME.get(name);
}

/** JSON Schema of a tool's input as the model should write it (defaults optional), without `$schema`. */
export function inputJsonSchema(tool: AnyTool): Record<string, unknown> {
  const { $schema: _ignored, ...schema } = z.toJSONSchema(tool.input, { io: 'input' }) as Record<string, unknown>;
  // Extra keys are stripped when parsing anyway; saying so keeps models from inventing them.
  if (schema.type === 'object') {
    schema.properties ??= {};
    schema.additionalProperties ??= false;
  }
  return schema;
}

/** Specs for the given tools (all by default), in registry order. Unknown names are an error: a typo in config should show. */
export function toolSpecs(names?: readonly string[]): ToolSpec[] {
  const tools = names === undefined ? ALL_TOOLS : names.map((n) => {
    const tool = getTool(n);
    if (!tool) throw new Error(`unknown tool ${JSON.stringify(n)}`);
    return tool;
  });
  return tools.map((t) => ({ name: t.name, description: t.description, inputSchema: inputJsonSchema(t) }));
}

/**
 * The one-line summary of a call as the model made it (unvalidated input): parsed first so defaults
 * show, with a JSON fallback for input the tool would refuse.
 */
export function summarizeToolCall(name: string, rawInput: unknown): string {
  const tool = getTool(name);
  const input = normalizeRawInput(rawInput);
  if (tool) {
    const parsed = tool.input.safeParse(input);
    if (parsed.success) {
      try {
        return tool.summarize(parsed.data);
      } catch {
        // Fall through to the raw form.
      }
    }
  }
  return `${name} ${JSON.stringify(input) ?? ''}`.slice(0, 500);
}

function formatIssues(error: z.ZodError): string {
  return error.issues
    .map((issue) => `${issue.path.length ? issue.path.join('.') : '(input)'}: ${issue.message}`)
    .join('; ');
}

/** Some providers hand over arguments as a JSON string, and argument-less calls as nothing at all. */
function normalizeRawInput(raw: unknown): unknown {
  if (raw === undefined || raw === null || raw === '') return {};
  if (typeof raw === 'string') {
    try {
      return JSON.parse(raw);
    } catch {
      return raw;
    }
  }
  return raw;
}

/** Validate and run a tool call. Never throws: unknown tools, bad input and tool failures come back as `isError` results. */
export async function runTool(name: string, rawInput: unknown, ctx: ToolContext): Promise<ToolResult> {
  const tool = getTool(name);
  if (!tool) {
    return { output: `unknown tool ${JSON.stringify(name)}; available: ${ALL_TOOLS.map((t) => t.name).join(', ')}`, isError: true };
  }
  const parsed = tool.input.safeParse(normalizeRawInput(rawInput));
  if (!parsed.success) return { output: `invalid input: ${formatIssues(parsed.error)}`, isError: true };
  if (ctx.signal.aborted) return { output: 'aborted', isError: true };
  let result: ToolResult;
  try {
    result = await tool.run(parsed.data, ctx);
  } catch (err) {
    return { output: describeError(err), isError: true };
  }
  // Each tool caps its own output sensibly; this is the backstop for the contract.
  return { ...result, output: capOutput(result.output, ctx.outputCapBytes) };
}
