// Test harness prelude, loaded before the dashboard bundle with the page's CSP nonce. It stands in
// for VS Code: acquireVsCodeApi records postMessage calls and keeps state in sessionStorage (so it
// survives a reload, like VS Code's webview state), and setTheme applies theme variables the way
// VS Code does (CSS variables on <html>, a theme class on <body>).
(function () {
  'use strict';
  const STATE_KEY = 'robustlab-harness-state';
  window.__messages = [];
  window.__cspViolations = [];
  document.addEventListener('securitypolicyviolation', (e) => {
    window.__cspViolations.push(`${e.violatedDirective} ${e.blockedURI} ${e.sourceFile}:${e.lineNumber}:${e.columnNumber} ${e.sample}`);
  });
  let acquired = false;
  window.acquireVsCodeApi = function () {
    if (acquired) throw new Error('acquireVsCodeApi may only be called once');
    acquired = true;
    return {
      postMessage(msg) { window.__messages.push(JSON.parse(JSON.stringify(msg))); },
      getState() { const s = sessionStorage.getItem(STATE_KEY); return s ? JSON.parse(s) : undefined; },
      setState(s) { sessionStorage.setItem(STATE_KEY, JSON.stringify(s)); return s; },
    };
  };
  window.__getState = () => { const s = sessionStorage.getItem(STATE_KEY); return s ? JSON.parse(s) : undefined; };
  window.__host = (msg) => window.postMessage(msg, '*');

  const THEMES = {
    light: {
      cls: 'vscode-light',
      vars: {
        'font-family': 'system-ui, -apple-system, "Segoe UI", sans-serif', 'font-size': '13px', 'editor-font-family': 'monospace',
        foreground: '#3b3b3b', 'editor-foreground': '#3b3b3b', 'editor-background': '#ffffff', descriptionForeground: '#717171',
        'panel-border': '#e5e5e5', 'widget-border': '#d4d4d4', 'editorWidget-background': '#f8f8f8', 'focusBorder': '#005fb8',
        'badge-background': '#cccccc', 'badge-foreground': '#3b3b3b', 'textLink-foreground': '#005fb8', 'textLink-activeForeground': '#005fb8',
        'charts-foreground': '#616161', 'charts-lines': 'rgba(97,97,97,0.25)', 'charts-red': '#e51400', 'charts-blue': '#1a85ff',
        'charts-yellow': '#bf8803', 'charts-orange': '#d18616', 'charts-green': '#388a34', 'charts-purple': '#652d90',
        'errorForeground': '#f85149', 'editorWarning-foreground': '#bf8803', 'editorInfo-foreground': '#1a85ff', 'testing-iconPassed': '#388a34',
        'progressBar-background': '#005fb8', 'input-background': '#ffffff', 'widget-shadow': 'rgba(0,0,0,0.16)',
        'button-background': '#005fb8', 'button-foreground': '#ffffff', 'button-secondaryBackground': '#e5e5e5', 'button-secondaryForeground': '#3b3b3b',
        'dropdown-background': '#ffffff', 'dropdown-border': '#cecece', 'dropdown-foreground': '#3b3b3b',
        'checkbox-background': '#f8f8f8', 'checkbox-border': '#cecece', 'checkbox-foreground': '#3b3b3b',
        'panelTitle-activeForeground': '#3b3b3b', 'panelTitle-activeBorder': '#005fb8', 'panelTitle-inactiveForeground': '#3b3b3b99',
        'panel-background': '#f8f8f8',
      },
    },
    dark: {
      cls: 'vscode-dark',
      vars: {
        'font-family': 'system-ui, -apple-system, "Segoe UI", sans-serif', 'font-size': '13px', 'editor-font-family': 'monospace',
        foreground: '#cccccc', 'editor-foreground': '#cccccc', 'editor-background': '#1f1f1f', descriptionForeground: '#9d9d9d',
        'panel-border': '#2b2b2b', 'widget-border': '#313131', 'editorWidget-background': '#202020', 'focusBorder': '#0078d4',
        'badge-background': '#616161', 'badge-foreground': '#f8f8f8', 'textLink-foreground': '#4daafc', 'textLink-activeForeground': '#4daafc',
        'charts-foreground': '#cccccc', 'charts-lines': 'rgba(204,204,204,0.25)', 'charts-red': '#f14c4c', 'charts-blue': '#3794ff',
        'charts-yellow': '#cca700', 'charts-orange': '#d18616', 'charts-green': '#89d185', 'charts-purple': '#b180d7',
        'errorForeground': '#f85149', 'editorWarning-foreground': '#cca700', 'editorInfo-foreground': '#3794ff', 'testing-iconPassed': '#73c991',
        'progressBar-background': '#0078d4', 'input-background': '#313131', 'widget-shadow': 'rgba(0,0,0,0.36)',
        'button-background': '#0078d4', 'button-foreground': '#ffffff', 'button-secondaryBackground': '#313131', 'button-secondaryForeground': '#cccccc',
        'dropdown-background': '#313131', 'dropdown-border': '#3c3c3c', 'dropdown-foreground': '#cccccc',
        'checkbox-background': '#313131', 'checkbox-border': '#3c3c3c', 'checkbox-foreground': '#cccccc',
        'panelTitle-activeForeground': '#cccccc', 'panelTitle-activeBorder': '#0078d4', 'panelTitle-inactiveForeground': '#9d9d9d',
        'panel-background': '#181818',
      },
    },
    'high-contrast': {
      cls: 'vscode-high-contrast',
      vars: {
        'font-family': 'system-ui, sans-serif', 'font-size': '13px', 'editor-font-family': 'monospace',
        foreground: '#ffffff', 'editor-foreground': '#ffffff', 'editor-background': '#000000', descriptionForeground: '#ffffff',
        'panel-border': '#6fc3df', 'widget-border': '#6fc3df', contrastBorder: '#6fc3df', 'editorWidget-background': '#0c141f',
        'charts-foreground': '#ffffff', 'charts-lines': 'rgba(255,255,255,0.5)', 'charts-red': '#f14c4c', 'charts-blue': '#3794ff',
        'charts-yellow': '#ffd700', 'charts-orange': '#d18616', 'charts-green': '#89d185', 'charts-purple': '#b180d7',
        'errorForeground': '#f48771', 'editorWarning-foreground': '#ffd700', 'editorInfo-foreground': '#3794ff', 'testing-iconPassed': '#89d185',
        'focusBorder': '#f38518', 'textLink-foreground': '#21a6ff', 'button-background': '#000000', 'button-foreground': '#ffffff',
        'dropdown-background': '#000000', 'dropdown-border': '#6fc3df', 'dropdown-foreground': '#ffffff',
        'checkbox-background': '#000000', 'checkbox-border': '#6fc3df', 'checkbox-foreground': '#ffffff',
        'panelTitle-activeForeground': '#ffffff', 'panelTitle-activeBorder': '#6fc3df', 'panelTitle-inactiveForeground': '#ffffff',
      },
    },
  };
  window.__setTheme = function (name) {
    const t = THEMES[name];
    if (!t) throw new Error(`unknown theme ${name}`);
    const root = document.documentElement;
    for (const prop of Array.from(root.style)) if (prop.startsWith('--vscode-')) root.style.removeProperty(prop);
    for (const [k, v] of Object.entries(t.vars)) root.style.setProperty(`--vscode-${k}`, v);
    const apply = () => {
      document.body.classList.remove('vscode-light', 'vscode-dark', 'vscode-high-contrast');
      document.body.classList.add(t.cls);
      document.body.dataset.vscodeThemeKind = t.cls;
    };
    if (document.body) apply(); else document.addEventListener('DOMContentLoaded', apply, { once: true });
  };
  window.__setTheme(new URLSearchParams(location.search).get('theme') || 'light');
})();
