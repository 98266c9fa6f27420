/** The local compute driver: an amphora is a network namespace on this machine, booted by starting its agent. */
import { amphoraName, type ComputeBuildRequest, type ComputeStatus } from '../../models';
import type { AttachRequest, InstanceLookup, InstanceWithFault } from '../compute/driver';
import { ComputeBuildError, ComputeDeleteError } from '../compute/errors';
import { NoopComputeDriver, type NoopComputeOptions } from '../compute/noop';
import type { NoopCloud } from '../noop/cloud';
import type { FaultInjector } from '../noop/faults';
import type { Interface } from '../../models';
import type { LocalPki } from '../amphora/local/pki';
import type { AgentFile } from '../../agent/config';
import {
  AGENT_CLIENT_CA_PATH,
  AGENT_CONFIG_PATH,
  AGENT_PORT,
  AGENT_SERVER_CERT_PATH,
  type AmphoraHost,
} from './amphora-host';

/** How long a build waits for its agent to listen before it returns (the boot goes on if it takes longer). */
const AGENT_START_WAIT_MS = 5_000;

/**
 * A compute driver whose instances are network namespaces running our amphora agent (the seed allows containers).
 * The noop cloud keeps the records (names, ids, ports and addresses, server groups, the fault plan); this driver
 * adds the kernel's side: a build makes the namespace, wires its management port, writes its config drive (with the
 * agent's certificate, as Octavia delivers it) and starts the agent; the instance is ACTIVE once the agent listens,
 * and in ERROR, with a fault saying why, when the agent or the namespace died. Same contract as every compute driver.
 */
export class LocalComputeDriver extends NoopComputeDriver {
  constructor(
    cloud: NoopCloud,
    faults: FaultInjector,
    private readonly host: AmphoraHost,
    private readonly pki: LocalPki,
    options: Omit<NoopComputeOptions, 'buildDelayMs'> & { heartbeat?: AgentFile['heartbeat'] } = {},
  ) {
    super(cloud, faults, { ...options, buildDelayMs: 0 });
    this.heartbeat = options.heartbeat;
  }

  /** What every agent's configuration says of heartbeats (none are sent without it). */
  private readonly heartbeat?: AgentFile['heartbeat'];

  override async build(request: ComputeBuildRequest): Promise<string> {
    const computeId = await super.build(request);
    const amphoraId = request.name.startsWith(amphoraName(''))
      ? request.name.slice(amphoraName('').length)
      : request.name;
    try {
      const { amphora } = await super.getAmphora({ id: computeId });
      if (!amphora.lbNetworkIp) throw new Error('it has no address on the management network');
      const certificate = await this.pki.issueAmphoraCertificate(amphoraId);
      const agentConfig = {
        amphoraId,
        bindHost: amphora.lbNetworkIp,
        bindPort: AGENT_PORT,
        stateDir: this.host.stateDirOf(computeId),
        ...(this.heartbeat ? { heartbeat: this.heartbeat } : {}),
      };
      await this.host.boot({
        computeId,
        amphoraId,
        ...(request.userData !== undefined ? { userData: request.userData } : {}),
        files: {
          ...request.configDriveFiles,
          [AGENT_CONFIG_PATH]: `${JSON.stringify(agentConfig, null, 2)}\n`,
          [AGENT_SERVER_CERT_PATH]: `${certificate.certPem.trim()}\n${certificate.keyPem.trim()}\n`,
          [AGENT_CLIENT_CA_PATH]: this.pki.caCertPem,
        },
      });
      // An agent that dies at start is getAmphora's to report (ERROR with its fault), as a VM's boot failure is.
      await this.host.waitForAgent(computeId, AGENT_START_WAIT_MS);
    } catch (err) {
      // A build that fails leaves nothing: the caller has no compute id to undo it with.
      await this.host.destroy(computeId).catch(() => undefined);
      await super.delete(computeId).catch(() => undefined);
      const reason = err instanceof Error ? err.message : String(err);
      throw new ComputeBuildError(
        request.name,
        { code: 500, message: `namespace ${this.host.namespaceOf(computeId)} could not be made: ${reason}` },
        { retryable: false, cause: err },
      );
    }
    return computeId;
  }

  override async delete(computeId: string): Promise<void> {
    try {
      await this.host.destroy(computeId);
    } catch (err) {
      const reason = err instanceof Error ? err.message : String(err);
      throw new ComputeDeleteError(computeId, `its namespace could not be removed: ${reason}`, {
        retryable: true,
        cause: err,
      });
    }
    await super.delete(computeId);
  }

  override async status(computeId: string): Promise<ComputeStatus> {
    const recorded = await super.status(computeId);
    return recorded === 'UP' && this.host.liveness(computeId).state === 'running' ? 'UP' : 'DOWN';
  }

  override async getAmphora(lookup: InstanceLookup): Promise<InstanceWithFault> {
    const found = await super.getAmphora(lookup);
    if (found.amphora.state !== 'ACTIVE') return found;
    const liveness = this.host.liveness(found.amphora.computeId);
    switch (liveness.state) {
      case 'running':
        return found;
      case 'dead':
        return {
          amphora: { ...found.amphora, state: 'ERROR' },
          fault: { code: 500, message: `amphora ${found.amphora.name} is down: ${liveness.reason}` },
        };
      default:
        // Booting, or recorded by a build that stopped before booting it (a retry of that build boots it).
        return { amphora: { ...found.amphora, state: 'BUILDING' } };
    }
  }

  override async attachNetworkOrPort(request: AttachRequest): Promise<Interface> {
    return this.host.afterChange(() => super.attachNetworkOrPort(request));
  }

  override async detachPort(request: { computeId: string; portId: string }): Promise<void> {
    await this.host.afterChange(() => super.detachPort(request));
  }
}
