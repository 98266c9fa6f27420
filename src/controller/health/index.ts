export {
  MemoryHeartbeatStore,
  SqliteHeartbeatStore,
  openHeartbeatStore,
  type HeartbeatRecord,
  type HeartbeatStore,
} from './store';
export {
  startHealthListener,
  type HealthListener,
  type HealthListenerOptions,
  type HeartbeatOutcome,
} from './listener';
