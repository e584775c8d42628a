/**
 * The dashboard for Node: where its built static files are. The API serves this folder; it exists only after
 * `npm run build` (turbo builds it before the API).
 */
import { fileURLToPath } from 'node:url';

/** Absolute path of the built single-page app (index.html + assets/). */
export const dashboardDir = fileURLToPath(new URL('../dist', import.meta.url));
