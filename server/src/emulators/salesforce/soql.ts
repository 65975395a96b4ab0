/**
 * The subset of SOQL Boucle uses: field lists with parent fields (`Account.OwnerId`,
 * `Account__r.Name`), COUNT(), WHERE with = != <> < > <= >= IN, NOT IN, LIKE, AND, OR, NOT and
 * parentheses, date literals (TODAY, YESTERDAY, LAST_N_DAYS:n, NEXT_N_DAYS:n, dates and
 * date-times), ORDER BY (ASC/DESC, NULLS FIRST/LAST), LIMIT and OFFSET.
 */

export class SoqlError extends Error {
  constructor(
    readonly errorCode: 'MALFORMED_QUERY' | 'INVALID_FIELD' | 'INVALID_TYPE',
    message: string,
  ) {
    super(message);
  }
}

export type Literal =
  | { kind: 'string'; value: string }
  | { kind: 'number'; value: number }
  | { kind: 'boolean'; value: boolean }
  | { kind: 'null' }
  | { kind: 'date'; from: number; to: number; text: string };

export type Condition =
  | { kind: 'and' | 'or'; left: Condition; right: Condition }
  | { kind: 'not'; inner: Condition }
  | { kind: 'compare'; field: string[]; op: '=' | '!=' | '<' | '>' | '<=' | '>='; value: Literal }
  | { kind: 'in'; field: string[]; negated: boolean; values: Literal[] }
  | { kind: 'like'; field: string[]; pattern: string };

export interface SoqlQuery {
  readonly object: string;
  readonly fields: string[][];
  readonly count: boolean;
  readonly where?: Condition;
  readonly orderBy: { field: string[]; descending: boolean; nullsLast: boolean }[];
  readonly limit?: number;
  readonly offset?: number;
}

type Token = { type: 'word' | 'string' | 'number' | 'symbol'; text: string; position: number };

function tokenize(soql: string): Token[] {
  const tokens: Token[] = [];
  let i = 0;
  while (i < soql.length) {
    const c = soql[i] as string;
    if (/\s/.test(c)) {
      i++;
    } else if (c === "'") {
      let text = '';
      let j = i + 1;
      for (; j < soql.length && soql[j] !== "'"; j++) {
        if (soql[j] === '\\') {
          const next = soql[++j];
          text += next === 'n' ? '\n' : next === 't' ? '\t' : (next ?? '');
        } else text += soql[j];
      }
      if (j >= soql.length)
        throw new SoqlError('MALFORMED_QUERY', `unterminated string starting at position ${i}`);
      tokens.push({ type: 'string', text, position: i });
      i = j + 1;
    } else if (/[0-9-]/.test(c) && /[0-9]/.test(soql[i + (c === '-' ? 1 : 0)] ?? '')) {
      const match =
        /^-?\d{4}-\d{2}-\d{2}(T\d{2}:\d{2}:\d{2}(\.\d+)?(Z|[+-]\d{2}:?\d{2}))?|^-?\d+(\.\d+)?/.exec(
          soql.slice(i),
        );
      const text = (match as RegExpExecArray)[0];
      tokens.push({
        type: /^-?\d{4}-\d{2}-\d{2}/.test(text) ? 'word' : 'number',
        text,
        position: i,
      });
      i += text.length;
    } else if (/[A-Za-z_]/.test(c)) {
      const text = (/^[A-Za-z_][\w.]*(:\d+)?/.exec(soql.slice(i)) as RegExpExecArray)[0];
      tokens.push({ type: 'word', text, position: i });
      i += text.length;
    } else {
      const two = soql.slice(i, i + 2);
      const text = ['!=', '<>', '<=', '>='].includes(two) ? two : c;
      if (!'=<>!(),'.includes(text[0] as string))
        throw new SoqlError('MALFORMED_QUERY', `unexpected character '${c}' at position ${i}`);
      tokens.push({ type: 'symbol', text, position: i });
      i += text.length;
    }
  }
  return tokens;
}

const DAY_MS = 86_400_000;

function dateLiteral(text: string, now: number): Literal | undefined {
  const today = Math.floor(now / DAY_MS) * DAY_MS;
  const upper = text.toUpperCase();
  if (upper === 'TODAY') return { kind: 'date', from: today, to: today + DAY_MS, text };
  if (upper === 'YESTERDAY') return { kind: 'date', from: today - DAY_MS, to: today, text };
  if (upper === 'TOMORROW')
    return { kind: 'date', from: today + DAY_MS, to: today + 2 * DAY_MS, text };
  const relative = /^(LAST|NEXT)_N_DAYS:(\d+)$/.exec(upper);
  if (relative) {
    const n = Number(relative[2]);
    // LAST_N_DAYS:n runs from n days ago through today; NEXT_N_DAYS:n from tomorrow on.
    return relative[1] === 'LAST'
      ? { kind: 'date', from: today - n * DAY_MS, to: today + DAY_MS, text }
      : { kind: 'date', from: today + DAY_MS, to: today + (n + 1) * DAY_MS, text };
  }
  if (/^\d{4}-\d{2}-\d{2}$/.test(text)) {
    const from = Date.parse(`${text}T00:00:00Z`);
    return Number.isNaN(from) ? undefined : { kind: 'date', from, to: from + DAY_MS, text };
  }
  if (/^\d{4}-\d{2}-\d{2}T/.test(text)) {
    const at = Date.parse(text);
    return Number.isNaN(at) ? undefined : { kind: 'date', from: at, to: at + 1, text };
  }
  return undefined;
}

/**
 * Parses a SOQL query of the supported subset.
 * @param soql the query text
 * @param now the instant date literals are relative to
 */
export function parseSoql(soql: string, now: number): SoqlQuery {
  const tokens = tokenize(soql);
  let index = 0;
  const peek = () => tokens[index];
  const isWord = (word: string) => peek()?.type === 'word' && peek()?.text.toUpperCase() === word;
  const fail = (what: string): never => {
    const token = peek();
    throw new SoqlError(
      'MALFORMED_QUERY',
      token
        ? `unexpected token: '${token.text}' at position ${token.position}, expected ${what}`
        : `unexpected end of query, expected ${what}`,
    );
  };
  const expectWord = (word: string) => (isWord(word) ? index++ : fail(word));
  const expectSymbol = (symbol: string) =>
    peek()?.type === 'symbol' && peek()?.text === symbol ? index++ : fail(`'${symbol}'`);
  const fieldPath = (): string[] => {
    const token = peek();
    if (token?.type !== 'word') return fail('a field name');
    index++;
    return token.text.split('.');
  };

  expectWord('SELECT');
  const fields: string[][] = [];
  let count = false;
  do {
    if (fields.length > 0 || count) index++;
    if (isWord('COUNT') && tokens[index + 1]?.text === '(') {
      index += 2;
      expectSymbol(')');
      count = true;
    } else fields.push(fieldPath());
  } while (peek()?.text === ',');
  expectWord('FROM');
  const objectToken = peek();
  if (objectToken?.type !== 'word') fail('an object name');
  index++;

  const literal = (): Literal => {
    const token = peek();
    if (!token) return fail('a value');
    index++;
    if (token.type === 'string') return { kind: 'string', value: token.text };
    if (token.type === 'number') return { kind: 'number', value: Number(token.text) };
    const upper = token.text.toUpperCase();
    if (upper === 'TRUE' || upper === 'FALSE') return { kind: 'boolean', value: upper === 'TRUE' };
    if (upper === 'NULL') return { kind: 'null' };
    const date = dateLiteral(token.text, now);
    if (date) return date;
    index--;
    return fail('a value');
  };
  const primary = (): Condition => {
    if (isWord('NOT')) {
      index++;
      return { kind: 'not', inner: primary() };
    }
    if (peek()?.text === '(') {
      index++;
      const inner = orExpression();
      expectSymbol(')');
      return inner;
    }
    const field = fieldPath();
    if (isWord('LIKE')) {
      index++;
      const pattern = literal();
      if (pattern.kind !== 'string') fail('a string pattern after LIKE');
      return { kind: 'like', field, pattern: (pattern as { value: string }).value };
    }
    const negated = isWord('NOT');
    if (negated) index++;
    if (isWord('IN')) {
      index++;
      expectSymbol('(');
      const values = [literal()];
      while (peek()?.text === ',') {
        index++;
        values.push(literal());
      }
      expectSymbol(')');
      return { kind: 'in', field, negated, values };
    }
    if (negated) fail('IN after NOT');
    const op = peek();
    if (op?.type !== 'symbol' || !['=', '!=', '<>', '<', '>', '<=', '>='].includes(op.text))
      return fail('a comparison operator');
    index++;
    const normalized = (op.text === '<>' ? '!=' : op.text) as '=' | '!=' | '<' | '>' | '<=' | '>=';
    return { kind: 'compare', field, op: normalized, value: literal() };
  };
  const andExpression = (): Condition => {
    let left = primary();
    while (isWord('AND')) {
      index++;
      left = { kind: 'and', left, right: primary() };
    }
    return left;
  };
  const orExpression = (): Condition => {
    let left = andExpression();
    while (isWord('OR')) {
      index++;
      left = { kind: 'or', left, right: andExpression() };
    }
    return left;
  };

  let where: Condition | undefined;
  if (isWord('WHERE')) {
    index++;
    where = orExpression();
  }
  const orderBy: SoqlQuery['orderBy'] = [];
  if (isWord('ORDER')) {
    index++;
    expectWord('BY');
    do {
      if (orderBy.length > 0) index++;
      const field = fieldPath();
      let descending = false;
      if (isWord('ASC') || isWord('DESC'))
        descending = (tokens[index++] as Token).text.toUpperCase() === 'DESC';
      let nullsLast = descending;
      if (isWord('NULLS')) {
        index++;
        if (!isWord('FIRST') && !isWord('LAST')) fail('FIRST or LAST');
        nullsLast = (tokens[index++] as Token).text.toUpperCase() === 'LAST';
      }
      orderBy.push({ field, descending, nullsLast });
    } while (peek()?.text === ',');
  }
  const integer = (what: string) => {
    const token = peek();
    if (token?.type !== 'number' || !/^\d+$/.test(token.text))
      return fail(`a whole number after ${what}`);
    index++;
    return Number(token.text);
  };
  let limit: number | undefined;
  let offset: number | undefined;
  if (isWord('LIMIT')) {
    index++;
    limit = integer('LIMIT');
  }
  if (isWord('OFFSET')) {
    index++;
    offset = integer('OFFSET');
  }
  if (peek()) fail('the end of the query');
  return {
    object: (objectToken as Token).text,
    fields,
    count,
    ...(where && { where }),
    orderBy,
    ...(limit !== undefined && { limit }),
    ...(offset !== undefined && { offset }),
  };
}

/** Reads a field path of a record (following parent relationships); `undefined` when unknown. */
export type FieldReader = (record: Record<string, unknown>, path: string[]) => unknown;

function comparable(value: unknown, literal: Literal): number | string | boolean | null {
  if (value === null || value === undefined) return null;
  if (literal.kind === 'date' && typeof value === 'string')
    return Date.parse(value.length === 10 ? `${value}T00:00:00Z` : value);
  if (typeof value === 'string') return value.toLowerCase();
  return value as number | boolean;
}

function matchesLiteral(value: unknown, op: string, literal: Literal): boolean {
  if (literal.kind === 'null')
    return op === '='
      ? value === null || value === undefined
      : value !== null && value !== undefined;
  const left = comparable(value, literal);
  if (left === null) return op === '!=';
  if (literal.kind === 'date') {
    const at = left as number;
    switch (op) {
      case '=':
        return at >= literal.from && at < literal.to;
      case '!=':
        return at < literal.from || at >= literal.to;
      case '<':
        return at < literal.from;
      case '<=':
        return at < literal.to;
      case '>':
        return at >= literal.to;
      default:
        return at >= literal.from;
    }
  }
  const right = literal.kind === 'string' ? literal.value.toLowerCase() : literal.value;
  switch (op) {
    case '=':
      return left === right;
    case '!=':
      return left !== right;
    case '<':
      return left < right;
    case '<=':
      return left <= right;
    case '>':
      return left > right;
    default:
      return left >= right;
  }
}

/**
 * Tells whether a record satisfies a WHERE condition. String comparisons are case-insensitive,
 * as in SOQL.
 */
export function evaluateCondition(
  condition: Condition,
  record: Record<string, unknown>,
  read: FieldReader,
): boolean {
  switch (condition.kind) {
    case 'and':
      return (
        evaluateCondition(condition.left, record, read) &&
        evaluateCondition(condition.right, record, read)
      );
    case 'or':
      return (
        evaluateCondition(condition.left, record, read) ||
        evaluateCondition(condition.right, record, read)
      );
    case 'not':
      return !evaluateCondition(condition.inner, record, read);
    case 'compare':
      return matchesLiteral(read(record, condition.field), condition.op, condition.value);
    case 'in': {
      const value = read(record, condition.field);
      const found = condition.values.some((literal) => matchesLiteral(value, '=', literal));
      return condition.negated ? !found : found;
    }
    default: {
      const value = read(record, condition.field);
      if (typeof value !== 'string') return false;
      const pattern = condition.pattern
        .split('')
        .map((ch) =>
          ch === '%' ? '.*' : ch === '_' ? '.' : ch.replace(/[.*+?^${}()|[\]\\]/g, '\\$&'),
        )
        .join('');
      return new RegExp(`^${pattern}$`, 'is').test(value);
    }
  }
}

/** Every field path a condition reads, to check them against the schema. */
export function conditionFields(condition: Condition | undefined): string[][] {
  if (!condition) return [];
  switch (condition.kind) {
    case 'and':
    case 'or':
      return [...conditionFields(condition.left), ...conditionFields(condition.right)];
    case 'not':
      return conditionFields(condition.inner);
    default:
      return [condition.field];
  }
}
