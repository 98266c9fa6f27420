// Test traffic: clients that send requests through a `Dial` and report who answered, what failed and the longest
// time without an answer, as the data-plane tests and the demo need them.
export { failureReason, firstWord, isServed } from './answers';
export { startProbe, type FailoverWindow, type Probe, type ProbeOptions, type ProbeReport } from './probe';
export { roundRobinCheck } from './round-robin';
