import { execFileSync } from 'node:child_process';
import { join } from 'node:path';
import type { WorkerOptions } from '@temporalio/worker';

/**
 * The dev server's dynamic config, from `temporal-dev.sh dynamic-config` (the one place it is written, so the bench
 * measures what users run): queue readers without the 20-a-second limit of a one-shard server, timers on time, eager
 * activity and workflow dispatch.
 */
export function serverDynamicConfig(projectDir: string): string[] {
  return execFileSync(join(projectDir, 'temporal-dev.sh'), ['dynamic-config'], { encoding: 'utf8' })
    .trim()
    .split('\n')
    .filter(Boolean);
}

/**
 * Worker settings for many operations in flight: enough activity slots and cache for a thousand workflows. Workflow
 * tasks at once: 100, the product's default (AMPHORA_WORKER_MAX_WORKFLOW_TASKS); with 1000 failovers at a 30 s boot,
 * 200 and 300 ran them in 1.73 and 1.86 boot times against 1.61 and held ~120 MiB more (storm-alone, 12-02).
 */
export const BENCH_WORKER_OPTIONS: Partial<WorkerOptions> = {
  maxConcurrentActivityTaskExecutions: 2000,
  maxConcurrentLocalActivityExecutions: 2000,
  maxConcurrentWorkflowTaskExecutions: 100,
  maxCachedWorkflows: 4000,
};
