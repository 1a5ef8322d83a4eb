/**
 * Child process for the SIGKILL test: saves a large model over and over under one key until killed.
 * Usage: node --import tsx save-forever.ts <dir>
 */
import { FileModelStore } from '../../../detectors/models/store.js';
import { createLogger } from '../../../detectors/runtime/logger.js';

const store = new FileModelStore({ dir: process.argv[2], log: createLogger({ sink: { write: () => true } }) });
// About 4 MB of JSON, so a kill often lands in the middle of a write.
const model = { weights: Array.from({ length: 200_000 }, (_, i) => i * 1.000001) };
process.stdout.write('saving\n');
for (let generation = 0; ; generation++) await store.save('big', { generation, ...model });
