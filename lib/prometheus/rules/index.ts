import { RuleGroup } from './types.js';

export * from './types.js';

/** Every rule group the stack ships, in evaluation order. */
export const ALL_RULE_GROUPS: readonly RuleGroup[] = [];
