// One task of a suite, as the engine builds it (worker/tasks.ts) and the app lists it (SuitePreview).
// Declared here, in the contract, so that common/ needs nothing outside it; worker/types.ts re-exports it.
import type { TaskFamilyName } from './spec.js';

export type Parity = 'odd' | 'even' | 'mixed';

/** One task of a suite, with the coordinates used by plots. */
export interface TaskDef {
  /** stable identifier, e.g. "delay/c0/d5"; unique within a suite */
  id: string;
  family: TaskFamilyName;
  channels: number[];
  /** delay / window / order / horizon, in task steps */
  memoryDepth: number;
  /** polynomial degree of the target in the input (1 = linear); documented per family */
  nonlinearity: number;
  parity: Parity;
  /** scored by accuracy of sign(prediction) as well as R^2 */
  classification: boolean;
  params: Record<string, number | string>;
}
