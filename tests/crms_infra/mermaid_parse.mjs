// Parse Mermaid diagrams with Mermaid's own parser, as GitHub's renderer does.
// Input on stdin: a JSON array of diagram texts. Output: a JSON array of
// {ok: true, type} or {ok: false, error} in the same order.
// Mermaid's flowchart module sanitises labels with DOMPurify, which needs a DOM:
// jsdom provides one.
import { JSDOM } from "jsdom";

const dom = new JSDOM("<!doctype html><html><body></body></html>");
globalThis.window = dom.window;
globalThis.document = dom.window.document;
const { default: mermaid } = await import("mermaid");
mermaid.initialize({ startOnLoad: false });

let input = "";
for await (const chunk of process.stdin) input += chunk;
const results = [];
for (const text of JSON.parse(input)) {
  try {
    const parsed = await mermaid.parse(text);
    results.push({ ok: true, type: parsed.diagramType });
  } catch (error) {
    results.push({ ok: false, error: String(error.message ?? error).split("\n")[0] });
  }
}
process.stdout.write(JSON.stringify(results));
process.exit(0);
