import { localNetworkSubject } from '../local/subject';
import { networkDriverContract } from './contract';

networkDriverContract('LocalNetworkDriver (veths on the fabric)', () => localNetworkSubject());
