export * from './schema';
export * from './summary';
export * from './events';
export * from './experiment';
export * from './preflight';
export * from './card';
