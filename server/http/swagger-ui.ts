/**
 * `/swagger-ui/`: swagger-ui-dist's static files, opened on one of the OpenAPI documents.
 * The page carries no inline script, so it works under a strict Content-Security-Policy.
 */
import fs from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import type { ServerResponse } from 'node:http';
import { DIALECTS } from '@/server/api/dialects';

const require = createRequire(import.meta.url);
const distDir = path.dirname(require.resolve('swagger-ui-dist/package.json'));

const TYPES: Record<string, string> = {
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.png': 'image/png',
  '.html': 'text/html; charset=utf-8',
  '.map': 'application/json',
};

const STATIC = new Set(['swagger-ui.css', 'swagger-ui-bundle.js', 'swagger-ui-standalone-preset.js', 'favicon-32x32.png', 'favicon-16x16.png', 'index.css']);

const INDEX = `<!doctype html>
<html lang="en">
<head>
  <meta charset="utf-8">
  <title>Switchboard API</title>
  <link rel="stylesheet" href="/swagger-ui/swagger-ui.css">
  <link rel="icon" type="image/png" href="/swagger-ui/favicon-32x32.png">
</head>
<body>
  <div id="swagger-ui"></div>
  <script src="/swagger-ui/swagger-ui-bundle.js"></script>
  <script src="/swagger-ui/swagger-ui-standalone-preset.js"></script>
  <script src="/swagger-ui/init.js"></script>
</body>
</html>`;

const INIT = `window.ui = SwaggerUIBundle({
  urls: ${JSON.stringify([{ url: '/api-doc/openapi.json', name: 'Switchboard (all dialects)' }, ...DIALECTS.map((d) => ({ url: `/api-doc/${d}/openapi.json`, name: d }))])},
  dom_id: '#swagger-ui',
  deepLinking: true,
  presets: [SwaggerUIBundle.presets.apis, SwaggerUIStandalonePreset],
  layout: 'StandaloneLayout',
});`;

/** Serves /swagger-ui/…; returns false for paths it does not own. */
export function serveSwaggerUi(pathname: string, res: ServerResponse): boolean {
  if (pathname === '/swagger-ui') {
    res.writeHead(308, { location: '/swagger-ui/' }).end();
    return true;
  }
  if (!pathname.startsWith('/swagger-ui/')) return false;
  const name = pathname.slice('/swagger-ui/'.length);
  if (name === '' || name === 'index.html') {
    res.writeHead(200, { 'content-type': TYPES['.html']! }).end(INDEX);
    return true;
  }
  if (name === 'init.js') {
    res.writeHead(200, { 'content-type': TYPES['.js']! }).end(INIT);
    return true;
  }
  if (!STATIC.has(name)) return false;
  const file = path.join(distDir, name);
  res.writeHead(200, { 'content-type': TYPES[path.extname(name)] ?? 'application/octet-stream', 'cache-control': 'public, max-age=86400' });
  fs.createReadStream(file).pipe(res);
  return true;
}
