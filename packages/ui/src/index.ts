/**
 * `@agentlens/ui` for Node: where the built web UI is, so the hub can serve it. The UI itself is
 * browser code under `src/web/`, built by Vite to `dist/web/`.
 */
import { fileURLToPath } from 'node:url';

/**
 * The directory of the built UI (`index.html` and `assets/`). The same path from the sources
 * (`src/index.ts`) and from the build (`dist/index.js`): both sit one level below the package.
 *
 * @example
 * ```ts
 * import { UI_DIST_DIR } from '@agentlens/ui';
 * registerUi(app, { distDir: UI_DIST_DIR });
 * ```
 */
export const UI_DIST_DIR: string = fileURLToPath(new URL('../dist/web/', import.meta.url));
