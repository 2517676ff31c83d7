export * from './schema';
export * from './summary';
export * from './events';
export * from './experiment';
export * from './catalogue';
export * from './format';
export * from './fields';
export * from './modelJson';
