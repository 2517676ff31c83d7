// Every fact about attacks, methods, data sets, models, ε grids and warning codes, defined once.
// Leaf code (no TensorFlow, no Node, no vscode): the engine, the extension host and the webview
// bundle all import it.
export * from './attacks';
export * from './methods';
export * from './data';
export * from './models';
export * from './warnings';
