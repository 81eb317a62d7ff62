// The 2D map (MapLibre GL JS): the outlines of the Netherlands, its provinces and municipalities
// shipped with the UI as the background, or the tile service of {base}/ui/config.json.
import { config, urls } from './api.js';
import { loadScript, loadStyle } from './loader.js';
import { t } from './i18n.js';

export const NETHERLANDS = [[3.2, 50.7], [7.3, 53.6]];

export async function loadMaplibre(base) {
  await Promise.all([
    loadStyle(urls.ui(base, 'vendor/maplibre/maplibre-gl.css')),
    loadScript(urls.ui(base, 'vendor/maplibre/maplibre-gl.js')),
  ]);
  return window.maplibregl;
}

export async function backgroundStyle(base) {
  const settings = await config(base);
  const outlines = t('attributionOutlines');
  const sources = {
    nederland: { type: 'geojson', data: urls.ui(base, 'outlines/nederland.geojson'), attribution: outlines },
    provincies: { type: 'geojson', data: urls.ui(base, 'outlines/provincies.geojson') },
    gemeenten: { type: 'geojson', data: urls.ui(base, 'outlines/gemeenten.geojson') },
  };
  const layers = [{ id: 'sea', type: 'background', paint: { 'background-color': '#dce8ef' } }];
  if (typeof settings.backgroundTiles === 'string' && settings.backgroundTiles) {
    sources.tiles = {
      type: 'raster', tiles: [settings.backgroundTiles], tileSize: settings.tileSize || 256,
      attribution: settings.attribution || '', maxzoom: settings.maxZoom || 19,
    };
    layers.push({ id: 'tiles', type: 'raster', source: 'tiles' });
  } else {
    layers.push({ id: 'land', type: 'fill', source: 'nederland', paint: { 'fill-color': '#f7f5ef' } });
  }
  layers.push(
    { id: 'gemeenten', type: 'line', source: 'gemeenten', minzoom: 7.5,
      paint: { 'line-color': '#b9b3a6', 'line-width': 0.6 } },
    { id: 'provincies', type: 'line', source: 'provincies', paint: { 'line-color': '#8c8577', 'line-width': 1 } },
    { id: 'nederland', type: 'line', source: 'nederland', paint: { 'line-color': '#5f5a50', 'line-width': 1.3 } },
  );
  return { version: 8, sources, layers };
}

export async function createMap(container, base, options = {}) {
  const maplibregl = await loadMaplibre(base);
  const map = new maplibregl.Map({
    container,
    style: await backgroundStyle(base),
    bounds: options.bounds || NETHERLANDS,
    fitBoundsOptions: { padding: 20 },
    attributionControl: { compact: true },
    dragRotate: false,
    pitchWithRotate: false,
    ...options.map,
  });
  map.touchZoomRotate.disableRotation();
  map.addControl(new maplibregl.NavigationControl({ showCompass: false }), 'top-right');
  map.getCanvas().setAttribute('aria-label', options.label || t('mapLabel'));
  await new Promise((resolve) => (map.loaded() ? resolve() : map.once('load', resolve)));
  return map;
}

// The [[west, south], [east, north]] of a GeoJSON geometry, or null.
export function geometryBounds(geometry) {
  if (!geometry) return null;
  let west = Infinity; let south = Infinity; let east = -Infinity; let north = -Infinity;
  const walk = (c) => {
    if (typeof c[0] === 'number') {
      west = Math.min(west, c[0]); east = Math.max(east, c[0]);
      south = Math.min(south, c[1]); north = Math.max(north, c[1]);
    } else c.forEach(walk);
  };
  walk(geometry.coordinates);
  return Number.isFinite(west) ? [[west, south], [east, north]] : null;
}

export function unionBounds(list) {
  const valid = list.filter(Boolean);
  if (!valid.length) return null;
  return [
    [Math.min(...valid.map((b) => b[0][0])), Math.min(...valid.map((b) => b[0][1]))],
    [Math.max(...valid.map((b) => b[1][0])), Math.max(...valid.map((b) => b[1][1]))],
  ];
}
