/**
 * The part of Salesforce's formula language that validation rules of the package use: AND, OR,
 * NOT, ISBLANK, ISNEW, CASESAFEID, LEFT, RIGHT, BEGINS, comparisons (`=`, `==`, `<>`, `!=`, `<`,
 * `>`, `<=`, `>=`), text concatenation (`&`), number and text literals, fields of the record,
 * `$User.Id` and `$Permission.<custom permission>`. A formula outside this subset is not parsed (the
 * emulator then does not enforce its rule; docs/emulators.md says so).
 *
 * Blank fields follow "treat blank fields as blanks": a blank number compares false, a blank text
 * is the empty text.
 */
import { normalizeId } from './ids.ts';

export type Formula =
  | { kind: 'literal'; value: string | number | boolean | null }
  | { kind: 'field'; name: string }
  | { kind: 'call'; name: string; args: Formula[] }
  | { kind: 'binary'; op: string; left: Formula; right: Formula };

/** What a formula reads: the record as it would be saved, and who saves it. */
export interface FormulaContext {
  readonly record: Record<string, unknown>;
  readonly isNew: boolean;
  readonly userId: string | undefined;
  /** Whether the running user holds a custom permission. */
  readonly hasPermission: (name: string) => boolean;
}

const FUNCTIONS = new Set([
  'AND',
  'OR',
  'NOT',
  'ISBLANK',
  'ISNEW',
  'CASESAFEID',
  'LEFT',
  'RIGHT',
  'BEGINS',
]);
const COMPARISONS = ['==', '<=', '>=', '<>', '!=', '=', '<', '>'];

/** Parses a formula, or returns undefined when it is outside the subset above. */
export function parseFormula(text: string): Formula | undefined {
  const tokens = text.match(
    /"(?:[^"\\]|\\.)*"|'(?:[^'\\]|\\.)*'|\d+(?:\.\d+)?|[$\w.]+|==|<=|>=|<>|!=|&&|\|\||[=<>&(),]|\S/g,
  );
  if (!tokens) return undefined;
  let at = 0;
  const peek = () => tokens[at];
  const take = (expected?: string) => {
    const token = tokens[at++];
    if (token === undefined || (expected !== undefined && token !== expected))
      throw new SyntaxError(`expected ${expected ?? 'more'}`);
    return token;
  };
  const comparison = (): Formula => {
    const left = concat();
    const op = peek();
    if (op !== undefined && COMPARISONS.includes(op)) {
      take();
      return { kind: 'binary', op, left, right: concat() };
    }
    return left;
  };
  const concat = (): Formula => {
    let left = primary();
    while (peek() === '&') {
      take();
      left = { kind: 'binary', op: '&', left, right: primary() };
    }
    return left;
  };
  const primary = (): Formula => {
    const token = take();
    if (token === '(') {
      const inner = comparison();
      take(')');
      return inner;
    }
    if (/^["']/.test(token))
      return { kind: 'literal', value: token.slice(1, -1).replace(/\\(.)/g, '$1') };
    if (/^\d/.test(token)) return { kind: 'literal', value: Number(token) };
    if (/^(TRUE|FALSE)$/i.test(token)) return { kind: 'literal', value: /^TRUE$/i.test(token) };
    if (/^NULL$/i.test(token)) return { kind: 'literal', value: null };
    if (!/^[$A-Za-z_]/.test(token)) throw new SyntaxError(`unexpected ${token}`);
    if (peek() === '(') {
      const name = token.toUpperCase();
      if (!FUNCTIONS.has(name)) throw new SyntaxError(`unknown function ${token}`);
      take('(');
      const args: Formula[] = [];
      while (peek() !== ')') {
        args.push(comparison());
        if (peek() === ',') take(',');
      }
      take(')');
      return { kind: 'call', name, args };
    }
    if (token.startsWith('$') && !/^\$(User\.Id|Permission\.\w+)$/.test(token))
      throw new SyntaxError(`unknown global ${token}`);
    return { kind: 'field', name: token };
  };
  try {
    const formula = comparison();
    return at === tokens.length ? formula : undefined;
  } catch (error) {
    if (error instanceof SyntaxError) return undefined;
    throw error;
  }
}

type Value = string | number | boolean | null;

const text = (value: Value) => (value === null ? '' : String(value));

/** Evaluates a formula; a validation rule fails its record when this is true. */
export function evaluateFormula(formula: Formula, context: FormulaContext): Value {
  const run = (f: Formula) => evaluateFormula(f, context);
  switch (formula.kind) {
    case 'literal':
      return formula.value;
    case 'field': {
      if (formula.name === '$User.Id') return context.userId ?? null;
      if (formula.name.startsWith('$Permission.'))
        return context.hasPermission(formula.name.slice('$Permission.'.length));
      const value = context.record[formula.name];
      return value === undefined ? null : (value as Value);
    }
    case 'call': {
      const args = formula.args;
      switch (formula.name) {
        case 'AND':
          return args.every((a) => run(a) === true);
        case 'OR':
          return args.some((a) => run(a) === true);
        case 'NOT':
          return run(args[0] as Formula) !== true;
        case 'ISBLANK': {
          const value = run(args[0] as Formula);
          return value === null || value === '';
        }
        case 'ISNEW':
          return context.isNew;
        case 'CASESAFEID': {
          const value = run(args[0] as Formula);
          return value === null ? null : (normalizeId(value) ?? String(value));
        }
        case 'LEFT':
          return text(run(args[0] as Formula)).slice(0, Number(run(args[1] as Formula)));
        case 'RIGHT': {
          const n = Number(run(args[1] as Formula));
          const value = text(run(args[0] as Formula));
          return n <= 0 ? '' : value.slice(-n);
        }
        case 'BEGINS':
          return text(run(args[0] as Formula)).startsWith(text(run(args[1] as Formula)));
      }
      return null;
    }
    case 'binary': {
      const left = run(formula.left);
      const right = run(formula.right);
      if (formula.op === '&') return text(left) + text(right);
      const numeric = typeof left === 'number' || typeof right === 'number';
      if (numeric && (left === null || right === null)) return false;
      const [a, b] = numeric ? [Number(left), Number(right)] : [text(left), text(right)];
      switch (formula.op) {
        case '=':
        case '==':
          return a === b;
        case '<>':
        case '!=':
          return a !== b;
        case '<':
          return a < b;
        case '>':
          return a > b;
        case '<=':
          return a <= b;
        case '>=':
          return a >= b;
      }
      return null;
    }
  }
}
