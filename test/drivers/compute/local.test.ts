import { localComputeSubject } from '../local/subject';
import { computeDriverContract } from './contract';

computeDriverContract('LocalComputeDriver (network namespaces)', () => localComputeSubject());
