// The search page: a search box, facets with counts (fetched after the results, so that the first
// paint never waits for them), the results, and a map of their footprints whose view is the bbox
// filter. Every state is in the page's query string, so every view can be shared and reloaded
// (the server renders the same search without JavaScript).
import { t, valueLabel, formatDate, formatNumber } from '../i18n.js';
import { h, clear } from '../dom.js';
import { getJson, urls, failure } from '../api.js';
import { searchBox } from '../searchbox.js';
import { createMap, geometryBounds, unionBounds, NETHERLANDS } from '../map.js';
import { hasWebgl } from '../loader.js';
import { validationBadge, adminUnitName, loadAdminUnitNames } from '../record-view.js';

const FACETS_NODE = ['themes', 'formats', 'type', 'adminUnits', 'publisher', 'license', 'rights'];
const FACETS_HUB = ['validation', 'origin', ...FACETS_NODE];
// Parameters that are UI state only or belong to the HTML form: never sent to the JSON API.
const NOT_API = new Set(['f', 'lang']);
const LIST_PARAMETERS = new Set([...FACETS_HUB, 'origin', 'source', 'ids']);
const MAP_DEBOUNCE_MS = 400;

function stateFromUrl() {
  const params = new URLSearchParams(window.location.search);
  const state = new URLSearchParams();
  for (const [name, value] of params) if (!NOT_API.has(name) && value !== '') state.set(name, value);
  return state;
}

function listOf(state, name) {
  const value = state.get(name);
  return value ? value.split(',').filter(Boolean) : [];
}

function roundedBbox(bounds) {
  const r = (x) => Math.round(x * 1e4) / 1e4;
  const west = Math.max(-180, bounds.getWest()); const east = Math.min(180, bounds.getEast());
  const south = Math.max(-90, bounds.getSouth()); const north = Math.min(90, bounds.getNorth());
  return [r(west), r(south), r(east), r(north)].join(',');
}

export async function render(main, context) {
  const { base, kind } = context;
  const facetNames = kind === 'hub' ? FACETS_HUB : FACETS_NODE;
  let state = stateFromUrl();
  let searchController = null;
  let facetController = null;
  let features = [];
  let map = null;
  let hovered = null;
  let selected = null;
  let publisherNames = new Map();
  let moveTimer = null;
  let disposed = false;

  // ---- layout
  const box = searchBox(base, { value: state.get('q') || '', onsubmit: (params) => {
    const next = new URLSearchParams(state);
    if (params.q) next.set('q', params.q); else next.delete('q');
    next.delete('offset');
    if (!params.q && next.get('sortby')?.endsWith('relevance')) next.delete('sortby');
    update(next, true);
  } });
  const activeFilters = h('div', { class: 'active-filters', 'aria-live': 'polite' });
  const facetsBody = h('div', { class: 'facets-body' });
  const facetsStatus = h('p', { class: 'muted facets-status', role: 'status' });
  const facets = h('aside', { class: 'facets', 'aria-labelledby': 'facets-heading' },
    h('h2', { id: 'facets-heading' }, t('facetsHeading')), facetsStatus, facetsBody);
  const count = h('p', { class: 'result-count', role: 'status', 'aria-live': 'polite' }, t('loading'));
  const sortSelect = h('select', { id: 'sortby', onchange: () => {
    const next = new URLSearchParams(state);
    if (sortSelect.value) next.set('sortby', sortSelect.value); else next.delete('sortby');
    next.delete('offset');
    update(next, true);
  } });
  const list = h('ol', { class: 'results', 'aria-labelledby': 'results-heading' });
  const pager = h('nav', { class: 'pager', 'aria-label': t('paging') });
  const results = h('section', { class: 'results-section', 'aria-labelledby': 'results-heading' },
    h('div', { class: 'results-head' },
      h('h2', { id: 'results-heading' }, t('results')), count,
      h('div', { class: 'sort' }, h('label', { for: 'sortby' }, t('sortLabel')), sortSelect)),
    list, pager);
  const followBox = h('input', { type: 'checkbox', id: 'follow-map', checked: true });
  const clearArea = h('button', { type: 'button', class: 'link-button', hidden: true, onclick: () => {
    const next = new URLSearchParams(state);
    next.delete('bbox');
    next.delete('offset');
    update(next, true);
  } }, t('clearArea'));
  const mapContainer = h('div', { class: 'map', id: 'results-map' });
  const mapSection = h('section', { class: 'map-section', 'aria-labelledby': 'map-heading' },
    h('h2', { id: 'map-heading', class: 'visually-hidden' }, t('mapHeading')),
    mapContainer,
    h('div', { class: 'map-tools' }, h('label', { for: 'follow-map', class: 'check' }, followBox, t('followMap')), clearArea));

  main.append(
    h('h1', { class: 'visually-hidden' }, t('searchHeading')),
    h('div', { class: 'search-top' }, box.form, activeFilters),
    h('div', { class: 'search-layout' }, mapSection, facets, results));

  // ---- state and history
  function update(next, push) {
    state = next;
    const pageParams = new URLSearchParams(state);
    pageParams.set('f', 'html');
    const current = new URLSearchParams(window.location.search).get('lang');
    if (current) pageParams.set('lang', current);
    const url = `${window.location.pathname}?${pageParams}`;
    if (push) window.history.pushState(null, '', url); else window.history.replaceState(null, '', url);
    run();
  }
  const onPopState = () => { state = stateFromUrl(); box.input.value = state.get('q') || ''; run(true); };
  window.addEventListener('popstate', onPopState);

  // ---- the search, then the facets
  async function run(moveMap = true) {
    if (searchController) searchController.abort();
    if (facetController) facetController.abort();
    searchController = new AbortController();
    const signal = searchController.signal;
    renderActiveFilters();
    renderSort();
    clearArea.hidden = !state.get('bbox');
    count.textContent = t('loading');
    list.setAttribute('aria-busy', 'true');
    let page;
    try {
      page = await getJson(urls.itemsJson(base, state), { signal });
    } catch (error) {
      if (error.name === 'AbortError') return;
      list.removeAttribute('aria-busy');
      clear(list).append(h('li', { class: 'error' }, failure(error)));
      count.textContent = '';
      return;
    }
    if (disposed) return;
    features = page.features || [];
    for (const feature of features) {
      const publisher = feature.properties?.publisher;
      if (publisher?.id && publisher.name) publisherNames.set(publisher.id, publisher.name);
    }
    renderResults(page);
    renderMapFeatures(moveMap);
    loadFacets();
  }

  async function loadFacets() {
    facetController = new AbortController();
    const query = new URLSearchParams(state);
    query.delete('offset');
    query.delete('sortby');
    query.set('facets', facetNames.join(','));
    query.set('limit', '1');
    facetsStatus.textContent = t('facetsLoading');
    facetsBody.setAttribute('aria-busy', 'true');
    try {
      const result = await getJson(urls.itemsJson(base, query), { signal: facetController.signal });
      if (disposed) return;
      await loadAdminUnitNames(base);
      renderFacets(result.facets || {});
      facetsStatus.textContent = '';
    } catch (error) {
      if (error.name === 'AbortError') return;
      facetsStatus.textContent = t('facetsFailed');
    } finally {
      facetsBody.removeAttribute('aria-busy');
    }
  }

  // ---- rendering
  function facetValueLabel(name, value) {
    if (name === 'publisher') return publisherNames.get(value) || value.replace(/^.*\//, '');
    if (name === 'adminUnits') return adminUnitName(value);
    return valueLabel(name, value);
  }

  function renderActiveFilters() {
    clear(activeFilters);
    const chips = [];
    for (const [name, value] of state) {
      if (['offset', 'limit', 'sortby', 'q'].includes(name)) continue;
      const values = LIST_PARAMETERS.has(name) ? value.split(',') : [value];
      for (const single of values) {
        const label = `${t(`facet_${name}`)}: ${name === 'bbox' ? single : facetValueLabel(name, single)}`;
        chips.push(h('li', {}, h('button', {
          type: 'button', class: 'chip removable', 'aria-label': t('removeFilter', { label }),
          onclick: () => {
            const next = new URLSearchParams(state);
            const rest = values.filter((v) => v !== single);
            if (rest.length && LIST_PARAMETERS.has(name)) next.set(name, rest.join(',')); else next.delete(name);
            next.delete('offset');
            update(next, true);
          },
        }, label, h('span', { 'aria-hidden': 'true' }, ' ×'))));
      }
    }
    if (!chips.length) return;
    activeFilters.append(h('h2', { class: 'visually-hidden' }, t('filterActive')),
      h('ul', { class: 'chips' }, chips,
        h('li', {}, h('button', { type: 'button', class: 'link-button', onclick: () => {
          const next = new URLSearchParams();
          if (state.get('q')) next.set('q', state.get('q'));
          update(next, true);
        } }, t('clearFilters')))));
  }

  function renderSort() {
    clear(sortSelect);
    const options = [['', t('sortUpdated')], ['title', t('sortTitle')]];
    if (state.get('q')) options.unshift(['-relevance', t('sortRelevance')]);
    const current = state.get('sortby') || '';
    for (const [value, label] of options) {
      sortSelect.append(h('option', { value, selected: value === current || (value === '' && current === '-updated') }, label));
    }
  }

  function renderFacets(counts) {
    clear(facetsBody);
    for (const name of facetNames) {
      const selectedValues = listOf(state, name);
      const values = [...(counts[name] || [])];
      for (const value of selectedValues) if (!values.some((v) => v.value === value)) values.push({ value, count: 0 });
      if (!values.length) continue;
      const fieldset = h('fieldset', { class: 'facet', dataset: { facet: name } },
        h('legend', {}, t(`facet_${name}`)));
      const options = h('ul', {});
      values.forEach(({ value, count: n }, index) => {
        const id = `facet-${name}-${index}`;
        const checkbox = h('input', {
          type: 'checkbox', id, value, checked: selectedValues.includes(value),
          onchange: () => {
            const next = new URLSearchParams(state);
            const now = listOf(next, name);
            const changed = checkbox.checked ? [...now, value] : now.filter((v) => v !== value);
            if (changed.length) next.set(name, changed.join(',')); else next.delete(name);
            next.delete('offset');
            update(next, true);
          },
        });
        options.append(h('li', {}, h('label', { for: id, class: 'check' }, checkbox,
          h('span', { class: 'facet-label' }, facetValueLabel(name, value)),
          h('span', { class: 'count', 'aria-label': `(${n})` }, formatNumber(n)))));
      });
      fieldset.append(options);
      facetsBody.append(fieldset);
    }
  }

  function renderResults(page) {
    list.removeAttribute('aria-busy');
    clear(list);
    const matched = page.numberMatched ?? features.length;
    const offset = Number(state.get('offset') || 0);
    if (!features.length) {
      count.textContent = t('noResults');
    } else {
      const total = matched === 1 ? t('resultsCountOne') : t('resultsCount', { count: formatNumber(matched) });
      count.textContent = `${total} (${t('resultsRange', { from: formatNumber(offset + 1), to: formatNumber(offset + features.length), count: formatNumber(matched) })})`;
    }
    count.dataset.matched = String(matched);
    list.start = offset + 1;
    features.forEach((feature, index) => list.append(resultItem(feature, index)));
    clear(pager);
    const link = (rel) => (page.links || []).find((l) => l.rel === rel);
    const go = (rel) => {
      const target = link(rel);
      if (!target) return;
      const next = new URLSearchParams(new URL(target.href, window.location.href).search);
      next.delete('f');
      update(next, true);
      main.focus();
    };
    if (link('prev')) pager.append(h('button', { type: 'button', rel: 'prev', onclick: () => go('prev') }, `← ${t('previousPage')}`));
    if (link('next')) pager.append(h('button', { type: 'button', rel: 'next', onclick: () => go('next') }, `${t('nextPage')} →`));
  }

  function resultItem(feature, index) {
    const p = feature.properties || {};
    const themes = (p.themes || []).flatMap((theme) => (theme.concepts || []).map((c) => c.id));
    const formats = (p.formats || []).map((f) => f.name || f);
    // The record's own address (on a hub its key is origin:id), as an HTML page.
    const self = (feature.links || []).find((l) => l.rel === 'self')?.href;
    const href = self ? `${self.replace(/\?.*$/, '')}?f=html` : urls.recordPage(base, feature.id);
    const titleLink = h('a', { href }, p.title || feature.id);
    const item = h('li', { class: 'result', dataset: { index: String(index), id: feature.id } },
      h('article', {},
        h('h3', {}, titleLink),
        h('p', { class: 'meta' },
          [p.publisher?.name, valueLabel('type', p.type), p.updated ? t('updatedOn', { date: formatDate(p.updated) }) : null]
            .filter(Boolean).join(' · '),
          feature.validation?.status ? [' ', validationBadge(feature.validation.status)] : null,
          feature.geometry ? null : [' · ', h('span', { class: 'muted' }, t('noFootprint'))]),
        p.description ? h('p', { class: 'description' }, p.description.length > 260 ? `${p.description.slice(0, 257)}…` : p.description) : null,
        h('ul', { class: 'tags' },
          formats.map((f) => h('li', { class: 'tag format' }, valueLabel('formats', f))),
          themes.map((id) => h('li', { class: 'tag theme' }, valueLabel('themes', id))))));
    const enter = () => highlight(index, 'hover');
    const leave = () => highlight(null, 'hover');
    item.addEventListener('mouseenter', enter);
    item.addEventListener('mouseleave', leave);
    item.addEventListener('focusin', enter);
    item.addEventListener('focusout', leave);
    return item;
  }

  // ---- the map
  function setState(index, key, value) {
    if (!map || index === null || index === undefined || !features[index]?.geometry) return;
    map.setFeatureState({ source: 'results', id: index }, { [key]: value });
  }

  function highlight(index, key) {
    if (key === 'hover') {
      setState(hovered, 'hover', false);
      hovered = index;
      setState(hovered, 'hover', true);
      list.querySelectorAll('.result.hover').forEach((el) => el.classList.remove('hover'));
      if (index !== null) list.querySelector(`.result[data-index="${index}"]`)?.classList.add('hover');
    } else {
      setState(selected, 'selected', false);
      selected = index;
      setState(selected, 'selected', true);
      list.querySelectorAll('.result.selected').forEach((el) => el.classList.remove('selected'));
      const item = index !== null ? list.querySelector(`.result[data-index="${index}"]`) : null;
      if (item) {
        item.classList.add('selected');
        item.scrollIntoView({ block: 'nearest', behavior: 'smooth' });
        item.querySelector('a')?.focus({ preventScroll: true });
      }
    }
  }

  function renderMapFeatures(moveMap) {
    if (!map) return;
    hovered = null;
    selected = null;
    const collection = {
      type: 'FeatureCollection',
      features: features.map((feature, index) => ({
        type: 'Feature', id: index, geometry: feature.geometry,
        properties: { index, title: feature.properties?.title || feature.id },
      })).filter((f) => f.geometry),
    };
    map.getSource('results').setData(collection);
    // What the map shows, for scripts and tests that cannot look at the canvas.
    mapContainer.dataset.features = String(collection.features.length);
    if (!moveMap) return;
    const bbox = state.get('bbox');
    if (bbox) {
      const [w, s, e, n] = bbox.split(',').map(Number);
      if ([w, s, e, n].every(Number.isFinite)) map.fitBounds([[w, s], [e, n]], { animate: false, padding: 0 });
    } else {
      const bounds = unionBounds(collection.features.map((f) => geometryBounds(f.geometry)));
      map.fitBounds(bounds || NETHERLANDS, { animate: false, padding: 30, maxZoom: 12 });
    }
  }

  async function setUpMap() {
    if (!hasWebgl()) {
      mapContainer.append(h('p', { class: 'muted' }, t('previewNoWebgl')));
      return;
    }
    map = await createMap(mapContainer, base, { label: t('mapLabel') });
    if (disposed) { map.remove(); return; }
    map.addSource('results', { type: 'geojson', data: { type: 'FeatureCollection', features: [] } });
    const color = ['case', ['boolean', ['feature-state', 'selected'], false], '#b3261e',
      ['boolean', ['feature-state', 'hover'], false], '#d9480f', '#1f5fa8'];
    map.addLayer({ id: 'results-fill', type: 'fill', source: 'results', filter: ['!=', ['geometry-type'], 'Point'],
      paint: { 'fill-color': color, 'fill-opacity': ['case', ['boolean', ['feature-state', 'hover'], false], 0.35,
        ['boolean', ['feature-state', 'selected'], false], 0.35, 0.12] } });
    map.addLayer({ id: 'results-line', type: 'line', source: 'results', filter: ['!=', ['geometry-type'], 'Point'],
      paint: { 'line-color': color, 'line-width': ['case', ['boolean', ['feature-state', 'hover'], false], 3,
        ['boolean', ['feature-state', 'selected'], false], 3, 1.5] } });
    map.addLayer({ id: 'results-point', type: 'circle', source: 'results', filter: ['==', ['geometry-type'], 'Point'],
      paint: { 'circle-color': color, 'circle-radius': 6, 'circle-stroke-color': '#fff', 'circle-stroke-width': 1.5 } });
    const layers = ['results-fill', 'results-point'];
    map.on('click', (event) => {
      const hit = map.queryRenderedFeatures(event.point, { layers });
      // The smallest footprint under the pointer: a city's record inside the province's.
      hit.sort((a, b) => area(a.geometry) - area(b.geometry));
      if (hit.length) highlight(hit[0].properties.index, 'selected');
    });
    map.on('mousemove', (event) => {
      const hit = map.queryRenderedFeatures(event.point, { layers });
      map.getCanvas().style.cursor = hit.length ? 'pointer' : '';
    });
    map.on('moveend', (event) => {
      // Only a move by the user (mouse, touch, keyboard, the zoom buttons) sets the area filter.
      if (!event.originalEvent || !followBox.checked) return;
      clearTimeout(moveTimer);
      moveTimer = setTimeout(() => {
        const next = new URLSearchParams(state);
        next.set('bbox', roundedBbox(map.getBounds()));
        next.delete('offset');
        update(next, false);
      }, MAP_DEBOUNCE_MS);
    });
    mapContainer.dataset.ready = 'true';
    renderMapFeatures(true);
  }

  function area(geometry) {
    const b = geometryBounds(geometry);
    return b ? (b[1][0] - b[0][0]) * (b[1][1] - b[0][1]) : 0;
  }

  const mapReady = setUpMap().catch((error) => {
    console.error(error);
    mapContainer.append(h('p', { class: 'muted' }, failure(error)));
  });
  await run(false);
  await mapReady;
  if (map) renderMapFeatures(true);

  return () => {
    disposed = true;
    clearTimeout(moveTimer);
    window.removeEventListener('popstate', onPopState);
    if (searchController) searchController.abort();
    if (facetController) facetController.abort();
    if (map) map.remove();
  };
}
