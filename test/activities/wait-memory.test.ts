import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { MockActivityEnvironment } from '@temporalio/testing';
import { createComputeActivities, type WaitForAmphoraInput } from '../../src/activities/compute';
import type { AmphoraComputeDriver } from '../../src/drivers/compute/driver';
import type { ComputeInstance } from '../../src/models';

setFlagsFromString('--expose-gc');
const collectGarbage = runInNewContext('gc') as () => void;

/** The heap in use after a full collection: what is still reachable. */
function liveHeapBytes(): number {
  collectGarbage();
  collectGarbage();
  return process.memoryUsage().heapUsed;
}

const LOOKS = 4000;

const instance = (state: ComputeInstance['state']): ComputeInstance => ({
  computeId: 'instance-1',
  name: 'amphora-amphora-1',
  state,
});

/**
 * A thousand amphorae booting for 30 s keep a thousand `waitForAmphoraActive` attempts looking; each look's wait must
 * be garbage once it is over. (The SDK's `Context.sleep` chains every wait onto the attempt's cancellation promise,
 * which stays pending while the attempt runs: a bench storm held 140,000 finished timers and 300 MB that way.)
 */
it('keeps nothing of its finished waits while the instance boots', async () => {
  const heap: Record<number, number> = {};
  let looks = 0;
  const booting: Pick<AmphoraComputeDriver, 'getAmphora'> = {
    // eslint-disable-next-line @typescript-eslint/require-await
    async getAmphora() {
      looks += 1;
      if (looks === 200 || looks === LOOKS) heap[looks] = liveHeapBytes();
      return { amphora: instance(looks < LOOKS ? 'BUILDING' : 'ACTIVE') };
    },
  };
  const activities = createComputeActivities(booting as AmphoraComputeDriver);
  const environment = new MockActivityEnvironment({ heartbeatTimeoutMs: 60_000 });
  const active: ComputeInstance = await environment.run(
    (input: WaitForAmphoraInput) => activities.waitForAmphoraActive(input),
    {
      amphoraId: 'amphora-1',
      computeId: 'instance-1',
      pollIntervalMs: 1,
      pollAttempts: LOOKS * 2,
    },
  );
  expect(active.state).toBe('ACTIVE');
  const grownPerLook = ((heap[LOOKS] ?? 0) - (heap[200] ?? 0)) / (LOOKS - 200);
  // A few bytes of noise per look at most; the SDK's sleep kept about 1-2 KB for each.
  expect(grownPerLook).toBeLessThan(200);
});

it('still ends a wait at once when the attempt is cancelled', async () => {
  const forever: Pick<AmphoraComputeDriver, 'getAmphora'> = {
    // eslint-disable-next-line @typescript-eslint/require-await
    async getAmphora() {
      return { amphora: instance('BUILDING') };
    },
  };
  const activities = createComputeActivities(forever as AmphoraComputeDriver);
  const environment = new MockActivityEnvironment({ heartbeatTimeoutMs: 60_000 });
  const started = Date.now();
  const waiting = environment.run((input: WaitForAmphoraInput) => activities.waitForAmphoraActive(input), {
    amphoraId: 'amphora-1',
    computeId: 'instance-1',
    pollIntervalMs: 60_000,
    pollAttempts: 10,
  });
  setTimeout(() => environment.cancel(), 300);
  await expect(waiting).rejects.toMatchObject({ name: 'CancelledFailure' });
  expect(Date.now() - started).toBeLessThan(30_000);
});
