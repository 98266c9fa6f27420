import { ApiFault } from '../../src/controller/api/faults';
import { KeystoneAuthenticator, type TokenValidator } from '../../src/controller/api/keystone-auth';
import { grantsFor } from '../../src/controller/api/policy';
import type { ValidatedToken } from '../../src/drivers/openstack/token-validation';
import { createLogger } from '../../src/logger';

/** A Keystone stand-in that counts validations; the clock is the test's. */
function bed(answer: (token: string) => ValidatedToken | undefined | Error, cacheTtlMs = 60_000) {
  let now = 1_000_000;
  const asked: string[] = [];
  const validator: TokenValidator = {
    async validateToken(token) {
      asked.push(token);
      await new Promise((resolve) => setImmediate(resolve));
      const result = answer(token);
      if (result instanceof Error) throw result;
      return result;
    },
  };
  const auth = new KeystoneAuthenticator(validator, {
    policy: 'octavia',
    cacheTtlMs,
    logger: createLogger('silent'),
    now: () => now,
  });
  return { auth, asked, advance: (ms: number) => (now += ms), now: () => now };
}

const member = (expiresAt: number): ValidatedToken => ({
  userId: 'u1',
  projectId: 'project-a',
  roles: ['load-balancer_member', 'member', 'reader'],
  expiresAt,
});

describe('Keystone token validation', () => {
  it('asks Keystone once per token until the cache TTL, and once for concurrent requests', async () => {
    const { auth, asked, advance, now } = bed(() => member(now() + 3_600_000));
    const callers = await Promise.all([auth.callerFor('t1'), auth.callerFor('t1'), auth.callerFor('t1')]);
    expect(asked).toEqual(['t1']);
    expect(callers[0]).toMatchObject({ projectId: 'project-a', writesOwn: true, admin: false });
    advance(59_000);
    await auth.callerFor('t1');
    expect(asked).toHaveLength(1);
    advance(2_000);
    await auth.callerFor('t1');
    expect(asked).toHaveLength(2);
  });

  it('never trusts a token past its expiry, however long the TTL', async () => {
    const { auth, asked, advance, now } = bed(() => member(now() + 5_000));
    expect(await auth.callerFor('short')).toBeDefined();
    advance(6_000);
    await auth.callerFor('short');
    expect(asked).toEqual(['short', 'short']);
  });

  it('remembers an unknown token briefly, and turns a Keystone failure into a 503 with Retry-After', async () => {
    let keystoneDown = false;
    const { auth, asked, advance } = bed(() => (keystoneDown ? new Error('connect ECONNREFUSED') : undefined));
    expect(await auth.callerFor('bogus')).toBeUndefined();
    expect(await auth.callerFor('bogus')).toBeUndefined();
    expect(asked).toHaveLength(1);
    advance(11_000);
    keystoneDown = true;
    const failure = await auth.callerFor('bogus').catch((err: unknown) => err);
    expect(failure).toBeInstanceOf(ApiFault);
    expect(failure).toMatchObject({ status: 503, headers: { 'Retry-After': '5' } });
    expect((failure as ApiFault).message).toMatch(/Keystone.*ECONNREFUSED/);
  });

  it("maps roles as Octavia's default policy and its keystone_default_roles file do", () => {
    const table = (policy: 'octavia' | 'keystone_default_roles') =>
      Object.fromEntries(
        Object.entries({
          admin: ['admin', 'member', 'reader'],
          lbAdmin: ['load-balancer_admin'],
          globalObserver: ['load-balancer_global_observer', 'reader'],
          lbMember: ['load-balancer_member', 'member', 'reader'],
          lbMemberWithoutMember: ['load-balancer_member'],
          lbObserver: ['load-balancer_observer', 'reader'],
          member: ['member', 'reader'],
          reader: ['reader'],
          none: [],
        }).map(([who, roles]) => {
          const grants = grantsFor(policy, roles);
          const letters = `${grants.admin ? 'A' : '-'}${grants.readsAll ? 'G' : '-'}${grants.readsOwn ? 'R' : '-'}${grants.writesOwn ? 'W' : '-'}`;
          return [who, letters];
        }),
      );
    expect(table('octavia')).toEqual({
      admin: 'AGRW',
      lbAdmin: 'AGRW',
      globalObserver: '-GR-',
      lbMember: '--RW',
      lbMemberWithoutMember: '----',
      lbObserver: '--R-',
      member: '----',
      reader: '----',
      none: '----',
    });
    expect(table('keystone_default_roles')).toEqual({
      admin: 'AGRW',
      lbAdmin: 'AGRW',
      globalObserver: '--R-',
      lbMember: '--RW',
      lbMemberWithoutMember: '----',
      lbObserver: '--R-',
      member: '--RW',
      reader: '--R-',
      none: '----',
    });
  });
});
