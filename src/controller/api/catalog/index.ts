/** The operators' catalog on Octavia's routes: flavors, availability zones, their profiles, providers, quotas. */
export { catalogRoutes, providerRoutes } from './routes';
export { Quotas, QUOTA_OF } from './quotas';
export * from './specs';
