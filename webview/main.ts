// Dashboard webview entry (bundled by esbuild into dist/webview/dashboard.js + dashboard.css).
import 'uplot/dist/uPlot.min.css';
import './dashboard.css';
import './experiments.css';
import { Dashboard, type VsCodeApi } from './dashboard';
import { registerToolkit } from './toolkit';

declare function acquireVsCodeApi(): VsCodeApi;

registerToolkit();
const root = document.getElementById('app');
if (!root) throw new Error('robustlab dashboard: #app is missing');
new Dashboard(root, acquireVsCodeApi());
