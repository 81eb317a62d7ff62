// The record page: every property with Dutch and English labels, the distributions with the hub's
// probe results for each, provenance and signature, the other forms of the record (JSON, JSON-LD,
// Turtle), its footprint, and a 3D preview (CesiumJS) when it has a 3D Tiles distribution.
import { t, propertyLabel, valueLabel, formatDate, formatBytes, themeLabel } from '../i18n.js';
import { h, definitions, safeLink } from '../dom.js';
import { getJson, urls, failure } from '../api.js';
import { createMap, geometryBounds } from '../map.js';
import { createViewer } from '../cesium.js';
import { hasWebgl } from '../loader.js';
import { validationBadge, statusBadge, adminUnitName, loadAdminUnitNames } from '../record-view.js';

// The properties in the order a reader wants them; any other property follows under its own name.
const PROPERTY_ORDER = ['type', 'title', 'description', 'publisher', 'contacts', 'themes', 'keywords', 'language',
  'adminUnits', 'crs', 'updated', 'created', 'license', 'rights', 'updateFrequency', 'lod', 'accuracy', 'lineage',
  'formats'];
const SHOWN_ELSEWHERE = new Set(['distributions']);

function isUrl(text) {
  return typeof text === 'string' && /^https?:\/\//.test(text);
}

// Any JSON value, readable: objects as definition lists with labelled keys, arrays as lists.
function renderValue(value, key) {
  if (value === null || value === undefined) return t('none');
  if (typeof value === 'boolean') return value ? t('yes') : t('no');
  if (typeof value === 'number') return key === 'byteSize' ? formatBytes(value) : String(value);
  if (typeof value === 'string') {
    if (isUrl(value)) return safeLink(value, value);
    if (/^\d{4}-\d{2}-\d{2}(T.*)?$/.test(value)) return formatDate(value);
    return value;
  }
  if (Array.isArray(value)) {
    if (value.every((v) => typeof v !== 'object' || v === null)) {
      return h('ul', { class: 'inline-list' }, value.map((v) => h('li', {}, renderValue(v, key))));
    }
    return h('ul', { class: 'block-list' }, value.map((v) => h('li', {}, renderValue(v, key))));
  }
  if (typeof value.value === 'string' && Object.keys(value).length === 1) return renderValue(value.value, key);
  if (typeof value.href === 'string') {
    return h('span', {}, safeLink(value.href, value.title || value.href),
      value.rel ? h('span', { class: 'muted' }, ` (${value.rel}${value.type ? `, ${value.type}` : ''})`) : null);
  }
  return definitions(Object.entries(value).map(([k, v]) => [propertyLabel(k), renderValue(v, k)]), 'properties nested');
}

function epsg(uri) {
  const match = /EPSG\/\d+\/(\d+)$/.exec(uri);
  return match ? safeLink(uri, `EPSG:${match[1]}`) : renderValue(uri);
}

function renderProperty(name, value, record) {
  switch (name) {
    case 'type': return valueLabel('type', value);
    case 'rights': return valueLabel('rights', value);
    case 'publisher':
      return h('span', {}, value.name || value.id, value.id ? [' ', h('span', { class: 'muted' }, '(', safeLink(value.id, value.id), ')')] : null);
    case 'themes':
      return h('ul', { class: 'inline-list' }, value.flatMap((theme) => (theme.concepts || []).map((concept) =>
        h('li', {}, concept.title || themeLabel(concept.id)))));
    case 'adminUnits':
      return h('ul', { class: 'inline-list' }, value.map((code) => h('li', {}, adminUnitName(code))));
    case 'crs':
      return h('ul', { class: 'inline-list' }, value.map((uri) => h('li', {}, epsg(uri))));
    case 'formats':
      return h('ul', { class: 'inline-list' }, value.map((f) => h('li', {}, valueLabel('formats', f.name || f))));
    case 'license': {
      const link = (record.links || []).find((l) => l.rel === 'license');
      return link ? h('span', {}, value, ' — ', safeLink(link.href, link.title || link.href)) : renderValue(value, name);
    }
    case 'updateFrequency':
      return isUrl(value) ? safeLink(value, value.replace(/^.*\//, '').toLowerCase()) : renderValue(value, name);
    case 'language':
      return value.name ? `${value.name} (${value.code})` : renderValue(value, name);
    default: return renderValue(value, name);
  }
}

function checksTable(checks) {
  return h('table', { class: 'checks' },
    h('thead', {}, h('tr', {}, [t('check'), t('status'), t('message')].map((label) => h('th', { scope: 'col' }, label)))),
    h('tbody', {}, checks.map((check) => h('tr', {},
      h('td', {}, h('code', {}, check.id)),
      h('td', {}, statusBadge(check.status)),
      h('td', {}, check.message || '', check.pointer ? h('div', { class: 'muted' }, `${t('pointer')}: `, h('code', {}, check.pointer)) : null,
        check.url && isUrl(check.url) ? h('div', {}, safeLink(check.url, check.url)) : null)))));
}

export async function render(main, context) {
  const { base, kind } = context;
  const status = h('p', { role: 'status' }, t('loading'));
  main.append(status);
  let record;
  const jsonUrl = context.json || window.location.href.replace(/\?.*$/, '');
  try {
    [record] = await Promise.all([getJson(jsonUrl), loadAdminUnitNames(base)]);
  } catch (error) {
    status.textContent = failure(error);
    return null;
  }
  status.remove();
  const p = record.properties || {};
  const recordUrl = ((record.links || []).find((l) => l.rel === 'self')?.href || jsonUrl).replace(/\?.*$/, '');
  const cleanups = [];

  // ---- head
  main.append(h('header', { class: 'record-head' },
    h('p', { class: 'eyebrow' }, valueLabel('type', p.type), p.publisher?.name ? ` · ${p.publisher.name}` : ''),
    h('h1', {}, p.title || record.id),
    h('p', { class: 'meta' },
      p.updated ? t('updatedOn', { date: formatDate(p.updated) }) : null,
      record.validation?.status ? [' ', validationBadge(record.validation.status)] : null),
    p.description ? h('p', { class: 'description' }, p.description) : null,
    h('nav', { class: 'forms', 'aria-label': t('sectionOtherForms') },
      h('span', {}, `${t('sectionOtherForms')}: `),
      h('ul', { class: 'inline-list' },
        h('li', {}, h('a', { href: `${recordUrl}?f=json`, type: 'application/json' }, t('formJson'))),
        h('li', {}, h('a', { href: `${recordUrl}?f=jsonld`, type: 'application/ld+json' }, t('formJsonLd'))),
        h('li', {}, h('a', { href: `${recordUrl}?f=ttl`, type: 'text/turtle' }, t('formTurtle')))))));

  const columns = h('div', { class: 'record-layout' });
  const left = h('div', { class: 'record-main' });
  const right = h('div', { class: 'record-side' });
  columns.append(left, right);
  main.append(columns);

  // ---- provenance and signature
  const harvest = record.harvest || {};
  let signature;
  if (record.signature && record.verified === true) signature = h('span', { class: 'badge badge-pass' }, t('signedVerified', { origin: record.origin || '?' }));
  else if (record.signature) signature = h('span', { class: 'badge badge-warn' }, t('signedNotVerified', { origin: record.origin || '?' }));
  else signature = h('span', { class: 'badge badge-neutral' }, t('notSigned'));
  const sourceLink = harvest.source
    ? (kind === 'hub' ? h('a', { href: urls.sourcePage(base, harvest.source) }, harvest.source) : harvest.source) : null;
  right.append(h('section', { class: 'card', 'aria-labelledby': 'provenance-heading' },
    h('h2', { id: 'provenance-heading' }, t('sectionProvenance')),
    definitions([
      [propertyLabel('origin'), record.origin],
      [propertyLabel('harvestSource'), sourceLink],
      [propertyLabel('harvestedAt'), harvest.harvestedAt ? formatDate(harvest.harvestedAt) : null],
      [propertyLabel('signature'), signature],
      [propertyLabel('stale'), harvest.stale ? h('span', { class: 'badge badge-warn' },
        t('stale', { date: formatDate(harvest.lastSuccess) })) : null],
      [propertyLabel('id'), h('code', {}, record.id)],
    ])));

  // ---- footprint
  if (record.geometry && hasWebgl()) {
    const mapBox = h('div', { class: 'map small-map' });
    right.append(h('section', { class: 'card', 'aria-labelledby': 'footprint-heading' },
      h('h2', { id: 'footprint-heading' }, t('sectionFootprint')), mapBox));
    createMap(mapBox, base, { bounds: geometryBounds(record.geometry), label: `${t('sectionFootprint')}: ${p.title || record.id}` })
      .then((map) => {
        cleanups.push(() => map.remove());
        map.addSource('record', { type: 'geojson', data: { type: 'Feature', geometry: record.geometry, properties: {} } });
        map.addLayer({ id: 'record-fill', type: 'fill', source: 'record', filter: ['!=', ['geometry-type'], 'Point'], paint: { 'fill-color': '#1f5fa8', 'fill-opacity': 0.2 } });
        map.addLayer({ id: 'record-line', type: 'line', source: 'record', filter: ['!=', ['geometry-type'], 'Point'], paint: { 'line-color': '#1f5fa8', 'line-width': 2 } });
        map.addLayer({ id: 'record-point', type: 'circle', source: 'record', filter: ['==', ['geometry-type'], 'Point'], paint: { 'circle-color': '#1f5fa8', 'circle-radius': 6 } });
        map.fitBounds(geometryBounds(record.geometry), { padding: 30, animate: false, maxZoom: 13 });
      })
      .catch((error) => mapBox.append(h('p', { class: 'muted' }, failure(error))));
  }

  // ---- validation (checks not about one distribution)
  const checks = record.validation?.checks || [];
  if (record.validation) {
    const general = checks.filter((c) => c.distribution === undefined || c.distribution === null);
    right.append(h('section', { class: 'card', 'aria-labelledby': 'validation-heading' },
      h('h2', { id: 'validation-heading' }, t('sectionValidation')),
      h('p', {}, validationBadge(record.validation.status), ' ',
        record.validation.checkedAt ? h('span', { class: 'muted' }, t('checkedAt', { date: formatDate(record.validation.checkedAt) })) : null),
      general.length ? checksTable(general) : null));
  }

  // ---- 3D preview
  const tiles = (p.distributions || []).find((d) => d.format === '3dtiles' && isUrl(d.href));
  if (tiles) {
    const viewerBox = h('div', { class: 'viewer small-viewer', role: 'region', 'aria-label': t('previewOf', { title: p.title || record.id }) });
    const previewStatus = h('p', { class: 'muted', role: 'status' }, t('previewLoading'));
    left.append(h('section', { class: 'card', 'aria-labelledby': 'preview-heading' },
      h('h2', { id: 'preview-heading' }, t('sectionPreview')), viewerBox, previewStatus));
    if (!hasWebgl()) previewStatus.textContent = t('previewNoWebgl');
    else {
      createViewer(viewerBox, base).then(async ({ Cesium, viewer }) => {
        cleanups.push(() => viewer.destroy());
        try {
          // The record's footprint, outlined, shows where the data lies while its tiles load.
          if (record.geometry && record.geometry.type !== 'Point') {
            const footprint = await Cesium.GeoJsonDataSource.load({ type: 'Feature', geometry: record.geometry, properties: {} }, {
              stroke: Cesium.Color.fromCssColorString('#1f5fa8'), fill: Cesium.Color.fromCssColorString('#1f5fa8').withAlpha(0.12),
            });
            await viewer.dataSources.add(footprint);
          }
          const tileset = await Cesium.Cesium3DTileset.fromUrl(tiles.href);
          viewer.scene.primitives.add(tileset);
          // From above, the footprint (or else the tileset) in view with a margin.
          const bounds = geometryBounds(record.geometry);
          if (bounds && record.geometry.type !== 'Point') {
            const [[west, south], [east, north]] = bounds;
            const margin = Math.max(east - west, north - south) * 0.15;
            viewer.camera.setView({ destination: Cesium.Rectangle.fromDegrees(west - margin, south - margin, east + margin, north + margin) });
          } else {
            await viewer.zoomTo(tileset);
          }
          viewer.scene.requestRender();
          previewStatus.textContent = '';
        } catch (error) {
          previewStatus.textContent = t('previewFailed', { detail: error.message || String(error) });
        }
      }).catch((error) => { previewStatus.textContent = t('previewFailed', { detail: error.message || String(error) }); });
    }
  }

  // ---- distributions with their probe results
  const distributions = p.distributions || [];
  if (distributions.length) {
    const section = h('section', { class: 'card', 'aria-labelledby': 'distributions-heading' },
      h('h2', { id: 'distributions-heading' }, t('sectionDistributions')));
    distributions.forEach((distribution, index) => {
      const own = checks.filter((c) => c.distribution === index);
      const worst = own.some((c) => c.status === 'fail') ? 'fail' : own.some((c) => c.status === 'warn') ? 'warn' : own.length ? 'pass' : null;
      section.append(h('article', { class: 'distribution', dataset: { distribution: String(index) } },
        h('h3', {}, t('distribution', { n: index + 1 }), distribution.title ? `: ${distribution.title}` : '',
          worst ? [' ', validationBadge(worst)] : null),
        definitions(Object.entries(distribution).filter(([k]) => k !== 'title')
          .map(([k, v]) => [propertyLabel(k), k === 'format' ? valueLabel('formats', v) : renderValue(v, k)])),
        h('h4', {}, t('probeResults')),
        own.length ? checksTable(own) : h('p', { class: 'muted' }, record.validation ? t('noProbeResults') : t('none'))));
    });
    left.append(section);
  }

  // ---- every property
  const names = [...PROPERTY_ORDER.filter((n) => n in p), ...Object.keys(p).filter((n) => !PROPERTY_ORDER.includes(n) && !SHOWN_ELSEWHERE.has(n))];
  const pairs = names.map((name) => [propertyLabel(name), renderProperty(name, p[name], record)]);
  if (record.time) pairs.push([propertyLabel('time'), renderValue(record.time, 'time')]);
  if (record.bbox) pairs.push([propertyLabel('bbox'), record.bbox.join(', ')]);
  if (record.conformsTo) pairs.push([propertyLabel('conformsTo'), renderValue(record.conformsTo, 'conformsTo')]);
  left.append(h('section', { class: 'card', 'aria-labelledby': 'properties-heading' },
    h('h2', { id: 'properties-heading' }, t('sectionProperties')), definitions(pairs)));

  // ---- links
  const links = (record.links || []).filter((l) => !['self', 'alternate', 'collection'].includes(l.rel));
  if (links.length) {
    left.append(h('section', { class: 'card', 'aria-labelledby': 'links-heading' },
      h('h2', { id: 'links-heading' }, t('sectionLinks')),
      h('ul', { class: 'link-list' }, links.map((l) => h('li', {}, safeLink(l.href, l.title || l.href), ' ',
        h('span', { class: 'muted' }, [l.rel, l.type].filter(Boolean).join(' · ')))))));
  }
  return () => cleanups.forEach((fn) => fn());
}
