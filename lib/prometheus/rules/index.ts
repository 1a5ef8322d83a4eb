import { kubernetesRules } from './kubernetes.js';
import { mlRules } from './ml.js';
import { networkRules } from './network.js';
import { recordingRules } from './recording.js';
import { resourceRules } from './resources.js';
import { securityRules } from './security.js';
import { stackRules } from './stack.js';
import { thermalRules } from './thermal.js';
import { RuleGroup } from './types.js';

export * from './types.js';
export * from './render.js';
export * from './recording.js';
export * from './twins.js';
export { DETECTOR_JOBS } from './ml.js';
export { oomKilledRestarts } from './kubernetes.js';
export { DNS_LATENCY_BUCKETS } from './network.js';

/**
 * Every rule group the stack ships, one rule file each. Prometheus evaluates groups independently, so an alert may
 * read a recorded series one evaluation old: harmless next to the minutes of `for:` every alert waits.
 */
export const ALL_RULE_GROUPS: readonly RuleGroup[] = [
  recordingRules,
  thermalRules,
  resourceRules,
  kubernetesRules,
  networkRules,
  securityRules,
  mlRules,
  stackRules,
];
