// Makes web/outlines/{nederland,provincies,gemeenten}.geojson, the UI's offline background, from
// CBS's municipal boundaries (see web/README.md, "Outlines", for the source and its licence):
//
//   node tools/make-outlines.mjs gemeenten.json
//
// The input is a GeoJSON FeatureCollection of the municipalities of one year, with the CBS code
// in `gemeentecode` (or `statcode`) and the name in `gemeentenaam` (or `statnaam`). The provinces and
// the country are dissolved from the municipalities (TopoJSON merge), so their borders are the
// municipal borders exactly; the municipality-to-province table below is the CBS division of 2023
// and is checked: every municipality in exactly one province, and each one touching another of its
// province unless it is an island.
import { readFileSync, writeFileSync, mkdirSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { topology } from 'topojson-server';
import { feature, merge, neighbors } from 'topojson-client';
import { presimplify, simplify, quantile } from 'topojson-simplify';

const here = dirname(fileURLToPath(import.meta.url));
const outDir = join(here, '..', 'outlines');

// CBS province codes and names, and their municipalities (CBS codes without "GM"), as of 2023.
const provinces = {
  PV20: ['Groningen', '0014 0037 0047 0765 1895 1950 1952 1966 1969 1979'],
  PV21: ['Fryslân', '0059 0060 0072 0074 0080 0085 0086 0088 0090 0093 0096 0098 0737 1891 1900 1940 1949 1970'],
  PV22: ['Drenthe', '0106 0109 0114 0118 0119 1680 1681 1690 1699 1701 1730 1731'],
  PV23: ['Overijssel', '0141 0147 0148 0150 0153 0158 0160 0163 0164 0166 0168 0173 0175 0177 0180 0183 0189 0193 ' +
    '1700 1708 1735 1742 1773 1774 1896'],
  PV24: ['Flevoland', '0034 0050 0171 0184 0303 0995'],
  PV25: ['Gelderland', '0197 0200 0202 0203 0209 0213 0214 0216 0221 0222 0225 0226 0228 0230 0232 0233 0243 0244 ' +
    '0246 0252 0262 0263 0267 0268 0269 0273 0274 0275 0277 0279 0281 0285 0289 0293 0294 0296 0297 0299 0301 0302 ' +
    '0668 1509 1586 1705 1734 1740 1859 1876 1945 1955 1960'],
  PV26: ['Utrecht', '0307 0308 0310 0312 0313 0317 0321 0327 0331 0335 0339 0340 0342 0344 0345 0351 0352 0353 0355 ' +
    '0356 0589 0632 0736 1581 1904 1961'],
  PV27: ['Noord-Holland', '0358 0361 0362 0363 0373 0375 0376 0377 0383 0384 0385 0388 0392 0394 0396 0397 0399 0400 ' +
    '0402 0405 0406 0415 0417 0420 0431 0432 0437 0439 0441 0448 0450 0451 0453 0473 0479 0498 0532 0852 0880 1598 ' +
    '1696 1911 1942 1980'],
  PV28: ['Zuid-Holland', '0482 0484 0489 0502 0503 0505 0512 0513 0518 0523 0531 0534 0537 0542 0546 0547 0553 0556 ' +
    '0569 0575 0579 0590 0597 0599 0603 0606 0610 0613 0622 0626 0627 0629 0637 0638 0642 1525 1621 1783 1842 1884 ' +
    '1892 1901 1916 1924 1926 1930 1931 1963 1978 1992'],
  PV29: ['Zeeland', '0654 0664 0677 0678 0687 0703 0715 0716 0717 0718 1676 1695 1714'],
  PV30: ['Noord-Brabant', '0743 0744 0748 0753 0755 0757 0758 0762 0766 0770 0772 0777 0779 0784 0785 0794 0796 0797 ' +
    '0798 0809 0820 0823 0824 0826 0828 0840 0845 0847 0848 0851 0855 0858 0861 0865 0866 0867 0873 0879 1652 1655 ' +
    '1658 1659 1667 1674 1706 1709 1719 1721 1723 1724 1728 1771 1948 1959 1982 1991'],
  PV31: ['Limburg', '0882 0888 0889 0893 0899 0907 0917 0928 0935 0938 0944 0946 0957 0965 0971 0981 0983 0984 0986 ' +
    '0988 0994 1507 1640 1641 1669 1711 1729 1883 1894 1903 1954'],
};
// Municipalities that are islands of their own (the Wadden Islands), which touch no other.
const islands = new Set(['GM0060', 'GM0088', 'GM0093', 'GM0096', 'GM0448']);

const provinceOf = new Map();
for (const [code, [, members]] of Object.entries(provinces)) {
  for (const number of members.split(/\s+/)) {
    const municipality = 'GM' + number;
    if (provinceOf.has(municipality)) throw new Error(`${municipality} is in two provinces`);
    provinceOf.set(municipality, code);
  }
}

const source = JSON.parse(readFileSync(process.argv[2], 'utf8'));
const municipalities = source.features
  .filter((f) => f.geometry && (f.properties.gemeentecode || f.properties.statcode) !== 'GM0998')
  .map((f) => ({
    type: 'Feature',
    properties: {
      code: f.properties.gemeentecode || f.properties.statcode,
      name: f.properties.gemeentenaam || f.properties.statnaam,
    },
    geometry: f.geometry,
  }));
const seen = new Set(municipalities.map((f) => f.properties.code));
for (const code of seen) if (!provinceOf.has(code)) throw new Error(`${code} is in no province`);
for (const code of provinceOf.keys()) if (!seen.has(code)) throw new Error(`${code} is not in the input`);
for (const f of municipalities) f.properties.province = provinceOf.get(f.properties.code);

// Shared borders become shared arcs, so simplifying keeps neighbours fitting together.
let topo = topology({ gemeenten: { type: 'FeatureCollection', features: municipalities } }, 1e6);
topo = presimplify(topo);
topo = simplify(topo, quantile(topo, 0.25));
const geometries = topo.objects.gemeenten.geometries;

// Every municipality but an island touches another of its own province.
const touching = neighbors(geometries);
geometries.forEach((g, i) => {
  const code = g.properties.code;
  if (islands.has(code)) return;
  if (!touching[i].some((j) => geometries[j].properties.province === g.properties.province))
    throw new Error(`${code} (${g.properties.name}) touches no municipality of ${g.properties.province}`);
});

// Coordinates to 4 decimals: about 10 m, far below what a background at country scale shows.
const round = (value) => Math.round(value * 1e4) / 1e4;
function rounded(geometry) {
  const walk = (c) => (typeof c[0] === 'number' ? [round(c[0]), round(c[1])] : c.map(walk));
  return { type: geometry.type, coordinates: walk(geometry.coordinates) };
}
function collection(features) {
  return { type: 'FeatureCollection', features: features.map((f) => ({ ...f, geometry: rounded(f.geometry) })) };
}

const gemeenten = feature(topo, topo.objects.gemeenten).features.map((f) => ({
  type: 'Feature', id: f.properties.code, properties: f.properties, geometry: f.geometry,
}));
const provincies = Object.entries(provinces).map(([code, [name]]) => ({
  type: 'Feature', id: code, properties: { code, name },
  geometry: merge(topo, geometries.filter((g) => g.properties.province === code)),
}));
const nederland = [{
  type: 'Feature', id: 'NL', properties: { code: 'NL', name: 'Nederland' }, geometry: merge(topo, geometries),
}];

mkdirSync(outDir, { recursive: true });
for (const [name, features] of [['gemeenten', gemeenten], ['provincies', provincies], ['nederland', nederland]]) {
  const text = JSON.stringify(collection(features));
  writeFileSync(join(outDir, `${name}.geojson`), text + '\n');
  console.log(`${name}.geojson: ${features.length} features, ${text.length} bytes`);
}
