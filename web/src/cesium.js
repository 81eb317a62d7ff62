// The 3D view (CesiumJS), offline: no Cesium ion, an ellipsoid globe with Cesium's own bundled
// Natural Earth imagery (or the tile service of {base}/ui/config.json) and the outlines of the
// Netherlands and its provinces draped on it.
import { config, urls } from './api.js';
import { loadScript, loadStyle } from './loader.js';

export async function loadCesium(base) {
  // Where Cesium finds its workers, assets and third-party code; set before Cesium.js runs.
  window.CESIUM_BASE_URL = urls.ui(base, 'vendor/cesium/');
  // Cesium.js carries its workers' code as a string and, when it finds it in CESIUM_WORKERS, starts
  // each worker from a blob: URL that imports another blob: URL, which the servers' Content Security
  // Policy (script-src 'self') refuses. Hiding that string makes Cesium start its workers as ES
  // modules from vendor/cesium/Workers/ on this server instead.
  if (!Object.getOwnPropertyDescriptor(globalThis, 'CESIUM_WORKERS')) {
    Object.defineProperty(globalThis, 'CESIUM_WORKERS', { get: () => undefined, set: () => {}, configurable: false });
  }
  await Promise.all([
    loadStyle(urls.ui(base, 'vendor/cesium/Widgets/widgets.css')),
    loadScript(urls.ui(base, 'vendor/cesium/Cesium.js')),
  ]);
  const { Cesium } = window;
  // No ion token: nothing may be fetched from Cesium ion (no Bing imagery, no world terrain).
  Cesium.Ion.defaultAccessToken = undefined;
  return Cesium;
}

export async function createViewer(container, base) {
  const Cesium = await loadCesium(base);
  const settings = await config(base);
  const viewer = new Cesium.Viewer(container, {
    baseLayer: false,
    baseLayerPicker: false,
    geocoder: false,
    homeButton: false,
    sceneModePicker: false,
    navigationHelpButton: false,
    animation: false,
    timeline: false,
    fullscreenButton: false,
    infoBox: false,
    selectionIndicator: false,
    terrainProvider: new Cesium.EllipsoidTerrainProvider(),
    requestRenderMode: true,
    maximumRenderTimeChange: Infinity,
  });
  const { globe } = viewer.scene;
  globe.baseColor = Cesium.Color.fromCssColorString('#dce8ef');
  globe.showGroundAtmosphere = false;
  viewer.scene.skyAtmosphere.show = false;
  viewer.scene.fog.enabled = false;

  const layers = viewer.imageryLayers;
  if (typeof settings.backgroundTiles === 'string' && settings.backgroundTiles) {
    layers.addImageryProvider(new Cesium.UrlTemplateImageryProvider({
      url: settings.backgroundTiles,
      credit: settings.attribution || undefined,
      maximumLevel: settings.maxZoom || 19,
    }));
  } else {
    layers.add(Cesium.ImageryLayer.fromProviderAsync(
      Cesium.TileMapServiceImageryProvider.fromUrl(Cesium.buildModuleUrl('Assets/Textures/NaturalEarthII')),
    ));
    try {
      const outlines = await Cesium.GeoJsonDataSource.load(urls.ui(base, 'outlines/provincies.geojson'), {
        stroke: Cesium.Color.fromCssColorString('#5f5a50'),
        fill: Cesium.Color.TRANSPARENT,
        strokeWidth: 1,
        credit: 'CBS, Kadaster (CC BY 4.0)',
      });
      await viewer.dataSources.add(outlines);
    } catch (error) {
      console.warn('outlines not shown', error);
    }
  }
  viewer.camera.setView({ destination: Cesium.Rectangle.fromDegrees(3.2, 50.7, 7.3, 53.6) });
  viewer.scene.requestRender();
  return { Cesium, viewer };
}
