import { SaxesParser } from 'saxes';

// The metadata files as element trees, with their line numbers for the problems a deploy names.

export interface XmlElement {
  readonly name: string;
  readonly line: number;
  text: string;
  readonly children: XmlElement[];
}

const METADATA_NAMESPACE = 'http://soap.sforce.com/2006/04/metadata';

export function parseXml(text: string): XmlElement {
  const parser = new SaxesParser({ position: true });
  const stack: XmlElement[] = [];
  let root: XmlElement | undefined;
  parser.on('opentag', (tag) => {
    const element: XmlElement = { name: tag.name, line: parser.line, text: '', children: [] };
    if (!root) {
      root = element;
      if (tag.attributes.xmlns !== METADATA_NAMESPACE)
        throw new XmlProblem(parser.line, `the root element must be in ${METADATA_NAMESPACE}`);
    }
    stack.at(-1)?.children.push(element);
    stack.push(element);
  });
  const addText = (text: string) => {
    const top = stack.at(-1);
    if (top) top.text += text;
  };
  parser.on('text', addText);
  parser.on('cdata', addText);
  parser.on('closetag', () => void stack.pop());
  parser.on('error', (error) => {
    throw new XmlProblem(parser.line, error.message.replace(/^[^:]*:\d+:\d+: /, ''));
  });
  parser.write(text).close();
  if (!root) throw new XmlProblem(1, 'the file holds no element');
  return root;
}

export class XmlProblem extends Error {
  constructor(
    readonly line: number,
    message: string,
  ) {
    super(message);
  }
}

export const child = (element: XmlElement | undefined, name: string) =>
  element?.children.find((c) => c.name === name);
export const childrenNamed = (element: XmlElement | undefined, name: string) =>
  element?.children.filter((c) => c.name === name) ?? [];
export const textOf = (element: XmlElement | undefined) => element?.text.trim() ?? '';
/** Every descendant element with this name, at any depth. */
export function descendants(element: XmlElement, name: string): XmlElement[] {
  return element.children.flatMap((c) => [
    ...(c.name === name ? [c] : []),
    ...descendants(c, name),
  ]);
}
