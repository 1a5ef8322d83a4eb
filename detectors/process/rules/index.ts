import { ACCOUNT_RULES } from './accounts.js';
import { CONTAINER_ESCAPE_RULES } from './container-escape.js';
import { CREDENTIAL_ACCESS_RULES } from './credential-access.js';
import { CRYPTO_MINER_RULES } from './crypto-miner.js';
import { DATA_EXFILTRATION_RULES } from './data-exfiltration.js';
import { DEFENSE_EVASION_RULES } from './defense-evasion.js';
import { PERSISTENCE_RULES } from './persistence.js';
import { PRIVILEGE_ESCALATION_RULES } from './privilege-escalation.js';
import { PROCESS_FACT_RULES } from './process-facts.js';
import { REVERSE_SHELL_RULES } from './reverse-shell.js';
import type { Rule } from './rule.js';
import { SUSPICIOUS_NETWORK_RULES } from './suspicious-network.js';
import { SYSTEM_MODIFICATION_RULES } from './system-modification.js';

export type { Rule } from './rule.js';

/** Every rule the engine runs, most specific categories first (ties in severity keep this order). */
export const ALL_RULES: readonly Rule[] = [
  ...CRYPTO_MINER_RULES, ...REVERSE_SHELL_RULES, ...DATA_EXFILTRATION_RULES, ...CREDENTIAL_ACCESS_RULES, ...CONTAINER_ESCAPE_RULES,
  ...PRIVILEGE_ESCALATION_RULES, ...ACCOUNT_RULES, ...PERSISTENCE_RULES, ...SYSTEM_MODIFICATION_RULES, ...DEFENSE_EVASION_RULES,
  ...SUSPICIOUS_NETWORK_RULES, ...PROCESS_FACT_RULES,
];
