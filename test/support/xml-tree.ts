// Reads an XML document with Python's expat (a parser other than the generator's) into a plain tree:
// element names as "prefix:local" (the prefix the document declared for the namespace, so "atom:link"),
// attributes, decoded text, and the lines each element starts and ends on.
import { execFile } from "node:child_process";

const SCRIPT = String.raw`
import sys, json
from xml.parsers import expat
parser = expat.ParserCreate(namespace_separator=" ")
prefixes = {}
root = {"name": "#document", "attrs": {}, "text": "", "children": [], "line": 1, "endLine": 1}
stack = [root]
def qname(n):
  if " " not in n: return n
  uri, local = n.split(" ", 1)
  prefix = prefixes.get(uri, "")
  return prefix + ":" + local if prefix else local
def ns(prefix, uri): prefixes.setdefault(uri, prefix or "")
def start(name, attrs):
  node = {"name": qname(name), "attrs": {qname(k): v for k, v in attrs.items()}, "text": "", "children": [], "line": parser.CurrentLineNumber, "endLine": parser.CurrentLineNumber}
  stack[-1]["children"].append(node)
  stack.append(node)
def end(name):
  stack.pop()["endLine"] = parser.CurrentLineNumber
def chars(data): stack[-1]["text"] += data
parser.StartNamespaceDeclHandler = ns
parser.StartElementHandler = start
parser.EndElementHandler = end
parser.CharacterDataHandler = chars
parser.Parse(sys.stdin.buffer.read(), True)
print(json.dumps(root["children"][0]))
`;

export interface XmlNode {
  name: string;
  attrs: Record<string, string>;
  /** The element's own character data, decoded (entities, character references, CDATA). */
  text: string;
  children: XmlNode[];
  line: number;
  endLine: number;
}

export function xmlTree(xml: string | Buffer): Promise<XmlNode> {
  return new Promise((resolve, reject) => {
    const child = execFile("/usr/bin/python3", ["-c", SCRIPT], { maxBuffer: 256 * 1024 * 1024 }, (error, stdout, stderr) => {
      if (error) reject(new Error(`xml-tree: not well-formed: ${stderr || error.message}`));
      else resolve(JSON.parse(stdout) as XmlNode);
    });
    child.stdin!.end(xml);
  });
}

export function childrenNamed(node: XmlNode, name: string): XmlNode[] {
  return node.children.filter((c) => c.name === name);
}
