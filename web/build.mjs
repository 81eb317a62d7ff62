// Builds the web UI into web/dist/ — plain static files, no bundler: the app's own ES modules and
// style sheet, the outlines, and the prebuilt files of MapLibre GL JS and CesiumJS that they load
// at run time. Run after `npm ci`:  npm run build
import { cpSync, mkdirSync, readFileSync, readdirSync, rmSync, statSync, writeFileSync, existsSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';

const here = dirname(fileURLToPath(import.meta.url));
const dist = join(here, 'dist');
const modules = join(here, 'node_modules');

function packageVersion(name) {
  return JSON.parse(readFileSync(join(modules, name, 'package.json'), 'utf8')).version;
}

function copy(from, to) {
  if (!existsSync(from)) throw new Error(`${relative(here, from)} is missing: run npm ci first`);
  cpSync(from, to, { recursive: true });
}

function sizeOf(path) {
  const stat = statSync(path);
  if (!stat.isDirectory()) return stat.size;
  return readdirSync(path).reduce((sum, name) => sum + sizeOf(join(path, name)), 0);
}

rmSync(dist, { recursive: true, force: true });
mkdirSync(dist, { recursive: true });

// The app: src/ as it is (app.js, its modules, app.css).
copy(join(here, 'src'), dist);

// The outlines of the Netherlands, its provinces and municipalities (web/README.md, "Outlines").
copy(join(here, 'outlines'), join(dist, 'outlines'));

// MapLibre GL JS: its one prebuilt script (it starts its worker from a blob) and style sheet.
const maplibre = join(modules, 'maplibre-gl', 'dist');
mkdirSync(join(dist, 'vendor', 'maplibre'), { recursive: true });
for (const file of ['maplibre-gl.js', 'maplibre-gl.css', 'LICENSE.txt']) copy(join(maplibre, file), join(dist, 'vendor', 'maplibre', file));

// CesiumJS: what it needs at run time, under window.CESIUM_BASE_URL ({base}/ui/vendor/cesium/).
const cesium = join(modules, 'cesium', 'Build', 'Cesium');
for (const part of ['Cesium.js', 'Assets', 'Workers', 'ThirdParty', 'Widgets']) copy(join(cesium, part), join(dist, 'vendor', 'cesium', part));
copy(join(modules, 'cesium', 'LICENSE.md'), join(dist, 'vendor', 'cesium', 'LICENSE.md'));

const versions = { 'maplibre-gl': packageVersion('maplibre-gl'), cesium: packageVersion('cesium') };
writeFileSync(join(dist, 'versions.json'), `${JSON.stringify(versions, null, 2)}\n`);
writeFileSync(join(dist, 'config.example.json'), `${JSON.stringify({
  backgroundTiles: 'https://service.pdok.nl/brt/achtergrondkaart/wmts/v2_0/standaard/EPSG:3857/{z}/{x}/{y}.png',
  attribution: 'Kaartgegevens © Kadaster (BRT Achtergrondkaart, CC BY 4.0)',
}, null, 2)}\n`);

const megabytes = (bytes) => `${(bytes / 1e6).toFixed(1)} MB`;
console.log(`web/dist: ${megabytes(sizeOf(dist))} (outlines ${megabytes(sizeOf(join(dist, 'outlines')))}, ` +
  `MapLibre ${versions['maplibre-gl']} ${megabytes(sizeOf(join(dist, 'vendor', 'maplibre')))}, ` +
  `CesiumJS ${versions.cesium} ${megabytes(sizeOf(join(dist, 'vendor', 'cesium')))})`);
