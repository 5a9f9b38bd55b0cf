/**
 * Include globs for search_files, matched in time linear in the name's length times the pattern's.
 *
 * A glob compiled to one regular expression backtracks catastrophically: `*a*a*a*a*b` against a
 * long name of `a`s takes seconds, and the glob comes from the model (or whoever wrote the prompt).
 * So only the pieces between stars go through picomatch — fixed-width pieces (literals, `?`,
 * `[...]` classes, escapes), which it compiles with its own quoting rules — and the stars are
 * placed by the classic greedy wildcard algorithm, which needs to backtrack to the last star only.
 * `**` spans whole path segments, matched the same way one level up. Braces are expanded first,
 * to a bounded number of alternatives.
 */
import picomatch from 'picomatch';
import { ToolInputError } from './workspace-path';

export const MAX_GLOB_LENGTH = 256;
/** Alternatives `{a,b}` may expand to; `{a,b}{c,d}{e,f}…` grows exponentially otherwise. */
export const MAX_GLOB_EXPANSIONS = 64;

type SegmentMatcher = (name: string) => boolean;
type PathMatcher = (segments: string[]) => boolean;

function invalid(glob: string, why: string): ToolInputError {
  return new ToolInputError(`include glob ${JSON.stringify(glob.length > 80 ? `${glob.slice(0, 80)}…` : glob)} ${why}`);
}

/** Index of the `}` closing the `{` at `open`, or -1; escapes and nesting respected. */
function closingBrace(glob: string, open: number): number {
  let depth = 0;
  for (let i = open; i < glob.length; i++) {
    const c = glob[i];
    if (c === '\\') i++;
    else if (c === '{') depth++;
    else if (c === '}' && --depth === 0) return i;
  }
  return -1;
}

/** The top-level comma-separated parts of a brace body. */
function braceParts(body: string): string[] {
  const parts: string[] = [];
  let depth = 0;
  let start = 0;
  for (let i = 0; i < body.length; i++) {
    const c = body[i];
    if (c === '\\') i++;
    else if (c === '{') depth++;
    else if (c === '}') depth--;
    else if (c === ',' && depth === 0) {
      parts.push(body.slice(start, i));
      start = i + 1;
    }
  }
  parts.push(body.slice(start));
  return parts;
}

function expandBraces(glob: string, whole: string): string[] {
  for (let i = 0; i < glob.length; i++) {
    if (glob[i] === '\\') {
      i++;
      continue;
    }
    if (glob[i] !== '{') continue;
    const close = closingBrace(glob, i);
    if (close === -1) throw invalid(whole, 'has an unclosed "{"');
    const parts = braceParts(glob.slice(i + 1, close));
    if (parts.length < 2) continue; // `{a}` is literal text, as in a shell
    const out: string[] = [];
    for (const part of parts) {
      for (const expanded of expandBraces(glob.slice(0, i) + part + glob.slice(close + 1), whole)) {
        out.push(expanded);
        if (out.length > MAX_GLOB_EXPANSIONS) throw invalid(whole, `expands to more than ${MAX_GLOB_EXPANSIONS} alternatives`);
      }
    }
    return out;
  }
  return [glob];
}

/** Splits at unescaped `ch`. */
function splitUnescaped(text: string, ch: string): string[] {
  const parts: string[] = [];
  let start = 0;
  for (let i = 0; i < text.length; i++) {
    if (text[i] === '\\') i++;
    else if (text[i] === ch) {
      parts.push(text.slice(start, i));
      start = i + 1;
    }
  }
  parts.push(text.slice(start));
  return parts;
}

/**
 * A star-free piece as picomatch should see it, and how many characters it matches (each literal,
 * escape, `?` and `[...]` class is one). Characters picomatch would read as regex groups or
 * extglobs (`(`, `|`, `+`, `@`, `!`) are escaped so they stay literal, and `[!…]` becomes `[^…]`.
 */
function normalizePiece(piece: string): { source: string; width: number } {
  let source = '';
  let width = 0;
  for (let i = 0; i < piece.length; i++, width++) {
    const c = piece[i]!;
    if (c === '\\') {
      source += piece.slice(i, i + 2);
      i++;
    } else if (c === '[') {
      // As in shells, a `]` right after `[` or `[!` is part of the class.
      let close = i + 1;
      if (piece[close] === '!' || piece[close] === '^') close++;
      if (piece[close] === ']') close++;
      close = piece.indexOf(']', close);
      if (close === -1) {
        source += '\\[';
        continue;
      }
      const body = piece.slice(i + 1, close);
      source += `[${body.startsWith('!') ? `^${body.slice(1)}` : body}]`;
      i = close;
    } else if ('()|+@!'.includes(c)) {
      source += `\\${c}`;
    } else {
      source += c;
    }
  }
  return { source, width };
}

interface Piece {
  width: number;
  matches(text: string): boolean;
}

function compilePiece(piece: string): Piece {
  const { source, width } = normalizePiece(piece);
  if (width === 0) return { width, matches: (text) => text === '' };
  // Star-free and extglob-free, the expression has no quantifier: matching is linear.
  const re = picomatch.makeRe(source, { dot: true, nobrace: true, noextglob: true, nonegate: true });
  return { width, matches: (text) => re.test(text) };
}

function compileSegment(segment: string): SegmentMatcher {
  const pieces = splitUnescaped(segment, '*').map(compilePiece);
  const at = (piece: Piece, name: string, i: number) => i + piece.width <= name.length && piece.matches(name.slice(i, i + piece.width));
  if (pieces.length === 1) {
    const only = pieces[0]!;
    return (name) => name.length === only.width && only.matches(name);
  }
  const first = pieces[0]!;
  const last = pieces[pieces.length - 1]!;
  const middle = pieces.slice(1, -1);
  return (name) => {
    if (!at(first, name, 0)) return false;
    const end = name.length - last.width;
    if (end < first.width || !at(last, name, end)) return false;
    // Each middle piece at its leftmost place: a later place never helps the pieces after it.
    let i = first.width;
    for (const piece of middle) {
      while (i + piece.width <= end && !at(piece, name, i)) i++;
      if (i + piece.width > end) return false;
      i += piece.width;
    }
    return true;
  };
}

/** `**` segments match any number of path segments; the others one each. Memoized: quadratic at worst. */
function compilePath(pattern: string): PathMatcher {
  const parts = splitUnescaped(pattern, '/').filter((p, i, all) => !(p === '**' && all[i - 1] === '**'));
  const segments = parts.map((p) => (p === '**' ? undefined : compileSegment(p)));
  return (names) => {
    const memo = new Map<number, boolean>();
    const match = (pi: number, ni: number): boolean => {
      const key = pi * (names.length + 1) + ni;
      const known = memo.get(key);
      if (known !== undefined) return known;
      let result: boolean;
      if (pi === segments.length) result = ni === names.length;
      else {
        const segment = segments[pi];
        if (segment === undefined) result = match(pi + 1, ni) || (ni < names.length && match(pi, ni + 1));
        else result = ni < names.length && segment(names[ni]!) && match(pi + 1, ni + 1);
      }
      memo.set(key, result);
      return result;
    };
    return match(0, 0);
  };
}

/**
 * A matcher for workspace-relative paths with `/` separators: `*`, `?`, `[...]`, `{a,b}`, `**`.
 * Throws a ToolInputError for a glob that is too long, expands too far, or is malformed.
 */
export function compileGlob(glob: string): (subject: string) => boolean {
  if (glob.length > MAX_GLOB_LENGTH) throw invalid(glob, `is longer than ${MAX_GLOB_LENGTH} characters`);
  let alternatives: PathMatcher[];
  try {
    alternatives = expandBraces(glob, glob).map(compilePath);
  } catch (err) {
    if (err instanceof ToolInputError) throw err;
    throw invalid(glob, `is not a valid glob: ${(err as Error).message}`);
  }
  return (subject) => {
    const names = subject.split('/');
    return alternatives.some((matches) => matches(names));
  };
}
