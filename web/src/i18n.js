// Every label of the UI, in Dutch (the default) and English. The language is chosen by `?lang=en`
// (or `nl`) in the page's address, else the choice remembered in localStorage, else Dutch.
// The labels themselves are in labels-nl.js and labels-en.js.
import nl from './labels-nl.js';
import en from './labels-en.js';

const STORAGE_KEY = 'tweeling.lang';
export const LANGUAGES = ['nl', 'en'];
const dictionary = { nl, en };

// Labels of the twin themes (registry/record/vocabulary.hpp holds the same).
const themes = {
  buildings: ['Gebouwen', 'Buildings'],
  terrain: ['Terrein', 'Terrain'],
  vegetation: ['Vegetatie', 'Vegetation'],
  subsurface: ['Ondergrond', 'Subsurface'],
  infrastructure: ['Infrastructuur', 'Infrastructure'],
  water: ['Water', 'Water'],
  pointcloud: ['Puntenwolken', 'Point clouds'],
  bim: ['Bouwwerkinformatiemodellen', 'Building information models'],
  'heat-stress': ['Hittestress', 'Heat stress'],
  flooding: ['Wateroverlast en overstromingen', 'Flooding'],
  nitrogen: ['Stikstof', 'Nitrogen'],
  'air-quality': ['Luchtkwaliteit', 'Air quality'],
  noise: ['Geluid', 'Noise'],
  energy: ['Energie', 'Energy'],
  mobility: ['Mobiliteit', 'Mobility'],
  housing: ['Wonen', 'Housing'],
  'spatial-planning': ['Ruimtelijke ordening', 'Spatial planning'],
};

// Names of the formats (the same in both languages).
const formats = {
  '3dtiles': '3D Tiles', cityjson: 'CityJSON', cityjsonseq: 'CityJSONSeq', citygml: 'CityGML', i3s: 'I3S',
  gltf: 'glTF', ifc: 'IFC', las: 'LAS', laz: 'LAZ', copc: 'COPC', ept: 'EPT', 'quantized-mesh': 'quantized-mesh',
  wms: 'WMS', wmts: 'WMTS', 'ogcapi-features': 'OGC API – Features', gpkg: 'GeoPackage', geojson: 'GeoJSON',
  csv: 'CSV', other: { nl: 'overig', en: 'other' },
};

function chosenLanguage() {
  const fromUrl = new URLSearchParams(window.location.search).get('lang');
  if (LANGUAGES.includes(fromUrl)) {
    try { localStorage.setItem(STORAGE_KEY, fromUrl); } catch { /* storage may be off */ }
    return fromUrl;
  }
  try {
    const stored = localStorage.getItem(STORAGE_KEY);
    if (LANGUAGES.includes(stored)) return stored;
  } catch { /* storage may be off */ }
  return 'nl';
}

let language = chosenLanguage();

export function lang() {
  return language;
}

export function setLang(next) {
  if (!LANGUAGES.includes(next)) return;
  language = next;
  try { localStorage.setItem(STORAGE_KEY, next); } catch { /* storage may be off */ }
  document.documentElement.lang = next;
}

// The label `key`, with `{name}` replaced by vars.name.
export function t(key, vars = {}) {
  const text = dictionary[language][key] ?? dictionary.nl[key] ?? key;
  return text.replace(/\{(\w+)\}/g, (_, name) => (vars[name] ?? `{${name}}`));
}

export function has(key) {
  return key in dictionary[language];
}

// The label of a record property, or the property's own name when it has none.
export function propertyLabel(name) {
  return has(`prop_${name}`) ? t(`prop_${name}`) : name;
}

export function themeLabel(id) {
  const labels = themes[id];
  return labels ? labels[language === 'en' ? 1 : 0] : id;
}

export function formatLabel(id) {
  const label = formats[id];
  if (!label) return id;
  return typeof label === 'string' ? label : label[language];
}

// The label of a value of a facet or an enumerated property.
export function valueLabel(facet, value) {
  switch (facet) {
    case 'themes': return themeLabel(value);
    case 'formats': return formatLabel(value);
    case 'type': return has(`type_${value}`) ? t(`type_${value}`) : value;
    case 'rights': return has(`rights_${value}`) ? t(`rights_${value}`) : value;
    case 'validation': return has(`validation_${value}`) ? t(`validation_${value}`) : value;
    case 'state': return has(`state_${value}`) ? t(`state_${value}`) : value;
    default: return value;
  }
}

export function formatDate(text) {
  if (!text) return t('none');
  const date = new Date(text);
  if (Number.isNaN(date.getTime())) return String(text);
  const dateOnly = /^\d{4}-\d{2}-\d{2}$/.test(text);
  const options = dateOnly ? { dateStyle: 'long', timeZone: 'UTC' } : { dateStyle: 'medium', timeStyle: 'short' };
  return new Intl.DateTimeFormat(language === 'en' ? 'en-GB' : 'nl-NL', options).format(date);
}

export function formatNumber(value) {
  return new Intl.NumberFormat(language === 'en' ? 'en-GB' : 'nl-NL').format(value);
}

export function formatBytes(bytes) {
  const units = ['B', 'kB', 'MB', 'GB', 'TB'];
  let value = Number(bytes);
  let unit = 0;
  while (value >= 1000 && unit < units.length - 1) { value /= 1000; unit += 1; }
  return `${new Intl.NumberFormat(language === 'en' ? 'en-GB' : 'nl-NL', { maximumFractionDigits: 1 }).format(value)} ${units[unit]}`;
}
