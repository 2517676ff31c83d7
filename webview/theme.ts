// VS Code theme colours, read from the CSS variables VS Code sets on the webview, re-read when the
// theme changes (VS Code swaps the body class: vscode-light / vscode-dark / vscode-high-contrast).

export interface Theme {
  kind: 'light' | 'dark' | 'high-contrast' | 'high-contrast-light';
  fg: string;
  muted: string;
  bg: string;
  grid: string;
  border: string;
  font: string;
  palette: string[];
  lineWidth: number;
}

function cssVar(style: CSSStyleDeclaration, name: string, fallback: string): string {
  const v = style.getPropertyValue(name).trim();
  return v || fallback;
}

export function themeKind(body: HTMLElement = document.body): Theme['kind'] {
  const c = body.classList;
  if (c.contains('vscode-high-contrast-light')) return 'high-contrast-light';
  if (c.contains('vscode-high-contrast')) return 'high-contrast';
  if (c.contains('vscode-dark')) return 'dark';
  return 'light';
}

export function readTheme(): Theme {
  const style = getComputedStyle(document.body);
  const kind = themeKind();
  const dark = kind === 'dark' || kind === 'high-contrast';
  const fg = cssVar(style, '--vscode-editor-foreground', dark ? '#cccccc' : '#333333');
  const hc = kind.startsWith('high-contrast');
  return {
    kind,
    fg,
    muted: cssVar(style, '--vscode-descriptionForeground', dark ? '#9d9d9d' : '#717171'),
    bg: cssVar(style, '--vscode-editor-background', dark ? '#1e1e1e' : '#ffffff'),
    grid: hc ? cssVar(style, '--vscode-contrastBorder', fg) + '66' : cssVar(style, '--vscode-charts-lines', dark ? '#80808059' : '#80808040'),
    border: cssVar(style, '--vscode-panel-border', dark ? '#80808059' : '#80808059'),
    font: cssVar(style, '--vscode-font-family', 'system-ui, sans-serif'),
    palette: [
      cssVar(style, '--vscode-charts-blue', dark ? '#3794ff' : '#1a85ff'),
      cssVar(style, '--vscode-charts-red', dark ? '#f14c4c' : '#e51400'),
      cssVar(style, '--vscode-charts-green', dark ? '#89d185' : '#388a34'),
      cssVar(style, '--vscode-charts-orange', dark ? '#d18616' : '#d18616'),
      cssVar(style, '--vscode-charts-purple', dark ? '#b180d7' : '#652d90'),
      cssVar(style, '--vscode-charts-yellow', dark ? '#cca700' : '#bf8803'),
      fg,
    ],
    lineWidth: hc ? 2.5 : 1.5,
  };
}

export const themeSignature = (t: Theme) => JSON.stringify(t);

/** Calls `onChange` when the body's theme class (or VS Code's theme-kind attribute) changes. */
export function watchTheme(onChange: (t: Theme) => void): MutationObserver {
  let last = themeSignature(readTheme());
  const obs = new MutationObserver(() => {
    const t = readTheme();
    const sig = themeSignature(t);
    if (sig === last) return;
    last = sig;
    onChange(t);
  });
  obs.observe(document.body, { attributes: true, attributeFilter: ['class', 'data-vscode-theme-kind', 'data-vscode-theme-id'] });
  obs.observe(document.documentElement, { attributes: true, attributeFilter: ['style'] });
  return obs;
}
