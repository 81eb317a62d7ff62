// Validates an RDF document (Turtle or JSON-LD) against SHACL shapes (Turtle) with rdf-validate-shacl.
//
//   node validate.mjs DATA.ttl|DATA.jsonld SHAPES.ttl [MORE-SHAPES.ttl ...]
//
// Several shape files are validated as one union (a profile's shapes together with the shapes of
// the standard it extends; shapes of the same IRI in several files merge).
// Exit status: 0 when the data conforms, 1 when there are violations (each printed on stderr),
// 2 when a file cannot be read or parsed. Results of severity sh:Warning or sh:Info (recommended
// properties) are printed on stdout as `warning` lines and do not fail the check. JSON-LD is expanded with the jsonld package; a remote
// @context is refused (the documents Tweeling serves carry their context inline), so the check
// never depends on the network.
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import jsonld from 'jsonld';
import { Parser, Store } from 'n3';
import SHACLValidator from 'rdf-validate-shacl';

function usage() {
  console.error('usage: node validate.mjs DATA.ttl|DATA.jsonld SHAPES.ttl [MORE-SHAPES.ttl ...]');
  process.exit(2);
}

function parseTurtle(text, baseIRI) {
  const store = new Store();
  store.addQuads(new Parser({ baseIRI }).parse(text));
  return store;
}

async function parseJsonLd(text, baseIRI) {
  const document = JSON.parse(text);
  const offlineLoader = async (url) => {
    throw new Error(`remote JSON-LD context not allowed: ${url}`);
  };
  const nquads = await jsonld.toRDF(document, {
    format: 'application/n-quads',
    base: baseIRI,
    documentLoader: offlineLoader,
    safe: true, // fail on anything that would be dropped silently (unmapped terms, bad IRIs)
  });
  const store = new Store();
  store.addQuads(new Parser({ format: 'application/n-quads' }).parse(nquads));
  return store;
}

async function load(file) {
  const text = await readFile(file, 'utf8');
  const baseIRI = 'file://' + path.resolve(file);
  if (/\.(jsonld|json)$/i.test(file)) return parseJsonLd(text, baseIRI);
  return parseTurtle(text, baseIRI);
}

function show(term) {
  if (!term) return '';
  if (term.termType === 'NamedNode') return `<${term.value}>`;
  if (term.termType === 'BlankNode') return `_:${term.value}`;
  return JSON.stringify(term.value);
}

async function main() {
  const [dataFile, ...shapesFiles] = process.argv.slice(2);
  if (!dataFile || shapesFiles.length === 0) usage();
  let data;
  const shapes = new Store();
  let reading = dataFile;
  try {
    data = await load(dataFile);
    for (const shapesFile of shapesFiles) {
      reading = shapesFile;
      shapes.addQuads((await load(shapesFile)).getQuads());
    }
  } catch (error) {
    console.error(`cannot read ${reading}: ${error.message}`);
    process.exit(2);
  }
  if (data.size === 0) {
    console.error(`${dataFile}: no triples`);
    process.exit(2);
  }
  const validator = new SHACLValidator(shapes);
  const report = await validator.validate(data);
  const describe = (result) => {
    const messages = result.message.map((m) => m.value).join('; ');
    return (
      `${dataFile}: ${result.severity?.value.replace('http://www.w3.org/ns/shacl#', 'sh:')} ` +
      `focus ${show(result.focusNode)} path ${show(result.path)} value ${show(result.value)}: ${messages} ` +
      `[${show(result.sourceConstraintComponent)} from ${show(result.sourceShape)}]`
    );
  };
  const lenient = new Set(['http://www.w3.org/ns/shacl#Warning', 'http://www.w3.org/ns/shacl#Info']);
  const violations = report.results.filter((result) => !lenient.has(result.severity?.value));
  const warnings = report.results.filter((result) => lenient.has(result.severity?.value));
  for (const result of warnings) console.log(`warning ${describe(result)}`);
  if (violations.length === 0) {
    console.log(`${dataFile}: conforms (${data.size} triples, ${warnings.length} warning(s))`);
    return;
  }
  for (const result of violations) console.error(describe(result));
  console.error(`${dataFile}: ${violations.length} violation(s)`);
  process.exit(1);
}

main().catch((error) => {
  console.error(error.stack || String(error));
  process.exit(2);
});
