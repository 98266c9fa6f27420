export * from './enums';
export * from './network';
export * from './load-balancer';
export * from './compute';
export * from './names';
export * from './requests';
export * from './validation';
export * from './ownership';
