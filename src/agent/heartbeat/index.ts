export { HeartbeatSchema, MemberHealthSchema, type Heartbeat } from './message';
export { MAX_DATAGRAM_BYTES, openHeartbeat, sealHeartbeat, type DropReason, type Opened } from './envelope';
export { memberHealth, statusOf } from './status';
export { startHeartbeats, type HeartbeatSender, type HeartbeatSettings } from './sender';
