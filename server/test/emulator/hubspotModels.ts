import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';

/**
 * Holds emulator answers to @hubspot/api-client's generated models. The client deserialises each
 * answer into model instances but never checks them; which attributes are required (no `?`) and
 * which values an enum allows is written only in each model's `.d.ts`. This walks a deserialised
 * answer, finds each instance's model file among the modules the client loaded, and lists every
 * required attribute that is missing, every date that does not parse and every enum value the
 * model does not know.
 */

const require = createRequire(import.meta.url);

interface Attribute {
  name: string;
  baseName: string;
  type: string;
}
interface ModelClass {
  name: string;
  attributeTypeMap: Attribute[];
}
interface ModelRules {
  required: Set<string>;
  enums: Map<string, Set<string>>;
}

const rules = new Map<ModelClass, ModelRules>();

function rulesOf(model: ModelClass): ModelRules {
  const known = rules.get(model);
  if (known) return known;
  const file = Object.keys(require.cache).find(
    (path) =>
      path.includes('@hubspot/api-client/lib/codegen/') &&
      path.endsWith(`/models/${model.name}.js`) &&
      (require.cache[path]?.exports as Record<string, unknown> | undefined)?.[model.name] === model,
  );
  if (!file) throw new Error(`no model file found for ${model.name}`);
  const declaration = readFileSync(file.replace(/\.js$/, '.d.ts'), 'utf8');
  const body = /export declare class \w+ \{([\s\S]*?)\n {4}static /.exec(declaration)?.[1] ?? '';
  const required = new Set(
    [...body.matchAll(/^ {4}'(\w+)'(\?)?:/gm)].filter((m) => !m[2]).map((m) => m[1] as string),
  );
  const enums = new Map<string, Set<string>>();
  for (const [, name, values] of declaration.matchAll(/export declare enum (\w+) \{([^}]*)\}/g))
    enums.set(
      name as string,
      new Set([...(values as string).matchAll(/= "([^"]*)"/g)].map((m) => m[1] as string)),
    );
  const found = { required, enums };
  rules.set(model, found);
  return found;
}

function isModel(value: unknown): value is Record<string, unknown> {
  const ctor = (value as { constructor?: Partial<ModelClass> } | null)?.constructor;
  return Array.isArray(ctor?.attributeTypeMap);
}

/**
 * What a deserialised answer lacks against its models, as `path: problem` lines (empty when it
 * holds). Pass what the client returned (or an `ApiException`'s `body`).
 */
export function modelGaps(value: unknown, path = '$'): string[] {
  if (Array.isArray(value)) return value.flatMap((item, i) => modelGaps(item, `${path}[${i}]`));
  if (value instanceof Date || value === null || typeof value !== 'object') return [];
  if (!isModel(value))
    return Object.entries(value).flatMap(([key, item]) => modelGaps(item, `${path}.${key}`));
  const model = value.constructor as unknown as ModelClass;
  const { required, enums } = rulesOf(model);
  const gaps: string[] = [];
  for (const attribute of model.attributeTypeMap) {
    const item = value[attribute.name];
    const where = `${path}.${attribute.baseName}`;
    if (item === undefined || item === null) {
      // No required attribute of these models is declared nullable.
      if (required.has(attribute.name))
        gaps.push(`${where}: required by ${model.name}, ${item === null ? 'null' : 'missing'}`);
      continue;
    }
    if (attribute.type === 'Date' && Number.isNaN((item as Date).getTime()))
      gaps.push(`${where}: not a date`);
    const allowed = enums.get(attribute.type);
    if (allowed && !allowed.has(String(item)))
      gaps.push(`${where}: ${String(item)} is not one of ${[...allowed].join(', ')}`);
    gaps.push(...modelGaps(item, where));
  }
  return gaps;
}
