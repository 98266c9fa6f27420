import { z } from 'zod';
import { AntiAffinityPolicySchema, ConfigDriveFilesSchema, KeysSchema, UserDataSchema } from './compute';
import { AmphoraRoleSchema, AmphoraTypeSchema, TopologySchema } from './enums';
import { LoadBalancerSchema, VipSchema } from './load-balancer';
import { LoadBalancerTreeSchema } from './tree';
import { IpAddressSchema, ResourceIdSchema } from './network';
import { NO_CONTROL_CHARACTERS } from './validation';

/**
 * The inputs of the workflows. They are validated inside the workflow before any driver is called, so a bad request
 * fails at once with a non-retryable error that names the field, whoever started the workflow.
 */

/** A name, description or tag: at most 255 characters, none of them a control character. */
const PlainTextSchema = z.string().max(255).regex(NO_CONTROL_CHARACTERS, 'control characters are not allowed');

/** How long to wait for things, and how hard to retry them. Defaults follow Octavia where it has one. */
export const TimingSchema = z
  .object({
    /** Start-to-close timeout of one driver call. */
    activityTimeoutMs: z.number().int().positive().default(60_000),
    /** Attempts of a driver call before its step fails (transient faults only; permanent ones fail at once). */
    maxAttempts: z.number().int().positive().max(100).default(5),
    /** First retry delay; doubles up to 10 s. */
    retryInitialIntervalMs: z.number().int().positive().default(500),
    /** Attempts of one compensation before its resource is reported as leaked. */
    compensationMaxAttempts: z.number().int().positive().max(100).default(10),
    /** Octavia's amp_active_wait_sec: time between two looks at a booting amphora. */
    buildPollIntervalMs: z.number().int().positive().default(10_000),
    /** Octavia's amp_active_retries: looks before a boot counts as failed. */
    buildPollAttempts: z.number().int().positive().default(30),
  })
  .strict()
  // prefault, not default: the empty object is parsed, so each field's own default applies.
  .prefault({});
export type Timing = z.output<typeof TimingSchema>;

/** What every amphora of a load balancer is built from. */
export const AmphoraTemplateSchema = z
  .object({
    amphoraType: AmphoraTypeSchema.default('VM'),
    imageId: ResourceIdSchema,
    flavor: ResourceIdSchema,
    /** The management network the controller reaches the amphorae on. */
    managementNetworkId: ResourceIdSchema,
    keys: KeysSchema.default([]),
    securityGroups: z.array(ResourceIdSchema).max(50).default([]),
    configDriveFiles: ConfigDriveFilesSchema.default({}),
    userData: UserDataSchema.optional(),
    availabilityZone: z.string().min(1).optional(),
  })
  .strict();
export type AmphoraTemplate = z.input<typeof AmphoraTemplateSchema>;

/** Where a VIP goes: a subnet, a network, or a port the user made; with the address and QoS policy asked for. */
const VipTargetSchema = z.object({
  subnetId: ResourceIdSchema.optional(),
  networkId: ResourceIdSchema.optional(),
  portId: ResourceIdSchema.optional(),
  ipAddress: IpAddressSchema.optional(),
  qosPolicyId: ResourceIdSchema.optional(),
});
const namesVipTarget = (vip: z.output<typeof VipTargetSchema>) => vip.subnetId ?? vip.networkId ?? vip.portId;

/** The VIP of a create request. */
export const VipRequestSchema = VipTargetSchema.strict().refine(namesVipTarget, {
  error: 'name the VIP subnetId, networkId or portId',
});
export type VipRequest = z.input<typeof VipRequestSchema>;

/**
 * What a network driver's `allocateVip` takes: the VIP target of the load balancer, checked before any call so that a
 * malformed request is a ValidationError naming the field, whichever driver gets it.
 */
export const AllocateVipRequestSchema = VipTargetSchema.extend({
  loadBalancerId: ResourceIdSchema,
  projectId: ResourceIdSchema.optional(),
})
  .strict()
  .refine(namesVipTarget, { error: 'name a subnetId, a networkId or a portId for the VIP', path: ['vip'] });
export type AllocateVipRequest = z.input<typeof AllocateVipRequestSchema>;

/** A port the VIP's security group opens. */
export const ListenerPortSchema = z.object({
  protocol: z.enum(['TCP', 'UDP']),
  port: z.number().int().min(1).max(65535),
});
export type ListenerPort = z.infer<typeof ListenerPortSchema>;

export const CreateLoadBalancerInputSchema = z
  .object({
    loadBalancerId: ResourceIdSchema,
    projectId: ResourceIdSchema,
    name: PlainTextSchema.default(''),
    description: PlainTextSchema.default(''),
    /** False keeps the load balancer built but administratively down. */
    adminStateUp: z.boolean().default(true),
    topology: TopologySchema,
    vip: VipRequestSchema,
    amphora: AmphoraTemplateSchema,
    listenerPorts: z.array(ListenerPortSchema).max(100).default([]),
    /** Octavia's [nova] anti_affinity_policy: how the MASTER and BACKUP of ACTIVE_STANDBY keep apart. */
    antiAffinityPolicy: AntiAffinityPolicySchema.default('anti-affinity'),
    flavorId: ResourceIdSchema.optional(),
    tags: z.array(PlainTextSchema).max(50).default([]),
    timing: TimingSchema,
  })
  .strict();
export type CreateLoadBalancerInput = z.input<typeof CreateLoadBalancerInputSchema>;
export type ValidCreateLoadBalancerInput = z.output<typeof CreateLoadBalancerInputSchema>;

/** The reusable unit: build one amphora, wait until it is up, and plug the VIP into it. */
export const CreateAmphoraInputSchema = z
  .object({
    loadBalancerId: ResourceIdSchema,
    /** Chosen by the caller, so that a retried build finds the instance named `amphora-<amphoraId>`. */
    amphoraId: ResourceIdSchema,
    role: AmphoraRoleSchema,
    vip: VipSchema,
    amphora: AmphoraTemplateSchema,
    serverGroupId: ResourceIdSchema.optional(),
    timing: TimingSchema,
  })
  .strict();
export type CreateAmphoraInput = z.input<typeof CreateAmphoraInputSchema>;

/** A load balancer as the workflows that change it need it: its record, and the template its amphorae came from. */
const ExistingLoadBalancerSchema = LoadBalancerSchema.extend({
  amphoraTemplate: AmphoraTemplateSchema.optional(),
  adminStateUp: z.boolean().default(true),
});

export const DeleteLoadBalancerInputSchema = z
  .object({ loadBalancer: ExistingLoadBalancerSchema, timing: TimingSchema })
  .strict();
export type DeleteLoadBalancerInput = z.input<typeof DeleteLoadBalancerInputSchema>;

export const FailoverAmphoraInputSchema = z
  .object({
    loadBalancer: ExistingLoadBalancerSchema.extend({ amphoraTemplate: AmphoraTemplateSchema }),
    /** The amphora to replace. */
    amphoraId: ResourceIdSchema,
    timing: TimingSchema,
  })
  .strict();
export type FailoverAmphoraInput = z.input<typeof FailoverAmphoraInputSchema>;

/** The orphan sweeper's input: both fields are required, so that a sweep that deletes is always asked for. */
export const SweepOrphansInputSchema = z
  .object({
    /** Report what would be removed, and remove nothing. */
    dryRun: z.boolean({ error: 'expected true (report only) or false (remove orphans)' }),
    /** How long a resource must stay orphaned, between two looks, before it is removed. */
    graceMs: z
      .number()
      .int('expected whole milliseconds')
      .min(0)
      .max(7 * 24 * 3_600_000, 'at most 7 days'),
    /** At most this many removals in one sweep (the rest waits for the next), to keep the history bounded. */
    maxRemovals: z.number().int().positive().max(5_000).default(500),
  })
  .strict();
export type SweepOrphansInput = z.input<typeof SweepOrphansInputSchema>;

/** The health manager's settings (see `HealthSettings` in contracts/health.ts). */
export const HealthSettingsSchema = z
  .object({
    heartbeatTimeoutMs: z.number().int('expected whole milliseconds').min(100, 'at least 100 ms'),
    checkIntervalMs: z.number().int('expected whole milliseconds').min(50, 'at least 50 ms').max(600_000),
    failoverThreshold: z.number().int('expected a number of amphorae').min(0).optional(),
  })
  .strict();

/**
 * The health manager's input: its settings, and what it remembers when it continues as new (its own state, taken as
 * it is: only the manager writes it).
 */
export const HealthManagerInputSchema = z
  .object({
    settings: HealthSettingsSchema,
    memory: z.looseObject({}).optional(),
    /**
     * How many history events a run may reach before it continues as new (2,000 if left out). Tests lower it to see
     * many runs of the chain in a few seconds.
     */
    historyLimit: z.number().int('expected a number of events').min(20, 'at least 20 events').max(40_000).optional(),
  })
  .strict();

export const MemberNetworkInputSchema = z
  .object({
    loadBalancer: ExistingLoadBalancerSchema,
    networkId: ResourceIdSchema,
    /** Address to ask for on plug, or the one interface to remove on unplug. */
    ipAddress: IpAddressSchema.optional(),
    timing: TimingSchema,
  })
  .strict();
export type MemberNetworkInput = z.input<typeof MemberNetworkInputSchema>;

/**
 * A change to the objects behind the VIP, pushed to every amphora: `loadBalancer.tree` is the tree to apply (its
 * changed objects PENDING_*), `previousTree` what the amphorae run now and get back if the change fails.
 */
export const ConfigureLoadBalancerInputSchema = z
  .object({
    loadBalancer: ExistingLoadBalancerSchema.extend({ tree: LoadBalancerTreeSchema }),
    previousTree: LoadBalancerTreeSchema,
    timing: TimingSchema,
  })
  .strict();
export type ConfigureLoadBalancerInput = z.input<typeof ConfigureLoadBalancerInputSchema>;
