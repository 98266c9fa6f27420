import { AmphoraUnreachableError, type AmphoraLoadBalancerDriver, type AmphoraRequest } from '../../../src/drivers';
import { amphoraName } from '../../../src/models';
import { rejectionOf } from '../expect-error';
import { singleOn, type AmphoraContractSubject } from './subject';
import { webTree } from './web-tree';

/** Every method of the driver, called for one amphora and its load balancer. */
const CALLS: [string, (driver: AmphoraLoadBalancerDriver, request: AmphoraRequest) => Promise<unknown>][] = [
  ['updateAmphoraListeners', (driver, request) => driver.updateAmphoraListeners(request)],
  ['reload', (driver, request) => driver.reload(request)],
  ['start', (driver, request) => driver.start(request)],
  ['getInfo', (driver, request) => driver.getInfo(request.amphora)],
  ['getDiagnostics', (driver, request) => driver.getDiagnostics(request.amphora)],
  ['getConfiguration', (driver, request) => driver.getConfiguration(request.amphora)],
  ['getStats', (driver, request) => driver.getStats(request)],
  ['finalizeAmphora', (driver, request) => driver.finalizeAmphora(request.amphora)],
  ['postVipPlug', (driver, request) => driver.postVipPlug(request)],
  ['postNetworkPlug', (driver, request) => driver.postNetworkPlug({ amphora: request.amphora, networkId: 'x' })],
  ['postNetworkUnplug', (driver, request) => driver.postNetworkUnplug({ amphora: request.amphora, networkId: 'x' })],
  ['updateVrrpConfiguration', (driver, request) => driver.updateVrrpConfiguration(request)],
  ['startVrrpService', (driver, request) => driver.startVrrpService(request)],
];

/**
 * The part of the amphora driver contract about amphorae that do not answer: every method raises a retryable
 * AmphoraUnreachableError that names the amphora, whether its instance is gone or the amphora is being deleted.
 *
 * @param current - the subject of the running test (set by the contract's `beforeEach`).
 */
export function unreachableContract(current: () => AmphoraContractSubject): void {
  it.each(CALLS)(
    'raises a retryable AmphoraUnreachableError from %s once the amphora instance is deleted',
    async (_method, call) => {
      const subject = current();
      const request = await singleOn(subject, (id) => webTree(id));
      await subject.driver.updateAmphoraListeners(request);
      await subject.deleteInstance(request.amphora);
      const err = await rejectionOf(call(subject.driver, request));
      expect(err).toBeInstanceOf(AmphoraUnreachableError);
      expect(err).toMatchObject({ retryable: true, amphoraId: request.amphora.id });
      expect(err.message).toContain(amphoraName(request.amphora.id));
    },
  );

  it.each(['PENDING_DELETE', 'DELETED'] as const)(
    'raises a retryable AmphoraUnreachableError for an amphora whose status is %s',
    async (status) => {
      const subject = current();
      const request = await singleOn(subject, (id) => webTree(id));
      const deleting = { ...request, amphora: { ...request.amphora, status } };
      const err = await rejectionOf(subject.driver.updateAmphoraListeners(deleting));
      expect(err).toBeInstanceOf(AmphoraUnreachableError);
      expect(err.retryable).toBe(true);
      expect(err.message).toMatch(/being deleted/);
    },
  );
}
