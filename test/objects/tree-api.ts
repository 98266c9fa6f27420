import type { ApiResponse } from '../controller/api-client';
import { eventually } from '../drivers/expect-error';

type Call = (method: string, path: string, options?: { body?: unknown }) => Promise<ApiResponse>;

/** Helpers over the v2 API for the object-model tests: create and wait, Octavia's way. */
export function treeApi(call: Call) {
  const expectStatus = (response: ApiResponse, status: number) => {
    if (response.status !== status) {
      throw new Error(`expected ${status}, got ${response.status}: ${JSON.stringify(response.body)}`);
    }
    return response.body;
  };
  /** Waits until the load balancer is ACTIVE again (every change ends there or in ERROR). */
  const settled = async (lbId: string, status = 'ACTIVE') => {
    let last: unknown;
    try {
      return await eventually(async () => {
        const { body } = await call('GET', `/v2/lbaas/loadbalancers/${lbId}`);
        last = body;
        const lb = body.loadbalancer as { provisioning_status?: string } | undefined;
        return lb?.provisioning_status === status ? lb : undefined;
      }, 30_000);
    } catch (err) {
      throw new Error(`load balancer ${lbId} did not reach ${status}; last seen: ${JSON.stringify(last)}`, {
        cause: err,
      });
    }
  };
  const create = async (path: string, key: string, fields: Record<string, unknown>, lbId: string) => {
    const body = expectStatus(await call('POST', path, { body: { [key]: fields } }), 201);
    await settled(lbId);
    return (body[key] as { id: string }).id;
  };
  const show = async (path: string, key: string) =>
    expectStatus(await call('GET', path), 200)[key] as Record<string, unknown>;
  /** Waits until the load balancer is gone (a delete ended). */
  const gone = (lbId: string) =>
    eventually(
      async () => ((await call('GET', `/v2/lbaas/loadbalancers/${lbId}`)).status === 404 ? true : undefined),
      30_000,
    );
  return { expectStatus, settled, gone, create, show };
}
