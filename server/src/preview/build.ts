/**
 * Builds the preview page's script: the real Lightning Web Components of `salesforce/force-app`,
 * compiled by LWC OSS (`@lwc/rollup-plugin`) with `lightning-base-components`, and the stand-ins of
 * `preview/modules` for what only Salesforce serves (Lightning Data Service adapters, toasts,
 * quick actions). `@salesforce/label`, `@salesforce/schema` and `@salesforce/user` imports resolve
 * as on the platform: labels from the package's custom labels (English, and the French
 * translation when the page is in French), schema imports to `{ objectApiName, fieldApiName }`.
 *
 * The bundle is cached under `node_modules/.cache/boucle-preview`, keyed by a hash of every input,
 * so only the first start after a change pays the build: 21 s measured on two cores with a load
 * average of 2.7, 125 s with a load average of 28 (other builds and tests sharing the cores). The build runs in a worker thread
 * (`buildWorker.js`): rollup and the LWC compiler would otherwise hold the server's event loop for
 * all that time.
 */
import { createHash } from 'node:crypto';
import {
  existsSync,
  mkdirSync,
  readFileSync,
  readdirSync,
  renameSync,
  rmSync,
  statSync,
  writeFileSync,
} from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Worker } from 'node:worker_threads';
import { XMLParser } from 'fast-xml-parser';
import type { Plugin } from 'rollup';

const HERE = fileURLToPath(new URL('.', import.meta.url));
export const REPO_ROOT = join(HERE, '..', '..', '..');
const FORCE_APP = join(REPO_ROOT, 'salesforce', 'force-app', 'main', 'default');
const COMPONENTS = join(FORCE_APP, 'lwc');
const STAND_INS = join(HERE, 'modules');
const ENTRY = join(HERE, 'client', 'main.js');
const CACHE = join(REPO_ROOT, 'node_modules', '.cache', 'boucle-preview');

export interface PreviewBundle {
  readonly path: string;
  readonly built: boolean;
  /** How long the build took (0 when the cache held it). */
  readonly ms: number;
}

function filesUnder(dir: string): string[] {
  return readdirSync(dir, { recursive: true, encoding: 'utf8' })
    .map((f) => join(dir, f))
    .filter((f) => statSync(f).isFile() && !f.includes('__tests__'))
    .sort();
}

function inputsHash(): string {
  const hash = createHash('sha256');
  const versions = ['lwc', '@lwc/rollup-plugin', 'lightning-base-components', 'rollup'].map(
    (name) =>
      (
        JSON.parse(readFileSync(join(REPO_ROOT, 'node_modules', name, 'package.json'), 'utf8')) as {
          version: string;
        }
      ).version,
  );
  hash.update(versions.join(','));
  for (const file of [
    ...filesUnder(COMPONENTS),
    ...filesUnder(STAND_INS),
    ...filesUnder(join(HERE, 'client')),
    join(HERE, 'buildWorker.js'),
    join(FORCE_APP, 'labels', 'CustomLabels.labels-meta.xml'),
    join(FORCE_APP, 'translations', 'fr.translation-meta.xml'),
    fileURLToPath(import.meta.url),
  ]) {
    hash.update(file.slice(REPO_ROOT.length));
    hash.update(readFileSync(file));
  }
  return hash.digest('hex').slice(0, 16);
}

/** The package's custom labels: `{ en: { Name: text }, fr: { Name: text } }`. */
export function customLabels(): { en: Record<string, string>; fr: Record<string, string> } {
  const parser = new XMLParser({ isArray: (name) => name === 'labels' || name === 'customLabels' });
  const labels = parser.parse(
    readFileSync(join(FORCE_APP, 'labels', 'CustomLabels.labels-meta.xml'), 'utf8'),
  ) as { CustomLabels: { labels: { fullName: string; value: string }[] } };
  const french = parser.parse(
    readFileSync(join(FORCE_APP, 'translations', 'fr.translation-meta.xml'), 'utf8'),
  ) as { Translations: { customLabels: { name: string; label: string }[] } };
  return {
    en: Object.fromEntries(labels.CustomLabels.labels.map((l) => [l.fullName, String(l.value)])),
    fr: Object.fromEntries(french.Translations.customLabels.map((l) => [l.name, String(l.label)])),
  };
}

/** `@salesforce/*` imports, resolved as the platform does. */
function salesforceScopedImports(): Plugin {
  const labels = customLabels();
  return {
    name: 'boucle-salesforce-scoped-imports',
    resolveId(source) {
      // The others (@salesforce/i18n, gates, base components' labels) are lightning-base-components'.
      // (a component's own @salesforce/i18n/lang and /locale are the page's language).
      return /^@salesforce\/(label\/c\.|schema\/|user\/Id$|i18n\/(lang|locale)$)/.test(source)
        ? `\0${source}`
        : null;
    },
    load(id) {
      if (!id.startsWith('\0@salesforce/')) return null;
      const [, kind, name = ''] = /^\0@salesforce\/([^/]+)\/(.*)$/.exec(id) ?? [];
      if (kind === 'label') {
        const key = name.replace(/^c\./, '');
        if (!(key in labels.en)) this.error(`${id.slice(1)}: no such custom label in the package`);
        return `import { label } from 'preview/context';\nexport default label(${JSON.stringify(labels.en[key])}, ${JSON.stringify(labels.fr[key] ?? labels.en[key])});`;
      }
      if (kind === 'schema') {
        const [objectApiName, fieldApiName] = name.split('.');
        return `export default ${JSON.stringify(fieldApiName ? { objectApiName, fieldApiName } : { objectApiName })};`;
      }
      if (kind === 'i18n')
        return "import { context } from 'preview/context';\nexport default context.language === 'fr' ? 'fr' : 'en-US';";
      if (kind === 'user' && name === 'Id')
        return "import { context } from 'preview/context';\nexport default context.userId;";
      return this.error(`${id.slice(1)} is not available in the preview`);
    },
  };
}

/**
 * A production browser build: `process.env.NODE_ENV` is "production" (no `process` in a browser),
 * LBC's `import.meta.env.SSR` (a Vite idiom) is false, and `lwc` is the engine of the very LWC
 * release that compiles the components (the root `@lwc/engine-dom` is Jest's older one).
 */
function browserOnly(): Plugin {
  const fromLwc = createRequire(join(REPO_ROOT, 'node_modules', 'lwc', 'package.json'));
  const engine = fromLwc.resolve('@lwc/engine-dom');
  const syntheticShadow = fromLwc.resolve('@lwc/synthetic-shadow');
  return {
    name: 'boucle-browser-only',
    resolveId(source) {
      if (source === 'lwc' || source === '@lwc/engine-dom') return engine;
      if (source === '@lwc/synthetic-shadow') return syntheticShadow;
      return null;
    },
    transform(code) {
      if (!code.includes('import.meta.env.SSR') && !code.includes('process.env.')) return null;
      return {
        code: code
          .replaceAll('import.meta.env.SSR', 'false')
          .replaceAll('process.env.NODE_ENV', '"production"')
          .replace(/process\.env\.[A-Z_]+/g, 'undefined'),
        map: null,
      };
    },
  };
}

/**
 * Builds the bundle unless the cache already holds one for these inputs, in a worker thread so
 * that the server keeps answering meanwhile; `signal` stops the build (the server is closing).
 */
export async function buildPreview(
  onProgress: (message: string) => void = () => {},
  signal?: AbortSignal,
): Promise<PreviewBundle> {
  const key = inputsHash();
  const path = join(CACHE, `${key}.js`);
  if (existsSync(path)) return { path, built: false, ms: 0 };
  onProgress(
    'compiling the Lightning components for the preview (once: about 20 s on two free cores, minutes on a busy machine); the server answers meanwhile…',
  );
  const started = performance.now();
  const worker = new Worker(new URL('./buildWorker.js', import.meta.url), {
    workerData: { key, path },
  });
  const stop = () => void worker.terminate();
  signal?.addEventListener('abort', stop, { once: true });
  try {
    await new Promise<void>((resolve, reject) => {
      worker.on('message', (message: { progress?: string; done?: boolean }) => {
        if (message.progress) onProgress(message.progress);
        if (message.done) resolve();
      });
      worker.once('error', reject);
      worker.once('exit', (code) =>
        reject(new Error(signal?.aborted ? 'the build was stopped' : `the build exited (${code})`)),
      );
    });
  } finally {
    signal?.removeEventListener('abort', stop);
    await worker.terminate();
  }
  return { path, built: true, ms: Math.round(performance.now() - started) };
}

/** The build itself, run by `buildWorker.js` in its worker thread. */
export async function compileBundle(
  key: string,
  path: string,
  onProgress: (message: string) => void,
): Promise<void> {
  // Loaded here, in the worker: the main thread never needs the compiler.
  const { default: lwc } = await import('@lwc/rollup-plugin');
  const { rollup } = await import('rollup');
  const components = readdirSync(COMPONENTS).filter((name) =>
    existsSync(join(COMPONENTS, name, `${name}.js`)),
  );
  const standIns = readdirSync(STAND_INS).flatMap((namespace) =>
    readdirSync(join(STAND_INS, namespace)).map((name) => ({
      name: `${namespace}/${name}`,
      path: join(STAND_INS, namespace, name, `${name}.js`),
    })),
  );
  const bundle = await rollup({
    input: ENTRY,
    plugins: [
      browserOnly(),
      salesforceScopedImports(),
      lwc({
        rootDir: REPO_ROOT,
        // Stand-ins first: they take the names Salesforce serves (lightning/graphql, …).
        modules: [
          ...standIns,
          ...components.map((name) => ({
            name: `c/${name}`,
            path: join(COMPONENTS, name, `${name}.js`),
          })),
          { npm: 'lightning-base-components' },
        ],
      }),
    ],
    onwarn(warning) {
      // lightning-base-components' own templates draw a few compiler warnings: not ours to fix.
      if ((warning.id ?? warning.loc?.file ?? '').includes('node_modules')) return;
      if (warning.code === 'CIRCULAR_DEPENDENCY' || warning.code === 'THIS_IS_UNDEFINED') return;
      onProgress(`warning: ${warning.message}`);
    },
  });
  const { output } = await bundle.generate({ format: 'esm', inlineDynamicImports: true });
  await bundle.close();
  mkdirSync(CACHE, { recursive: true });
  const temporary = `${path}.${process.pid}.tmp`;
  writeFileSync(temporary, output[0].code);
  renameSync(temporary, path);
  for (const old of readdirSync(CACHE))
    if (old !== `${key}.js` && !old.endsWith('.tmp')) rmSync(join(CACHE, old), { force: true });
}
