/** The objects behind a VIP: how a change to them is checked, marked pending and settled. Pure; workflows use it. */
export * from './changes';
export * from './relations';
export * from './merge';
export * from './object-rules';
export * from './tree-rules';
export * from './apply';
export * from './ports';
