/**
 * Holds server/ to the rule in status.ts: a status is compared only there. Anything else that asks
 * "is it terminal / active / pending …" must ask a predicate (or filter SQL with one of its named
 * sets), so adding a status means changing one module, not hunting for string compares.
 */
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { APPROVAL_STATUSES, RUN_STATUSES, SESSION_STATUSES, STEP_STATUSES, TURN_STATUSES } from './status';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../..');
const STATUS_MODULE = 'server/core/work/status.ts';

const WORDS = [...new Set<string>([...RUN_STATUSES, ...TURN_STATUSES, ...SESSION_STATUSES, ...STEP_STATUSES, ...APPROVAL_STATUSES])].join('|');
const LITERAL = String.raw`(['"\x60])(?:${WORDS})\1`;

/** Every way a status literal gets compared that this codebase has used. */
const COMPARISONS: Array<{ kind: string; pattern: RegExp }> = [
  { kind: 'equality', pattern: new RegExp(String.raw`(?:===|!==|==|!=)\s*${LITERAL}`, 'g') },
  { kind: 'equality', pattern: new RegExp(String.raw`${LITERAL}\s*(?:===|!==|==|!=)`, 'g') },
  { kind: 'switch case', pattern: new RegExp(String.raw`\bcase\s+${LITERAL}\s*:`, 'g') },
  { kind: 'SQL eq/ne', pattern: new RegExp(String.raw`\b(?:eq|ne)\(\s*[^,()]+,\s*${LITERAL}\s*\)`, 'g') },
  { kind: 'SQL inArray', pattern: new RegExp(String.raw`\b(?:inArray|notInArray)\(\s*[^,()]+,\s*\[[^\]]*?${LITERAL}`, 'g') },
  { kind: 'array includes', pattern: new RegExp(String.raw`\[[^\][]*?${LITERAL}[^\][]*\]\s*\.includes\(`, 'g') },
];

/** JSDoc blocks and whole-line comments say "status" in prose; blank them, keeping line numbers. */
function withoutComments(source: string): string {
  return source
    .replace(/^[ \t]*\/\*[\s\S]*?\*\//gm, (block) => block.replace(/[^\n]/g, ' '))
    .replace(/^[ \t]*\/\/.*$/gm, (line) => ' '.repeat(line.length));
}

function findStatusComparisons(source: string): Array<{ line: number; kind: string; text: string }> {
  const code = withoutComments(source);
  const hits: Array<{ line: number; kind: string; text: string }> = [];
  for (const { kind, pattern } of COMPARISONS) {
    for (const match of code.matchAll(pattern)) {
      const line = code.slice(0, match.index).split('\n').length;
      if (!hits.some((h) => h.line === line)) hits.push({ line, kind, text: source.split('\n')[line - 1]!.trim() });
    }
  }
  return hits.sort((a, b) => a.line - b.line);
}

function sourceFiles(dir: string): string[] {
  return fs.readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const full = path.join(dir, entry.name);
    if (entry.isDirectory()) return entry.name === 'node_modules' || entry.name === 'migrations' ? [] : sourceFiles(full);
    return /\.(ts|tsx|mts)$/.test(entry.name) && !/\.test\.(ts|tsx|mts)$/.test(entry.name) ? [full] : [];
  });
}

describe('status vocabulary', () => {
  it('no module in server/ but server/core/work/status.ts compares a status with a string literal', () => {
    const found = sourceFiles(path.join(ROOT, 'server'))
      .filter((file) => path.relative(ROOT, file) !== STATUS_MODULE)
      .flatMap((file) => findStatusComparisons(fs.readFileSync(file, 'utf8')).map((h) => `${path.relative(ROOT, file)}:${h.line} (${h.kind}) ${h.text}`));
    expect(found, `ask a predicate of ${STATUS_MODULE} instead:\n${found.join('\n')}`).toEqual([]);
  });

  it('the scan recognises each form of comparison, and not assignments, comments or other words', () => {
    const sample = [
      "if (run.status === 'running') stop();", // 1
      "if ('failed' !== turn.status) go();", // 2
      'switch (s.status) {', // 3
      "  case 'closed':", // 4
      "  default: return 'active';", // 5
      '}', // 6
      "db.select().from(approval).where(eq(approval.status, 'pending'));", // 7
      'db.select().from(run).where(inArray(run.status, [', // 8
      "  'queued',", // 9
      ']));', // 10
      "if (['succeeded', 'failed'].includes(step.status)) done();", // 11
      "await tx.update(run).set({ status: 'queued' });", // 12
      '/** Compare nothing here: `status === \'running\'` is prose. */', // 13
      "// status === 'failed' in a comment", // 14
      "if (action === 'deny' || mode === 'chat') noop();", // 15
    ].join('\n');
    expect(findStatusComparisons(sample).map((h) => [h.line, h.kind])).toEqual([
      [1, 'equality'],
      [2, 'equality'],
      [4, 'switch case'],
      [7, 'SQL eq/ne'],
      [8, 'SQL inArray'],
      [11, 'array includes'],
    ]);
  });
});
