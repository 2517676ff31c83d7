// Writes the extension's manifest keys into package.json (contributes, activationEvents,
// categories, extensionKind, capabilities, icon, galleryBanner, scripts test:e2e / package) and
// leaves every other key alone. `node scripts/extension-manifest.mjs [package.json]`. The settings
// that come from the catalogue are `npm run gen`'s (scripts/gen.ts).
import fs from 'node:fs';

const file = process.argv[2] ?? 'package.json';
const pkg = JSON.parse(fs.readFileSync(file, 'utf8'));

const cat = 'Robustness';
const commands = [
  ['robustlab.train', 'Adversarially Train Model', '$(beaker)'],
  ['robustlab.attack', 'Attack Current Model', '$(zap)'],
  ['robustlab.curve', 'Evaluate Robustness Curve', '$(graph-line)'],
  ['robustlab.openDashboard', 'Open Dashboard', '$(dashboard)'],
  ['robustlab.stop', 'Stop Run', '$(debug-stop)'],
  ['robustlab.compare', 'Compare Runs', '$(diff)'],
  ['robustlab.exportReport', 'Export Report', '$(export)'],
  ['robustlab.showLog', 'Show Log', '$(output)'],
  ['robustlab.installEngineRuntime', 'Install Engine Runtime', '$(cloud-download)'],
  ['robustlab.sweepLambda', 'Sweep λ', '$(symbol-numeric)'],
  ['robustlab.sweepEps', 'Sweep ε', '$(symbol-numeric)'],
  ['robustlab.sweepMethod', 'Sweep Method', '$(list-tree)'],
  ['robustlab.sweep', 'Sweep Experiment…', '$(run-all)'],
  ['robustlab.stopSweep', 'Stop Sweep', '$(debug-stop)'],
  ['robustlab.resumeSweep', 'Resume Sweep', '$(debug-continue)'],
  ['robustlab.openExperiments', 'Open Experiments Table', '$(table)'],
  ['robustlab.saveAsExperiment', 'Save Run as Experiment', '$(save)'],
];
const viewCommands = [
  ['robustlab.runs.open', 'Open Dashboard', '$(dashboard)'],
  ['robustlab.runs.compare', 'Compare Selected Runs', '$(diff)'],
  ['robustlab.runs.delete', 'Delete Run…', '$(trash)'],
  ['robustlab.runs.reveal', 'Reveal Run Folder', '$(folder-opened)'],
  ['robustlab.runs.stop', 'Stop Run', '$(debug-stop)'],
  ['robustlab.runs.exportReport', 'Export Report', '$(export)'],
  ['robustlab.runs.refresh', 'Refresh', '$(refresh)'],
];
const catalogueSettings = pkg.contributes?.configuration?.properties ?? {};
const experimentOrModel = 'resourceFilename =~ /\\.advtrain\\.json$/ || resourceFilename == model.json';

pkg.categories = ['Machine Learning', 'Data Science', 'Visualization'];
pkg.icon = 'media/icon.png';
pkg.galleryBanner = { color: '#1e2a38', theme: 'dark' };
pkg.extensionKind = ['workspace'];
pkg.capabilities = {
  untrustedWorkspaces: {
    supported: 'limited',
    description: 'In an untrusted workspace Robustness Lab shows stored runs but runs no training or attack (the engine executes on files from the workspace).',
    restrictedConfigurations: ['robustlab.nodePath', 'robustlab.runsFolder', 'robustlab.enginePath'],
  },
  virtualWorkspaces: { supported: false, description: 'The engine needs the files on disk.' },
};
pkg.activationEvents = [
  ...commands.map(([id]) => `onCommand:${id}`),
  'workspaceContains:**/*.advtrain.json',
  'workspaceContains:**/model.json',
  'onLanguage:json',
  'onView:robustlab.runs',
  'onWebviewPanel:robustlab.dashboard',
];
pkg.contributes = {
  commands: [...commands.map(([command, title, icon]) => ({ command, title, category: cat, icon })), ...viewCommands.map(([command, title, icon]) => ({ command, title, category: cat, icon }))],
  menus: {
    commandPalette: [...viewCommands.map(([command]) => ({ command, when: 'false' })), { command: 'robustlab.saveAsExperiment', when: 'false' }],
    'editor/title': [
      { command: 'robustlab.train', when: 'resourceFilename =~ /\\.advtrain\\.json$/', group: 'navigation@1' },
      { command: 'robustlab.attack', when: 'resourceFilename == model.json', group: 'navigation@1' },
      { command: 'robustlab.sweepLambda', when: 'resourceFilename =~ /\\.advtrain\\.json$/', group: 'navigation@2' },
    ],
    'explorer/context': [
      { command: 'robustlab.train', when: experimentOrModel, group: 'robustlab@1' },
      { command: 'robustlab.attack', when: 'resourceFilename == model.json', group: 'robustlab@2' },
      { command: 'robustlab.curve', when: 'resourceFilename == model.json', group: 'robustlab@3' },
    ],
    'view/title': [
      { command: 'robustlab.train', when: 'view == robustlab.runs', group: 'navigation@1' },
      { command: 'robustlab.compare', when: 'view == robustlab.runs', group: 'navigation@2' },
      { command: 'robustlab.openExperiments', when: 'view == robustlab.runs', group: 'navigation@3' },
      { command: 'robustlab.runs.refresh', when: 'view == robustlab.runs', group: 'navigation@4' },
      { command: 'robustlab.showLog', when: 'view == robustlab.runs', group: 'more' },
    ],
    'view/item/context': [
      { command: 'robustlab.runs.open', when: 'view == robustlab.runs && viewItem =~ /^robustlab\\.run/', group: 'inline@1' },
      { command: 'robustlab.runs.stop', when: 'view == robustlab.runs && viewItem == robustlab.run.live', group: 'inline@2' },
      { command: 'robustlab.runs.open', when: 'view == robustlab.runs && viewItem =~ /^robustlab\\.run/', group: '1_open@1' },
      { command: 'robustlab.runs.compare', when: 'view == robustlab.runs && listMultiSelection && viewItem =~ /^robustlab\\.run/', group: '1_open@2' },
      { command: 'robustlab.runs.exportReport', when: 'view == robustlab.runs && viewItem == robustlab.run', group: '1_open@3' },
      { command: 'robustlab.runs.reveal', when: 'view == robustlab.runs && viewItem =~ /^robustlab\\.run/', group: '2_files@1' },
      { command: 'robustlab.runs.stop', when: 'view == robustlab.runs && viewItem == robustlab.run.live', group: '3_run@1' },
      { command: 'robustlab.runs.delete', when: 'view == robustlab.runs && viewItem == robustlab.run', group: '9_delete@1' },
    ],
  },
  viewsContainers: {
    activitybar: [{ id: 'robustlab', title: 'Robustness Lab', icon: 'media/robustlab.svg' }],
  },
  views: {
    robustlab: [{ id: 'robustlab.runs', name: 'Robustness Runs', icon: 'media/robustlab.svg', contextualTitle: 'Robustness Lab' }],
  },
  viewsWelcome: [
    {
      view: 'robustlab.runs',
      contents:
        'No runs yet.\n[Adversarially Train Model](command:robustlab.train)\nOpen a model.json and run [Attack Current Model](command:robustlab.attack), or write an experiment file (*.advtrain.json).',
    },
  ],
  jsonValidation: [{ fileMatch: '*.advtrain.json', url: './schemas/advtrain.schema.json' }],
  languages: [{ id: 'json', filenamePatterns: ['*.advtrain.json'] }],
  configuration: {
    title: 'Robustness Lab',
    properties: {
      // Generated from the catalogue by `npm run gen` (src/extension/settingsSchema.ts): kept as they are.
      'robustlab.defaultEps': catalogueSettings['robustlab.defaultEps'],
      'robustlab.defaultAttacks': catalogueSettings['robustlab.defaultAttacks'],
      'robustlab.testPoints': { type: 'integer', minimum: 1, default: 500, description: 'Test points attacked by default (always reported with the accuracy).' },
      'robustlab.runsFolder': {
        type: 'string',
        default: '.robustlab/runs',
        scope: 'resource',
        description: 'Where runs are stored: relative to the workspace folder, or absolute.',
      },
      'robustlab.nodePath': {
        type: 'string',
        default: '',
        scope: 'machine-overridable',
        description: "The Node.js binary that runs the engine (needs Node ≥ 20). Empty: VS Code's own Node.",
      },
      'robustlab.stopGraceSeconds': {
        type: 'number',
        minimum: 1,
        default: 15,
        description: 'How long Stop Run waits for the engine to save and finish before killing it.',
      },
      'robustlab.enginePath': {
        type: 'string',
        default: '',
        scope: 'machine-overridable',
        description: 'Development: run this engine script instead of the bundled dist/engine/cli.js.',
      },
    },
  },
};
pkg.scripts = { ...pkg.scripts };
pkg.scripts['test:e2e'] ??= 'bash test/e2e/run-e2e.sh';
pkg.scripts.package ??= 'npm run build && vsce package --no-dependencies --allow-missing-repository --no-rewrite-relative-links --skip-license -o robustness-lab.vsix';

fs.writeFileSync(file, JSON.stringify(pkg, null, 2) + '\n');
console.log(`updated ${file}: ${pkg.contributes.commands.length} commands, ${pkg.activationEvents.length} activation events`);
