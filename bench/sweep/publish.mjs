// Copies a finished sweep's report, table and SVG plots into bench/sweep/results/<name>/ and renders
// each plot to PNG in headless Chromium (the same SVG, at twice its size), refusing a blank render:
// a PNG must have many distinct colours and more than 2% of its pixels off the background.
//   node bench/sweep/publish.mjs SWEEP_DIR [NAME]
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium } from 'playwright-core';

const here = path.dirname(fileURLToPath(import.meta.url));
const [sweepDir, nameArg] = process.argv.slice(2);
if (!sweepDir || !fs.existsSync(path.join(sweepDir, 'report.md'))) {
  console.error(`usage: node bench/sweep/publish.mjs SWEEP_DIR [NAME] (no report.md in ${sweepDir})`);
  process.exit(2);
}
const manifest = JSON.parse(fs.readFileSync(path.join(sweepDir, 'sweep.json'), 'utf8'));
const name = nameArg ?? path.basename(manifest.experiment).replace(/\.advtrain\.json$/, '');
const out = path.join(here, 'results', name);
fs.rmSync(out, { recursive: true, force: true });
fs.mkdirSync(path.join(out, 'plots'), { recursive: true });
fs.copyFileSync(path.join(sweepDir, 'report.md'), path.join(out, 'report.md'));
fs.copyFileSync(path.join(sweepDir, 'table.json'), path.join(out, 'table.json'));
if (fs.existsSync(path.join(sweepDir, 'recommended.advtrain.json'))) fs.copyFileSync(path.join(sweepDir, 'recommended.advtrain.json'), path.join(out, 'recommended.advtrain.json'));
// The table alone, for the closing note: the report's "Runs" and "Settings" sections.
const report = fs.readFileSync(path.join(sweepDir, 'report.md'), 'utf8');
const section = (title) => {
  const m = new RegExp(`## (${title}[^\\n]*)\\n([\\s\\S]*?)(?=\\n## |$)`).exec(report);
  return m ? `## ${m[1]}\n\n${m[2].trim()}\n` : '';
};
fs.writeFileSync(path.join(out, 'table.md'), [`# Sweep ${manifest.sweepId}`, '', section('Recommendation'), section('Runs'), section('Settings \\(seeds as one'), ''].join('\n'));

const browser = await chromium.launch({ executablePath: process.env.CHROMIUM ?? '/usr/bin/chromium', args: ['--headless', '--no-sandbox', '--disable-gpu'] });
const page = await browser.newPage({ viewport: { width: 640, height: 380 }, deviceScaleFactor: 2 });
const checks = [];
for (const f of fs
  .readdirSync(path.join(sweepDir, 'plots'))
  .filter((x) => x.endsWith('.svg'))
  .sort()) {
  const svg = fs.readFileSync(path.join(sweepDir, 'plots', f), 'utf8');
  fs.writeFileSync(path.join(out, 'plots', f), svg);
  await page.setContent(`<!doctype html><html><body style="margin:0;background:#fff">${svg}</body></html>`);
  const png = path.join(out, 'plots', f.replace(/\.svg$/, '.png'));
  await page.locator('svg').first().screenshot({ path: png });
  const stats = await page.evaluate(
    async (dataUrl) => {
      const im = new Image();
      await new Promise((r, j) => {
        im.onload = r;
        im.onerror = j;
        im.src = dataUrl;
      });
      const c = document.createElement('canvas');
      c.width = im.width;
      c.height = im.height;
      const ctx = c.getContext('2d');
      ctx.drawImage(im, 0, 0);
      const d = ctx.getImageData(0, 0, c.width, c.height).data;
      const colours = new Set();
      let ink = 0;
      for (let i = 0; i < d.length; i += 4) {
        colours.add((d[i] << 16) | (d[i + 1] << 8) | d[i + 2]);
        if (d[i] + d[i + 1] + d[i + 2] < 720) ink++;
      }
      return { width: c.width, height: c.height, colours: colours.size, inkFraction: ink / (d.length / 4) };
    },
    `data:image/png;base64,${fs.readFileSync(png).toString('base64')}`,
  );
  const points = Number(/data-points="(\d+)"/.exec(svg)?.[1] ?? 0);
  const ok = stats.colours > 20 && stats.inkFraction > 0.02;
  checks.push({ plot: f, png: path.relative(here, png), points, ...stats, ok });
  console.log(`${ok ? 'ok  ' : 'BLANK'} ${f}: ${stats.width}×${stats.height}, ${stats.colours} colours, ${(stats.inkFraction * 100).toFixed(1)}% ink, ${points} run points`);
}
await browser.close();
fs.writeFileSync(path.join(out, 'plots', 'checks.json'), `${JSON.stringify(checks, null, 1)}\n`);
if (checks.some((c) => !c.ok)) {
  console.error('a plot rendered blank');
  process.exit(1);
}
console.log(`published to ${out}`);
