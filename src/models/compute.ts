import { z } from 'zod';
import { AmphoraTypeSchema, InstanceStateSchema } from './enums';
import { IpAddressSchema, ResourceIdSchema } from './network';

/** The seed's limits on config-drive files: at most five, each at most 10 KiB. */
export const CONFIG_DRIVE_MAX_FILES = 5;
export const CONFIG_DRIVE_MAX_FILE_BYTES = 10 * 1024;

/**
 * The content of a config-drive file: text, or bytes as `{ base64 }`. Bytes travel base64-encoded because requests
 * are stored in workflow history as JSON.
 */
export const ConfigDriveContentSchema = z.union(
  [z.string(), z.object({ base64: z.base64('expected base64-encoded bytes') }).strict()],
  { error: 'expected text, or { "base64": "..." } for bytes' },
);
export type ConfigDriveContent = z.infer<typeof ConfigDriveContentSchema>;

/** Size in bytes of a config-drive file's content once decoded. */
export function configDriveContentBytes(content: ConfigDriveContent): number {
  if (typeof content === 'string') return new TextEncoder().encode(content).length;
  const padding = content.base64.endsWith('==') ? 2 : content.base64.endsWith('=') ? 1 : 0;
  return (content.base64.length / 4) * 3 - padding;
}

export const ConfigDriveFilesSchema = z
  .record(
    z.string().min(1, 'a config-drive file needs a path').startsWith('/', 'config-drive paths must be absolute'),
    ConfigDriveContentSchema.refine((content) => configDriveContentBytes(content) <= CONFIG_DRIVE_MAX_FILE_BYTES, {
      error: (issue) =>
        `file is ${configDriveContentBytes(issue.input as ConfigDriveContent)} bytes; the limit is ${CONFIG_DRIVE_MAX_FILE_BYTES} bytes (10 KiB) a file`,
    }),
  )
  .refine((files) => Object.keys(files).length <= CONFIG_DRIVE_MAX_FILES, {
    error: (issue) =>
      `${Object.keys(issue.input as object).length} files given; the limit is ${CONFIG_DRIVE_MAX_FILES} config-drive files`,
  });

/**
 * Nova's limit on `user_data`. It applies to the base64 text Nova receives (the server create schema's `maxLength`),
 * not to the raw data: at most 49,149 raw bytes fit.
 */
export const USER_DATA_MAX_ENCODED_BYTES = 65_535;
/** Size of `bytes` bytes once base64-encoded. */
export const base64Length = (bytes: number): number => 4 * Math.ceil(bytes / 3);
/** The largest raw size whose base64 encoding fits Nova's limit. */
export const USER_DATA_MAX_RAW_BYTES = Math.floor(USER_DATA_MAX_ENCODED_BYTES / 4) * 3;

// Not toLocaleString: this runs inside workflows too, where it must not depend on the host's locale.
const thousands = (value: number) => String(value).replace(/\B(?=(\d{3})+(?!\d))/g, ',');
const utf8Bytes = (text: string) => new TextEncoder().encode(text).length;

/** User data for the metadata service (cloud-init), refused when Nova would refuse it: by its base64 size. */
export const UserDataSchema = z
  .string()
  .refine((text) => base64Length(utf8Bytes(text)) <= USER_DATA_MAX_ENCODED_BYTES, {
    error: (issue) => {
      const bytes = utf8Bytes(issue.input as string);
      return (
        `user data is ${thousands(bytes)} bytes, ${thousands(base64Length(bytes))} once base64-encoded; ` +
        `Nova's limit is ${thousands(USER_DATA_MAX_ENCODED_BYTES)} encoded bytes (at most ${thousands(USER_DATA_MAX_RAW_BYTES)} raw)`
      );
    },
  });

/**
 * Names of the SSH key pairs to install: at most one, since Nova installs one per server (`key_name`). Refused rather
 * than silently dropping the others; more keys belong in user data.
 */
export const KeysSchema = z.array(ResourceIdSchema).max(1, {
  error: (issue) =>
    `Nova takes one key pair per server; give one (${Array.isArray(issue.input) ? issue.input.length : 'more'} were given)`,
});

/** The placement policies Octavia offers for the amphorae of an ACTIVE_STANDBY load balancer (`anti_affinity_policy`). */
export const AntiAffinityPolicySchema = z.enum(['anti-affinity', 'soft-anti-affinity'], {
  error:
    'use anti-affinity (MASTER and BACKUP on different hosts, or no build) or soft-anti-affinity (apart when possible)',
});
export type AntiAffinityPolicy = z.infer<typeof AntiAffinityPolicySchema>;

/**
 * A request to build one amphora, as the compute seed defines it. `name` is chosen by the caller and deterministic
 * (`amphora-<amphoraId>`) so that a retried build finds the instance instead of making a second one.
 */
export const ComputeBuildRequestSchema = z
  .object({
    name: z
      .string()
      .min(1, 'an amphora needs a name')
      .max(255, 'must be at most 255 characters')
      .regex(/^[A-Za-z0-9][A-Za-z0-9._-]*$/, 'use letters, digits, ".", "_" and "-" only'),
    amphoraType: AmphoraTypeSchema.default('VM'),
    flavor: ResourceIdSchema.optional(),
    imageId: ResourceIdSchema.optional(),
    /** The name of the SSH key pair to install, if any. */
    keys: KeysSchema.default([]),
    securityGroups: z.array(ResourceIdSchema).max(50, 'at most 50 security groups').default([]),
    networkIds: z.array(ResourceIdSchema).max(16, 'at most 16 networks').default([]),
    /** Existing ports to attach at boot, as an alternative to networks. */
    portIds: z.array(ResourceIdSchema).max(16, 'at most 16 ports').default([]),
    configDriveFiles: ConfigDriveFilesSchema.default({}),
    /** User data for the metadata service (cloud-init): at most 65,535 bytes once base64-encoded, as Nova allows. */
    userData: UserDataSchema.optional(),
    serverGroupId: ResourceIdSchema.optional(),
    availabilityZone: z.string().min(1).optional(),
  })
  .strict();
export type ComputeBuildRequest = z.input<typeof ComputeBuildRequestSchema>;
export type ValidComputeBuildRequest = z.output<typeof ComputeBuildRequestSchema>;

/** Why a compute instance failed, as the compute service reports it (Nova's `fault`). */
export const ComputeFaultSchema = z.object({
  code: z.number().int(),
  message: z.string(),
  details: z.string().optional(),
});
export type ComputeFault = z.infer<typeof ComputeFaultSchema>;

/** A compute instance as the compute driver sees it: the compute half of an Amphora. */
export const ComputeInstanceSchema = z.object({
  computeId: ResourceIdSchema,
  name: z.string(),
  state: InstanceStateSchema,
  lbNetworkIp: IpAddressSchema.optional(),
  cachedZone: z.string().optional(),
  imageId: z.string().optional(),
  computeFlavor: z.string().optional(),
  serverGroupId: ResourceIdSchema.optional(),
  /** The server's metadata; ours carry `ownedMetadata(name)`, set at build, the mark the orphan sweeper looks for. */
  metadata: z.record(z.string(), z.string()).optional(),
});
export type ComputeInstance = z.infer<typeof ComputeInstanceSchema>;

/** An anti-affinity (or affinity) group that keeps the amphorae of a load balancer on different hosts. */
export const ServerGroupSchema = z.object({
  id: ResourceIdSchema,
  name: z.string(),
  policy: z.enum(['anti-affinity', 'affinity', 'soft-anti-affinity', 'soft-affinity']),
  memberIds: z.array(ResourceIdSchema).default([]),
});
export type ServerGroup = z.infer<typeof ServerGroupSchema>;
