// The national 3D twin: CesiumJS showing {base}/twin/tileset.json with the page's bbox and themes
// (the whole twin without them), on an offline globe, the camera flown to the tileset.
import { t, themeLabel, formatNumber } from '../i18n.js';
import { h, clear } from '../dom.js';
import { urls } from '../api.js';
import { createViewer } from '../cesium.js';
import { hasWebgl } from '../loader.js';

export async function render(main, context) {
  const { base } = context;
  const pageParams = new URLSearchParams(window.location.search);
  pageParams.delete('f');
  pageParams.delete('lang');
  const tilesetUrl = context.json || urls.twinTileset(base, pageParams);
  const selection = [];
  if (pageParams.get('themes')) selection.push(pageParams.get('themes').split(',').map(themeLabel).join(', '));
  if (pageParams.get('bbox')) selection.push(`bbox ${pageParams.get('bbox')}`);
  for (const [name, value] of pageParams) if (!['themes', 'bbox'].includes(name)) selection.push(`${name}=${value}`);

  const status = h('p', { class: 'muted', role: 'status' }, t('previewLoading'));
  const contents = h('div', { class: 'twin-contents' });
  const viewerBox = h('div', { class: 'viewer twin-viewer', role: 'region', 'aria-label': t('viewerLabel') });
  main.append(
    h('div', { class: 'twin-head' },
      h('h1', {}, t('twinHeading')),
      h('p', {}, t('twinIntro')),
      h('p', { class: 'meta' }, `${t('twinFilters')}: `, selection.length ? selection.join(' · ') : t('twinWholeTwin'),
        ' · ', h('a', { href: tilesetUrl, type: 'application/json' }, 'tileset.json'))),
    viewerBox, status, contents);
  if (!hasWebgl()) {
    status.textContent = t('previewNoWebgl');
    return null;
  }
  let viewer = null;
  try {
    const created = await createViewer(viewerBox, base);
    viewer = created.viewer;
    const { Cesium } = created;
    // The assembled root's geometric error (500 m) is the whole country's: with Cesium's default
    // (16 px) the publishers' tilesets would come in only below about 20 km; 2 px brings them in
    // at the overview the camera flies to.
    const tileset = await Cesium.Cesium3DTileset.fromUrl(tilesetUrl, { maximumScreenSpaceError: 2 });
    viewer.scene.primitives.add(tileset);
    const children = tileset.root?.children ?? [];
    const leftOut = tileset.extras?.leftOutCount ?? tileset.extras?.leftOut?.length ?? 0;
    showContents(Cesium, viewer, children, tileset.extras?.leftOut ?? []);
    status.textContent = [t('twinChildren', { count: formatNumber(children.length) }),
      leftOut ? t('twinLeftOut', { count: formatNumber(leftOut) }) : null].filter(Boolean).join(' · ');
    // From above, the whole selection in view (the root's region, a tenth wider on each side).
    const region = tileset.root?.boundingVolume?.rectangle;
    if (region) {
      const margin = Math.max(region.width, region.height) * 0.1;
      const destination = new Cesium.Rectangle(region.west - margin, region.south - margin, region.east + margin, region.north + margin);
      await new Promise((resolve) => viewer.camera.flyTo({ destination, duration: 1.5, complete: resolve, cancel: resolve }));
    } else {
      await viewer.flyTo(tileset, { duration: 1.5 });
    }
    viewer.scene.requestRender();
    document.body.dataset.twinReady = 'true';
  } catch (error) {
    status.textContent = t('previewFailed', { detail: error.message || String(error) });
  }
  // Where each publisher's tileset lies (outlined on the globe), and the same as a list: the
  // records in the twin and those left out with the reason, each linking to its record page.
  function showContents(Cesium, viewer, children, leftOut) {
    clear(contents);
    const outline = Cesium.Color.fromCssColorString('#1f5fa8');
    const items = children.map((child) => {
      const extras = child.extras || {};
      const rectangle = child.boundingVolume?.rectangle;
      if (rectangle) {
        viewer.entities.add({
          name: extras.title,
          rectangle: { coordinates: rectangle, material: outline.withAlpha(0.12), outline: true, outlineColor: outline, height: 0 },
        });
      }
      return h('li', {}, extras.record ? h('a', { href: urls.recordPage(base, extras.record) }, extras.title || extras.record) : (extras.title || ''));
    });
    contents.append(h('section', { class: 'card', 'aria-labelledby': 'twin-in' },
      h('h2', { id: 'twin-in' }, t('twinIncluded')), h('ul', { class: 'link-list' }, items)));
    if (leftOut.length) {
      contents.append(h('section', { class: 'card', 'aria-labelledby': 'twin-out' },
        h('h2', { id: 'twin-out' }, t('twinLeftOutHeading')),
        h('ul', { class: 'link-list' }, leftOut.map((entry) => h('li', {},
          h('a', { href: urls.recordPage(base, entry.record) }, entry.record), ': ', entry.reason)))));
    }
    viewer.scene.requestRender();
  }

  return () => { if (viewer && !viewer.isDestroyed()) viewer.destroy(); };
}
