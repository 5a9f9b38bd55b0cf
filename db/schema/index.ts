export * from './auth';
export * from './files';
export * from './events';
export * from './work';
export * from './usage';
export * from './models';
export * from './audit';
export * from './devices';
