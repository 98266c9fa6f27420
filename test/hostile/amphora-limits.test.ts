import { randomUUID } from 'node:crypto';
import { createNoopDrivers, ValidationError, type NoopDrivers } from '../../src/drivers';
import {
  amphoraName,
  CreateLoadBalancerInputSchema,
  describeZodError,
  type CreateLoadBalancerInput,
} from '../../src/models';
import { rejectionOf } from '../drivers/expect-error';

/**
 * Limits that Nova enforces, refused at validation (the workflow's input schema and the compute driver's request
 * schema) so that a request that cannot succeed fails before a VIP is allocated or an instance is asked for.
 */

const createInput = (amphora: Partial<CreateLoadBalancerInput['amphora']>): CreateLoadBalancerInput => ({
  loadBalancerId: randomUUID(),
  projectId: 'project-test',
  topology: 'SINGLE',
  vip: { subnetId: 'vip-subnet' },
  amphora: { imageId: 'amphora-image', flavor: 'amphora-flavor', managementNetworkId: 'lb-mgmt-net', ...amphora },
});

/** The field and message a create request is refused with, or undefined when it is accepted. */
function refusalOf(input: CreateLoadBalancerInput): { field: string; constraint: string } | undefined {
  const parsed = CreateLoadBalancerInputSchema.safeParse(input);
  return parsed.success ? undefined : describeZodError(parsed.error);
}

describe("Nova's limits, refused at validation", () => {
  let drivers: NoopDrivers;
  beforeEach(() => {
    drivers = createNoopDrivers({ buildDelayMs: 0 });
  });
  afterEach(() => drivers.close());

  const build = (request: { userData?: string; keys?: string[] }) =>
    drivers.compute.build({ name: amphoraName(randomUUID()), networkIds: ['lb-mgmt-net'], ...request });

  describe('user data: at most 65,535 bytes once base64-encoded (49,149 raw bytes)', () => {
    it('accepts 49,149 raw bytes, whose encoding is 65,532 bytes', async () => {
      expect(refusalOf(createInput({ userData: 'u'.repeat(49_149) }))).toBeUndefined();
      await expect(build({ userData: 'u'.repeat(49_149) })).resolves.toEqual(expect.any(String));
    });

    it.each([
      ['49,150 ASCII bytes', 'u'.repeat(49_150), '49,150 bytes, 65,536 once base64-encoded'],
      ['49,152 ASCII bytes', 'u'.repeat(49_152), '49,152 bytes, 65,536 once base64-encoded'],
      ['52,000 ASCII bytes', 'u'.repeat(52_000), '52,000 bytes, 69,336 once base64-encoded'],
      // 24,575 characters only, but two UTF-8 bytes each: what Nova receives is the encoding of the bytes.
      ['24,575 two-byte characters', 'é'.repeat(24_575), '49,150 bytes, 65,536 once base64-encoded'],
    ])('refuses %s before any driver call, naming both sizes and the limit', async (_label, userData, sizes) => {
      const limit = "Nova's limit is 65,535 encoded bytes (at most 49,149 raw)";
      expect(refusalOf(createInput({ userData }))).toEqual({
        field: 'amphora.userData',
        constraint: `user data is ${sizes}; ${limit}`,
      });

      const journal = drivers.journal().length;
      const err = await rejectionOf(build({ userData }));
      expect(err).toBeInstanceOf(ValidationError);
      expect(err).toMatchObject({ field: 'userData', retryable: false });
      expect(err.message).toBe(`Invalid userData: user data is ${sizes}; ${limit}`);
      expect(drivers.journal()).toHaveLength(journal);
    });
  });

  describe('SSH keys: Nova installs one key pair per server', () => {
    it('accepts one key, or none', async () => {
      expect(refusalOf(createInput({ keys: ['amphora-ssh-key'] }))).toBeUndefined();
      expect(refusalOf(createInput({ keys: [] }))).toBeUndefined();
      await expect(build({ keys: ['amphora-ssh-key'] })).resolves.toEqual(expect.any(String));
    });

    it('refuses two keys instead of using the first and dropping the second', async () => {
      const keys = ['amphora-ssh-key', 'operator-key'];
      const constraint = 'Nova takes one key pair per server; give one (2 were given)';
      expect(refusalOf(createInput({ keys }))).toEqual({ field: 'amphora.keys', constraint });

      const journal = drivers.journal().length;
      const err = await rejectionOf(build({ keys }));
      expect(err).toBeInstanceOf(ValidationError);
      expect(err).toMatchObject({ field: 'keys', retryable: false, message: `Invalid keys: ${constraint}` });
      expect(drivers.journal()).toHaveLength(journal);
    });
  });
});
