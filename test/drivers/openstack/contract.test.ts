import { computeDriverContract } from '../compute/contract';
import { networkDriverContract } from '../network/contract';
import { ownershipMarkContract } from '../ownership-contract';
import { neutronNetworkSubject, novaComputeSubject } from './testbed';

computeDriverContract('NovaComputeDriver on a fake Nova over HTTP', novaComputeSubject);
networkDriverContract('NeutronNetworkDriver on a fake Neutron and Nova over HTTP', neutronNetworkSubject);
ownershipMarkContract(
  'NovaComputeDriver and NeutronNetworkDriver on fake Nova and Neutron over HTTP',
  neutronNetworkSubject,
);
