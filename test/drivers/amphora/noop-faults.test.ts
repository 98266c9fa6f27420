import { AmphoraDriverError, AmphoraUnreachableError, type AmphoraRequest } from '../../../src/drivers';
import { withCallSignal } from '../../../src/drivers/call-signal';
import { amphoraName } from '../../../src/models';
import { rejectionOf } from '../expect-error';
import { noopAmphoraSubject, singleOn, withTree } from './subject';
import { webTree } from './web-tree';

describe('NoopAmphoraDriver under the fault plan', () => {
  let subject: Awaited<ReturnType<typeof noopAmphoraSubject>>;
  let first: AmphoraRequest;
  let next: AmphoraRequest;
  let applied: string | undefined;
  beforeEach(async () => {
    subject = await noopAmphoraSubject();
    first = await singleOn(subject, (id) => webTree(id));
    next = withTree(first, webTree(first.loadBalancer.id, { ports: [80, 8080] }));
    await subject.driver.updateAmphoraListeners(first);
    applied = (await subject.driver.getConfiguration(first.amphora)).haproxy;
  });
  afterEach(() => subject.cleanup());

  const faults = () => subject.drivers.faults;
  const running = async () => (await subject.driver.getConfiguration(first.amphora)).haproxy;

  it('fails updateAmphoraListeners before its side effect: the old configuration keeps running', async () => {
    faults().setPlan({ rules: [{ method: 'updateAmphoraListeners', call: 1, mode: 'before' }] });
    const err = await rejectionOf(subject.driver.updateAmphoraListeners(next));
    expect(err).toBeInstanceOf(AmphoraDriverError);
    expect(err.retryable).toBe(false);
    expect(err.message).toMatch(
      /Injected permanent fault in updateAmphoraListeners \(call 1, before its side effect\)/,
    );
    expect(await running()).toBe(applied);
  });

  it('fails updateAmphoraListeners after its side effect: the new configuration runs, and a retry changes nothing', async () => {
    faults().setPlan({ rules: [{ method: 'updateAmphoraListeners', call: 1, mode: 'after', transient: true }] });
    const err = await rejectionOf(subject.driver.updateAmphoraListeners(next));
    expect(err).toBeInstanceOf(AmphoraDriverError);
    expect(err.retryable).toBe(true);
    expect(err.message).toMatch(/the response was lost/);
    const landed = await running();
    expect(landed).not.toBe(applied);
    await subject.driver.updateAmphoraListeners(next);
    expect(await running()).toBe(landed);
    // The undo of the step is the same call with the previous tree.
    await subject.driver.updateAmphoraListeners(first);
    expect(await running()).toBe(applied);
  });

  it('hangs after its side effect until the hangs are released, then throws', async () => {
    faults().setPlan({ rules: [{ method: 'updateAmphoraListeners', call: 1, mode: 'hang', hangMs: 60_000 }] });
    let settled = false;
    const hung = subject.driver.updateAmphoraListeners(next).finally(() => (settled = true));
    await new Promise((resolve) => setTimeout(resolve, 50));
    expect(settled).toBe(false);
    expect(await running()).not.toBe(applied);
    faults().releaseHangs();
    expect((await rejectionOf(hung)).message).toMatch(/hung after its side effect/);
  });

  it('lands a late configuration only if its caller did not give up first', async () => {
    faults().setPlan({
      rules: [{ method: 'updateAmphoraListeners', call: 1, times: 2, mode: 'late', hangMs: 60_000 }],
    });
    const caller = new AbortController();
    const abandoned = withCallSignal(caller.signal, () => subject.driver.updateAmphoraListeners(next));
    caller.abort();
    expect((await rejectionOf(abandoned)).message).toMatch(/abandoned by its caller/);
    expect(await running()).toBe(applied);

    const zombie = subject.driver.updateAmphoraListeners(next);
    await new Promise((resolve) => setTimeout(resolve, 50));
    expect(await running()).toBe(applied);
    faults().releaseHangs();
    await zombie;
    expect(await running()).not.toBe(applied);
  });

  it('targets one amphora by its name', async () => {
    const other = await singleOn(subject, (id) => webTree(id));
    faults().setPlan({
      rules: [{ method: '*', call: 1, times: 100, subjectIncludes: amphoraName(other.amphora.id) }],
    });
    await expect(subject.driver.getInfo(first.amphora)).resolves.toBeDefined();
    expect(await rejectionOf(subject.driver.getInfo(other.amphora))).toBeInstanceOf(AmphoraDriverError);
    expect(await rejectionOf(subject.driver.postVipPlug(other))).toBeInstanceOf(AmphoraDriverError);
  });

  it('checks the instance inside the side effect, so a fault after it still reports an unreachable amphora', async () => {
    await subject.deleteInstance(first.amphora);
    faults().setPlan({ rules: [{ method: 'reload', call: 1, mode: 'after' }] });
    expect(await rejectionOf(subject.driver.reload(first))).toBeInstanceOf(AmphoraUnreachableError);
  });
});
