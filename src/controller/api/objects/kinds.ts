import type { z } from 'zod';
import type { FieldChanges } from '../../../contracts';
import {
  HealthMonitorSchema,
  L7PolicySchema,
  L7RuleSchema,
  ListenerSchema,
  MemberSchema,
  PoolSchema,
  type LoadBalancerTree,
  type TreeKind,
  type TreeObject,
} from '../../../models';
import { toChanges, withoutNulls } from './convert';
import * as bodies from './schemas';
import { healthMonitorView, l7PolicyView, l7RuleView, listenerView, memberView, poolView } from './views';

/** What a new object is made with besides its body: the load balancer's identity, its id and the time. */
export interface NewObject {
  loadBalancerId: string;
  projectId: string;
  id: string;
  now: string;
  /** Members and rules: the pool or policy in the path. */
  parentId?: string;
}

/** How the API handles one kind of object: its bodies, how an object is made and changed, and how it is shown. */
export interface KindSpec<K extends TreeKind> {
  kind: K;
  /** The body's wrapper and the answer's key: `listener`. */
  single: string;
  /** The listing's key: `listeners`. */
  plural: string;
  createBody: z.ZodType;
  updateBody: z.ZodType;
  /** Body fields that are not the object's own (they name where it goes). */
  placement: readonly string[];
  build(body: Record<string, unknown>, context: NewObject): TreeObject<K>;
  changes(body: Record<string, unknown>): FieldChanges;
  view(object: TreeObject<K>, tree: LoadBalancerTree): Record<string, unknown>;
}

const PLACEMENT = ['loadbalancer_id', 'listener_id', 'pool_id', 'project_id', 'tenant_id'] as const;

const status = (context: NewObject) => ({
  id: context.id,
  projectId: context.projectId,
  provisioningStatus: 'PENDING_CREATE',
  operatingStatus: 'OFFLINE',
  createdAt: context.now,
});

const fields = (body: Record<string, unknown>) => withoutNulls(toChanges(body, PLACEMENT));

const HTTP_MONITOR_DEFAULTS = { httpMethod: 'GET', urlPath: '/', expectedCodes: '200' };

/** An action's change clears the fields of the action it replaces (Octavia does the same). */
function policyChanges(body: Record<string, unknown>): FieldChanges {
  const changes = toChanges(body);
  const action = changes.action;
  if (typeof action !== 'string') return changes;
  const cleared: FieldChanges = {
    redirectPoolId: null,
    redirectUrl: null,
    redirectPrefix: null,
    redirectHttpCode: null,
  };
  if (action === 'REDIRECT_TO_POOL') delete cleared.redirectPoolId;
  if (action === 'REDIRECT_TO_URL') delete cleared.redirectUrl;
  if (action === 'REDIRECT_PREFIX') delete cleared.redirectPrefix;
  if (action === 'REDIRECT_TO_URL' || action === 'REDIRECT_PREFIX') cleared.redirectHttpCode = 302;
  return { ...cleared, ...changes };
}

export const LISTENERS: KindSpec<'listeners'> = {
  kind: 'listeners',
  single: 'listener',
  plural: 'listeners',
  createBody: bodies.CreateListenerBody,
  updateBody: bodies.UpdateListenerBody,
  placement: PLACEMENT,
  build: (body, context) =>
    ListenerSchema.parse({ ...fields(body), ...status(context), loadBalancerId: context.loadBalancerId }),
  changes: (body) => toChanges(body),
  view: listenerView,
};

export const POOLS: KindSpec<'pools'> = {
  kind: 'pools',
  single: 'pool',
  plural: 'pools',
  createBody: bodies.CreatePoolBody,
  updateBody: bodies.UpdatePoolBody,
  placement: PLACEMENT,
  build: (body, context) =>
    PoolSchema.parse({ ...fields(body), ...status(context), loadBalancerId: context.loadBalancerId }),
  changes: (body) => toChanges(body),
  view: poolView,
};

export const HEALTH_MONITORS: KindSpec<'healthMonitors'> = {
  kind: 'healthMonitors',
  single: 'healthmonitor',
  plural: 'healthmonitors',
  createBody: bodies.CreateHealthMonitorBody,
  updateBody: bodies.UpdateHealthMonitorBody,
  placement: PLACEMENT,
  build: (body, context) => {
    const http = body.type === 'HTTP' || body.type === 'HTTPS';
    return HealthMonitorSchema.parse({
      ...(http ? HTTP_MONITOR_DEFAULTS : {}),
      ...fields(body),
      ...status(context),
      poolId: body.pool_id,
    });
  },
  changes: (body) => toChanges(body),
  view: (monitor) => healthMonitorView(monitor),
};

export const L7_POLICIES: KindSpec<'l7Policies'> = {
  kind: 'l7Policies',
  single: 'l7policy',
  plural: 'l7policies',
  createBody: bodies.CreateL7PolicyBody,
  updateBody: bodies.UpdateL7PolicyBody,
  placement: PLACEMENT,
  build: (body, context) => {
    const redirect = body.action === 'REDIRECT_TO_URL' || body.action === 'REDIRECT_PREFIX';
    return L7PolicySchema.parse({
      // Past the end means last: the tree numbers the listener's policies 1..n.
      position: 2_147_483_647,
      ...(redirect ? { redirectHttpCode: 302 } : {}),
      ...fields(body),
      ...status(context),
      listenerId: body.listener_id,
    });
  },
  changes: policyChanges,
  view: l7PolicyView,
};

export const MEMBERS: KindSpec<'members'> = {
  kind: 'members',
  single: 'member',
  plural: 'members',
  createBody: bodies.CreateMemberBody,
  updateBody: bodies.UpdateMemberBody,
  placement: PLACEMENT,
  build: (body, context) => MemberSchema.parse({ ...fields(body), ...status(context), poolId: context.parentId }),
  changes: (body) => toChanges(body),
  view: (member) => memberView(member),
};

export const L7_RULES: KindSpec<'l7Rules'> = {
  kind: 'l7Rules',
  single: 'rule',
  plural: 'rules',
  createBody: bodies.CreateL7RuleBody,
  updateBody: bodies.UpdateL7RuleBody,
  placement: PLACEMENT,
  build: (body, context) => L7RuleSchema.parse({ ...fields(body), ...status(context), l7PolicyId: context.parentId }),
  changes: (body) => toChanges(body),
  view: (rule) => l7RuleView(rule),
};
