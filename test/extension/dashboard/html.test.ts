// The dashboard page without VS Code: CSP with nonce, default-src 'none', no remote URLs.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { dashboardCsp, makeNonce, renderDashboardHtml } from '../../../src/extension/dashboard/html';

const CSP_SOURCE = 'https://file+.vscode-resource.vscode-cdn.net';
const opts = () => ({
  cspSource: CSP_SOURCE,
  scriptUri: `${CSP_SOURCE}/ext/dist/webview/dashboard.js`,
  styleUri: `${CSP_SOURCE}/ext/dist/webview/dashboard.css`,
  nonce: makeNonce(),
});

describe('dashboard html', () => {
  it('has a CSP with default-src none and a nonce for every script', () => {
    const o = opts();
    const html = renderDashboardHtml(o);
    const csp = /<meta http-equiv="Content-Security-Policy" content="([^"]+)">/.exec(html)?.[1];
    assert.ok(csp, 'CSP meta present');
    const directives = new Map(
      csp!
        .split(';')
        .map((d) => d.trim().split(/\s+/))
        .map(([k, ...v]) => [k, v]),
    );
    assert.deepEqual(directives.get('default-src'), ["'none'"]);
    assert.deepEqual(directives.get('script-src'), [`'nonce-${o.nonce}'`]);
    assert.ok(!csp!.includes('unsafe-inline') && !csp!.includes('unsafe-eval'));
    for (const d of ['style-src', 'font-src', 'img-src']) assert.ok(directives.get(d)!.includes(CSP_SOURCE), d);
    const scripts = [...html.matchAll(/<script\b([^>]*)>/g)].map((m) => m[1]);
    assert.equal(scripts.length, 1);
    for (const s of scripts) assert.match(s, new RegExp(`nonce="${o.nonce}"`));
    assert.match(html, new RegExp(`src="${o.scriptUri.replace(/[.+]/g, '\\$&')}"`));
    assert.match(html, /<link rel="stylesheet" href="[^"]+dashboard\.css">/);
  });

  it('loads nothing remote: every URL is the webview resource origin or a data: URL', () => {
    const html = renderDashboardHtml(opts());
    const urls = [...html.matchAll(/\b(?:src|href)="([^"]*)"/g)].map((m) => m[1]);
    assert.ok(urls.length >= 2);
    for (const u of urls) assert.ok(u.startsWith(CSP_SOURCE), u);
    const elsewhere = html.replaceAll(CSP_SOURCE, '').match(/https?:\/\/[^\s"'<>]+/g) ?? [];
    assert.deepEqual(elsewhere, []);
    assert.ok(!/<style|style="/.test(html), 'no inline styles');
  });

  it('uses a fresh nonce per page and refuses weak nonces or odd CSP sources', () => {
    assert.notEqual(makeNonce(), makeNonce());
    assert.ok(makeNonce().length >= 16);
    assert.throws(() => dashboardCsp(CSP_SOURCE, 'abc'));
    assert.throws(() => dashboardCsp("x; script-src 'unsafe-inline'", makeNonce()));
    assert.throws(() => dashboardCsp("'self' 'unsafe-eval'", makeNonce()));
    // The list real VS Code passes: 'self' plus its CDN host source.
    const real = dashboardCsp("'self' https://*.vscode-cdn.net", makeNonce());
    assert.match(real, /script-src 'nonce-[A-Za-z0-9+/=]+'|script-src 'self' https:\/\/\*\.vscode-cdn\.net|default-src 'none'/);
    assert.ok(!renderDashboardHtml({ ...opts(), title: '<script>x</script>' }).includes('<script>x'));
  });
});
