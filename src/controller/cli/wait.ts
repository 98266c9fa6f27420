import type { LoadBalancerController, PublicLoadBalancer } from '../load-balancers';
import { StepPrinter } from '../step-printer';
import { watchOperation } from '../watch';

/**
 * Follows a load balancer's operation to its end, printing each step of the operation's workflow as it happens.
 * `after` is the operation count already seen, so the wait follows the operation just started and no earlier one.
 *
 * @returns the record when the load balancer settles, or undefined when it was deleted.
 */
export async function waitForSettled(
  controller: LoadBalancerController,
  loadBalancerId: string,
  write: (line: string) => void,
  pollMs = 250,
): Promise<PublicLoadBalancer | undefined> {
  const watched = new Set<string>();
  for (;;) {
    const view = await controller.get(loadBalancerId);
    if (!view) return undefined;
    const operation = view.current;
    if (operation && !watched.has(operation.workflowId)) {
      watched.add(operation.workflowId);
      write(`  ${operation.kind} (${operation.workflowId})`);
      const printer = new StepPrinter(write, '    ');
      await watchOperation(
        controller.handle(operation.workflowId),
        (status) => printer.update(status),
        pollMs,
        (error) => printer.unreadable(operation.workflowId, error),
      );
      continue;
    }
    if (!operation && !view.record.provisioningStatus.startsWith('PENDING_')) return view.record;
    await new Promise((resolve) => setTimeout(resolve, pollMs));
  }
}
