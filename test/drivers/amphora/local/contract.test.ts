import { AgentLab } from '../../../agent/fixtures/lab';
import { ensureDebianPackages } from '../../../harness/debian-packages';
import { amphoraDriverContract } from '../contract';
import { localAmphoraSubject } from './subject';

let lab: AgentLab | undefined;
beforeAll(async () => {
  await ensureDebianPackages(['haproxy', 'keepalived']);
  lab = await AgentLab.create();
}, 300_000);
afterAll(async () => {
  await lab?.teardown();
});

amphoraDriverContract('LocalAmphoraDriver (agents in namespaces)', () => {
  if (!lab) throw new Error('the lab was not created');
  return Promise.resolve(localAmphoraSubject(lab));
});
