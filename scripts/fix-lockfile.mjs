#!/usr/bin/env node
/**
 * Keeps package-lock.json acceptable to `npm ci` on this project's machines.
 *
 * The npm registry as reached from here answers 404 for Next's macOS and Windows SWC binaries
 * (@next/swc-darwin-*, @next/swc-win32-*). `npm install` then silently leaves them out of the lock,
 * and `npm ci` refuses the result ("Missing: @next/swc-darwin-arm64@ from lock file"). This adds the
 * missing entries as optional, os/cpu-restricted stubs, exactly as npm writes them for the Linux ones
 * (minus the integrity hash, which cannot be read here): on Linux npm skips them without fetching,
 * elsewhere npm resolves them from the registry as usual.
 *
 *   node scripts/fix-lockfile.mjs          add what is missing (prints what it did; no-op if nothing)
 *   node scripts/fix-lockfile.mjs --check  exit 1 if something is missing, change nothing
 *
 * Run it after any `npm install` that rewrote the lock.
 */
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const file = path.join(root, 'package-lock.json');
const check = process.argv.includes('--check');

const lock = JSON.parse(fs.readFileSync(file, 'utf8'));
const packages = lock.packages ?? {};
const added = [];

for (const [key, entry] of Object.entries(packages)) {
  if (!entry.optionalDependencies) continue;
  for (const [name, spec] of Object.entries(entry.optionalDependencies)) {
    const m = /^@next\/swc-(darwin|win32|linux)-(arm64|x64|ia32)(?:-(gnu|musl|msvc))?$/.exec(name);
    if (!m || !/^\d+\.\d+\.\d+(-[\w.]+)?$/.test(spec)) continue;
    // Resolution as npm does it: nested under the dependent first, then hoisted to the root.
    const nested = `${key}/node_modules/${name}`;
    const hoisted = `node_modules/${name}`;
    if (packages[nested] || packages[hoisted]) continue;
    const [, os, cpu, libc] = m;
    packages[hoisted] = {
      version: spec,
      cpu: [cpu],
      ...(libc === 'gnu' ? { libc: ['glibc'] } : libc === 'musl' ? { libc: ['musl'] } : {}),
      license: 'MIT',
      optional: true,
      os: [os],
      engines: { node: '>= 10' },
    };
    added.push(`${name}@${spec}`);
  }
}

if (added.length === 0) {
  console.log('fix-lockfile: package-lock.json has every platform entry npm ci needs');
  process.exit(0);
}
if (check) {
  console.error(`fix-lockfile: package-lock.json lacks ${added.join(', ')} (run node scripts/fix-lockfile.mjs)`);
  process.exit(1);
}
// npm keeps "packages" sorted by path with the root ("") first; keep the diff to pure insertions.
lock.packages = Object.fromEntries(
  Object.entries(packages).sort(([a], [b]) => (a === '' ? -1 : b === '' ? 1 : a.localeCompare(b, 'en'))),
);
fs.writeFileSync(file, JSON.stringify(lock, null, 2) + '\n');
console.log(`fix-lockfile: added ${added.join(', ')}`);
