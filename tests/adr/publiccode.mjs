// Validates publiccode.yml (Standard for Public Code) for ctest publiccode_yml, offline: the YAML 1.2
// document against the publiccode.yml 0.4 JSON Schema beside this file (Ajv, with the formats of
// ajv-formats), then what a schema cannot say: features in at least one language, a description in
// every language the software is available in, and softwareVersion equal to the CMake project
// version. Broken variants of the file made here must be refused, so the check cannot pass vacuously.
//
// Usage: node tests/adr/publiccode.mjs publiccode.yml
import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import Ajv from 'ajv';
import addFormats from 'ajv-formats';
import { parseDocument } from 'yaml';

const here = dirname(fileURLToPath(import.meta.url));
const file = process.argv[2];
if (!file) {
  console.error('usage: node publiccode.mjs PUBLICCODE_YML');
  process.exit(2);
}
const schema = JSON.parse(readFileSync(join(here, 'publiccode-0.4.schema.json'), 'utf8'));
const ajv = new Ajv({ allErrors: true, strict: true });
addFormats(ajv);
const validate = ajv.compile(schema);
const cmake = readFileSync(join(here, '..', '..', 'CMakeLists.txt'), 'utf8');
const projectVersion = (cmake.match(/project\(\s*\w+\s+VERSION\s+([0-9.]+)/) || [])[1];

// Every problem of `data` (a parsed publiccode.yml), as text.
function problems(data) {
  const found = [];
  if (!validate(data))
    for (const error of validate.errors) found.push(`${error.instancePath || '/'} ${error.message}` +
      (error.params && error.params.allowedValues ? `: ${error.params.allowedValues.join(', ')}` : ''));
  if (data && typeof data === 'object' && data.description && typeof data.description === 'object') {
    const languages = Object.values(data.description);
    if (!languages.some((text) => text && Array.isArray(text.features) && text.features.length > 0))
      found.push('/description features are mandatory in at least one language');
    for (const language of (data.localisation && data.localisation.availableLanguages) || [])
      if (!data.description[language]) found.push(`/description has no ${language}, an available language`);
  }
  if (data && data.softwareVersion !== undefined && data.softwareVersion !== projectVersion)
    found.push(`/softwareVersion is ${data.softwareVersion}, the CMake project version is ${projectVersion}`);
  return found;
}

const document = parseDocument(readFileSync(file, 'utf8'), { version: '1.2', uniqueKeys: true });
const failures = document.errors.map((error) => `YAML: ${error.message}`);
const data = document.toJS();
failures.push(...problems(data));

// Broken variants: each must be refused (with the reason named here).
const broken = {
  'shortDescription over 150 characters': (d) => { d.description.en.shortDescription = 'x'.repeat(151); },
  'longDescription under 150 characters': (d) => { d.description.nl.longDescription = 'Te kort.'; },
  'an unknown developmentStatus': (d) => { d.developmentStatus = 'finished'; },
  'an unknown softwareType': (d) => { d.softwareType = 'standalone/server'; },
  'a category outside the list': (d) => { d.categories.push('digital-twins'); },
  'no legal.license': (d) => { delete d.legal.license; },
  'community maintenance without contacts': (d) => { d.maintenance = { type: 'community' }; },
  'a releaseDate that is not YYYY-MM-DD': (d) => { d.releaseDate = '07-12-2026'; },
  'a url that is not one': (d) => { d.url = 'tweeling'; },
  'an unknown key': (d) => { d.licence = 'EUPL-1.2'; },
  'no features in any language': (d) => { for (const text of Object.values(d.description)) delete text.features; },
  'a softwareVersion that is not the project version': (d) => { d.softwareVersion = '9.9.9'; },
};
if (failures.length === 0) {
  for (const [what, breakIt] of Object.entries(broken)) {
    const copy = structuredClone(data);
    breakIt(copy);
    if (problems(copy).length === 0) failures.push(`a publiccode.yml with ${what} was accepted`);
  }
}

if (failures.length) {
  console.error(`publiccode_yml: ${file} is not valid publiccode.yml 0.4:`);
  for (const failure of failures) console.error('  - ' + failure);
  process.exit(1);
}
console.log(`publiccode_yml: ${file} is valid publiccode.yml 0.4 (name ${data.name}, version ${data.softwareVersion}); ` +
  `${Object.keys(broken).length} broken variants refused`);
