// Serves the BUILT dashboard bundle in a page made by the extension's own renderDashboardHtml (same
// CSP), with the harness stub for acquireVsCodeApi. Only dist/webview and the harness are served.
//   node --import tsx test/helpers/webviewHarness/server.ts   (prints the URL, for looking at it by hand)
import fs from 'node:fs';
import http from 'node:http';
import path from 'node:path';
import type { AddressInfo } from 'node:net';
import { makeNonce, renderDashboardHtml } from '../../../src/extension/dashboard/html';

const ROOT = path.resolve(__dirname, '../../..');
const SERVED: Record<string, string> = {
  '/dist/webview/': path.join(ROOT, 'dist', 'webview'),
  '/harness/': __dirname,
};
const TYPES: Record<string, string> = { '.js': 'text/javascript', '.css': 'text/css', '.map': 'application/json' };

export interface Harness {
  url: string;
  close(): Promise<void>;
}

export async function startHarness(): Promise<Harness> {
  const bundle = path.join(ROOT, 'dist', 'webview', 'dashboard.js');
  if (!fs.existsSync(bundle)) throw new Error(`${bundle} is missing: run \`npm run build\` first`);
  let origin = '';
  const server = http.createServer((req, res) => {
    const url = new URL(req.url ?? '/', origin);
    if (url.pathname === '/' || url.pathname === '/index.html') {
      res.writeHead(200, { 'content-type': 'text/html; charset=utf-8', 'cache-control': 'no-store' });
      res.end(
        renderDashboardHtml({
          cspSource: origin,
          scriptUri: `${origin}/dist/webview/dashboard.js`,
          styleUri: `${origin}/dist/webview/dashboard.css`,
          nonce: makeNonce(),
          preludeScripts: [`${origin}/harness/stub.js`],
        }),
      );
      return;
    }
    if (url.pathname === '/favicon.ico') {
      res.writeHead(204).end();
      return;
    }
    for (const [prefix, dir] of Object.entries(SERVED)) {
      if (!url.pathname.startsWith(prefix)) continue;
      const file = path.resolve(dir, decodeURIComponent(url.pathname.slice(prefix.length)));
      if (!file.startsWith(dir + path.sep) || !fs.existsSync(file) || !fs.statSync(file).isFile()) break;
      res.writeHead(200, { 'content-type': TYPES[path.extname(file)] ?? 'application/octet-stream', 'cache-control': 'no-store' });
      fs.createReadStream(file).pipe(res);
      return;
    }
    res.writeHead(404).end('not found');
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return {
    url: `${origin}/`,
    close: () =>
      new Promise((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

if (require.main === module) {
  startHarness().then((h) => console.log(`dashboard harness at ${h.url} (Ctrl+C to stop)`));
}
