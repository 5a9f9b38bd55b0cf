#!/usr/bin/env node
/**
 * Builds the package into dist/: index.js (ESM; @trpc/client and eventsource stay imports) and
 * index.d.ts, one self-contained declaration file.
 *
 * The client's types come from the server's router, so the declarations are bundled with
 * rollup-plugin-dts, which inlines the router's type instead of pointing at server source a user
 * does not have. Two server types are reachable from the router that a client never uses and that
 * would drag the whole server (database, auth, engine) or an unpublished dependency into the file:
 * the request context and the REST metadata type. They are replaced by opaque stand-ins. The build
 * then refuses a result that imports anything but the package's own dependencies.
 */
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { rollup } from 'rollup';
import { dts } from 'rollup-plugin-dts';
import ts from 'typescript';

const here = path.dirname(fileURLToPath(import.meta.url));
const repo = path.resolve(here, '../..');
const entry = path.join(here, 'src/index.ts');
const dist = path.join(here, 'dist');
const pkg = JSON.parse(fs.readFileSync(path.join(here, 'package.json'), 'utf8'));
const dependencies = Object.keys(pkg.dependencies ?? {});
const isDependency = (id) => dependencies.some((name) => id === name || id.startsWith(`${name}/`));

/** Relative `./x` imports of the sources, which name no extension. */
const resolveSources = {
  name: 'resolve-sources',
  resolveId(source, importer) {
    if (!importer || !source.startsWith('.')) return null;
    const file = path.resolve(path.dirname(importer), `${source}.ts`);
    return fs.existsSync(file) ? file : null;
  },
};

/** Plain transpilation: the repository's typecheck already checked these files. */
const transpile = {
  name: 'transpile',
  transform(code, id) {
    if (!id.endsWith('.ts')) return null;
    const out = ts.transpileModule(code, {
      fileName: id,
      compilerOptions: { module: ts.ModuleKind.ESNext, target: ts.ScriptTarget.ES2022, sourceMap: true, verbatimModuleSyntax: false },
    });
    return { code: out.outputText, map: out.sourceMapText };
  },
};

/** Server modules whose types are replaced, by the stand-in declaration file (stand-ins/) that replaces them. */
const STAND_INS = new Map([
  [path.join(repo, 'server/api/context'), path.join(here, 'stand-ins/context.d.ts')],
  ['@orpc/trpc', path.join(here, 'stand-ins/orpc-meta.d.ts')],
]);

const standIns = {
  name: 'server-only-types',
  resolveId(source, importer) {
    const key = source.startsWith('.') && importer ? path.resolve(path.dirname(importer), source).replace(/\.(d\.)?ts$/, '') : source;
    return STAND_INS.get(key) ?? null;
  },
};

async function build() {
  fs.rmSync(dist, { recursive: true, force: true });

  const js = await rollup({ input: entry, external: isDependency, plugins: [resolveSources, transpile] });
  await js.write({ file: path.join(dist, 'index.js'), format: 'es', sourcemap: true });
  await js.close();

  const types = await rollup({
    input: entry,
    external: isDependency,
    plugins: [standIns, dts({ tsconfig: path.join(here, 'tsconfig.json') })],
  });
  await types.write({ file: path.join(dist, 'index.d.ts'), format: 'es' });
  await types.close();

  const declarations = fs.readFileSync(path.join(dist, 'index.d.ts'), 'utf8');
  const imported = [...declarations.matchAll(/(?:from\s+|import\()\s*['"]([^'"]+)['"]/g)].map((m) => m[1]);
  const strays = [...new Set(imported.filter((id) => !isDependency(id)))];
  if (strays.length) {
    throw new Error(`dist/index.d.ts imports ${strays.join(', ')}, which an installed SDK does not have: inline them or add a stand-in in build.mjs`);
  }
}

const started = Date.now();
build().then(
  () => console.log(`@switchboard/sdk: built dist/ in ${((Date.now() - started) / 1000).toFixed(1)}s`),
  (err) => {
    console.error(err instanceof Error ? err.message : err);
    process.exit(1);
  },
);
