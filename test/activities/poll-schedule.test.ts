import { pollDelays } from '../../src/activities/poll-schedule';

describe('the looks at a booting amphora', () => {
  it('looks again at 250 ms, not after a whole 10 s interval, so a fast boot is seen at once', () => {
    const delays = pollDelays(10_000, 30);
    expect(delays[0]).toBe(250);
    expect(delays.slice(0, 6)).toEqual([250, 500, 1_000, 2_000, 4_000, 8_000]);
  });

  it('backs off to the interval and never waits longer than the whole budget', () => {
    const delays = pollDelays(10_000, 30);
    expect(Math.max(...delays)).toBe(10_000);
    const total = delays.reduce((sum, delay) => sum + delay, 0);
    expect(total).toBeLessThanOrEqual(300_000);
    expect(total).toBeGreaterThan(300_000 - 10_000);
  });

  it('keeps short intervals as they are', () => {
    expect(pollDelays(100, 3)).toEqual([100, 100, 100]);
    expect(pollDelays(1, 1)).toEqual([1]);
  });
});
