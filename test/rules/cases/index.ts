import { kubernetesCases } from './kubernetes.js';
import { mlCases } from './ml.js';
import { networkCases } from './network.js';
import { resourceCases } from './resources.js';
import { securityCases } from './security.js';
import { stackCases } from './stack.js';
import { thermalCases } from './thermal.js';
import { AlertCase } from './types.js';

/** The unit-test cases of each alerting rule group, by group name. */
export const CASES_BY_GROUP: Readonly<Record<string, readonly AlertCase[]>> = {
  'odin.thermal': thermalCases,
  'odin.resources': resourceCases,
  'odin.kubernetes': kubernetesCases,
  'odin.network': networkCases,
  'odin.security': securityCases,
  'odin.ml': mlCases,
  'odin.stack': stackCases,
};
