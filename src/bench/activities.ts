/** The yardsticks' activity: does nothing, at once. */
export const benchActivities = {
  // eslint-disable-next-line @typescript-eslint/require-await
  async instant(): Promise<number> {
    return 1;
  },
};
export type BenchActivities = typeof benchActivities;
