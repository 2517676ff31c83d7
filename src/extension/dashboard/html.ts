// The dashboard page: a strict CSP (default-src 'none', scripts only with the nonce, styles and
// fonts only from the extension's own webview resources), no remote content. No `vscode` import,
// so it is unit-tested directly and reused by the browser-test harness.
import crypto from 'node:crypto';

export interface DashboardHtmlOptions {
  /** `webview.cspSource`: the origin the webview serves local resources from. */
  cspSource: string;
  /** URIs (as strings) of dist/webview/dashboard.js and dashboard.css, from `asWebviewUri`. */
  scriptUri: string;
  styleUri: string;
  nonce: string;
  title?: string;
  /** Extra scripts loaded before the dashboard with the same nonce (the browser-test harness only). */
  preludeScripts?: string[];
}

export function makeNonce(): string {
  return crypto
    .randomBytes(18)
    .toString('base64')
    .replace(/[^A-Za-z0-9]/g, '');
}

/** For text and double-quoted attributes (single quotes stay, so the CSP reads as written). */
const escapeHtml = (s: string) => s.replace(/[&<>"]/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;' })[c]!);

export function dashboardCsp(cspSource: string, nonce: string): string {
  if (!/^[A-Za-z0-9+/=]{16,}$/.test(nonce)) throw new Error('dashboard: the CSP nonce must be 16+ base64 characters');
  // VS Code gives a list such as "'self' https://*.vscode-cdn.net": every token must be 'self' or a
  // scheme/host source; anything that could widen the policy ('unsafe-*', ';') is refused.
  const tokens = cspSource.trim().split(/\s+/);
  const sourceToken = /^('self'|[a-z][a-z0-9+.-]*:(\/\/[A-Za-z0-9*.:_+-]+(\/[A-Za-z0-9*._~/-]*)?)?)$/;
  if (!cspSource.trim() || tokens.some((t) => !sourceToken.test(t))) throw new Error(`dashboard: unexpected cspSource ${JSON.stringify(cspSource)}`);
  return [
    "default-src 'none'",
    `script-src 'nonce-${nonce}'`,
    // The nonce lets the toolkit's FAST runtime add its feature-detection <style> (it reads the
    // csp-nonce meta); no 'unsafe-inline'.
    `style-src ${cspSource} 'nonce-${nonce}'`,
    `font-src ${cspSource}`,
    // Canvas exports become data: URLs; nothing is fetched.
    `img-src ${cspSource} data:`,
    "connect-src 'none'",
    "frame-src 'none'",
    "base-uri 'none'",
    "form-action 'none'",
  ].join('; ');
}

export function renderDashboardHtml(o: DashboardHtmlOptions): string {
  const csp = dashboardCsp(o.cspSource, o.nonce);
  const script = (src: string) => `<script nonce="${o.nonce}" src="${escapeHtml(src)}"></script>`;
  return `<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="UTF-8">
<meta http-equiv="Content-Security-Policy" content="${escapeHtml(csp)}">
<meta property="csp-nonce" content="${o.nonce}">
<meta name="viewport" content="width=device-width, initial-scale=1.0">
<link rel="stylesheet" href="${escapeHtml(o.styleUri)}">
<title>${escapeHtml(o.title ?? 'Robustness Lab dashboard')}</title>
</head>
<body>
<div id="app"><p class="rl-empty">Loading the dashboard…</p></div>
${(o.preludeScripts ?? []).map(script).join('\n')}
${script(o.scriptUri)}
</body>
</html>
`;
}
