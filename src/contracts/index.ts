/**
 * What crosses between the controller, the activities and the workflows: operation names, the status query, failure
 * types, search attributes, the entity's messages and the sweeper's shapes. It imports nothing above the models, so
 * every layer may use it (the Temporal samples' `shared.ts`).
 */
export * from './operations';
export * from './failures';
export * from './status';
export * from './search-attributes';
export * from './entity';
export * from './entity-record';
export * from './sweeper';
export * from './tree';
export * from './catalog';
export * from './health';
