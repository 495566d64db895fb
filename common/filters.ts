// A selection of runs, as the CLI, the app and the archive take it (the archive turns it into SQL:
// db/filters.ts). The type is the request schema's (common/requests.ts).
export type { RunFilter } from './requests.js';
