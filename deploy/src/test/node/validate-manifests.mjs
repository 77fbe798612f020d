// Validates rendered Kubernetes objects offline against the Kubernetes OpenAPI schemas, through the models of the
// npm package kubernetes-models (no cluster, no network). Reads a YAML stream on stdin; argument: the node_modules
// directory that holds kubernetes-models and yaml (scripts/infra up installs them). Prints one JSON line:
// {"checked": [...], "skipped": [...], "problems": [...]}; exits 1 when there is a problem. Kinds the package has
// no model for (custom resources: ServiceMonitor, ScaledObject) are skipped and listed.
import { readFileSync, existsSync } from "node:fs";
import { join } from "node:path";
import { pathToFileURL } from "node:url";

const modules = process.argv[2];
const { parseAllDocuments } = await import(pathToFileURL(join(modules, "yaml", "dist", "index.js")).href);
const input = readFileSync(0, "utf8");
const result = { checked: [], skipped: [], problems: [] };
for (const document of parseAllDocuments(input)) {
  const object = document.toJS();
  if (!object) {
    continue;
  }
  const name = `${object.kind} ${object.metadata?.name}`;
  const [group, version] = object.apiVersion.includes("/") ? object.apiVersion.split("/") : [null, object.apiVersion];
  const model = join(modules, "kubernetes-models", ...(group ? [group, version] : [version]), `${object.kind}.js`);
  if (!existsSync(model)) {
    result.skipped.push(`${object.apiVersion} ${object.kind}`);
    continue;
  }
  const Model = (await import(pathToFileURL(model).href))[object.kind];
  try {
    new Model(object).validate();
    result.checked.push(name);
  } catch (error) {
    result.problems.push(`${name}: ${error.message}`);
  }
}
console.log(JSON.stringify(result));
process.exit(result.problems.length > 0 ? 1 : 0);
