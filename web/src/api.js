// Reading the JSON API, and the addresses of the pages of this server.
import { t } from './i18n.js';

export class ApiError extends Error {
  constructor(message, status) {
    super(message);
    this.status = status;
  }
}

export async function getJson(url, { signal } = {}) {
  let response;
  try {
    response = await fetch(url, { headers: { Accept: 'application/json' }, signal });
  } catch (error) {
    if (error.name === 'AbortError') throw error;
    throw new ApiError(error.message, 0);
  }
  if (!response.ok) {
    let detail = `${response.status} ${response.statusText}`;
    try {
      const problem = await response.json();
      if (problem.detail || problem.title) detail = problem.detail || problem.title;
    } catch { /* not a problem document */ }
    throw new ApiError(detail, response.status);
  }
  return response.json();
}

// What the server told the page (body data-*), with defaults for a page served without them.
export function pageContext() {
  const data = document.body.dataset;
  const base = (data.base ?? '').replace(/\/$/, '');
  return {
    page: data.page || guessPage(base),
    base,
    kind: data.kind === 'hub' ? 'hub' : 'node',
    json: data.json || '',
  };
}

function guessPage(base) {
  const path = window.location.pathname.slice(new URL(base || '/', window.location.href).pathname.replace(/\/$/, '').length);
  if (path === '' || path === '/') return 'landing';
  if (path === '/collections/twins') return 'catalog';
  if (path === '/collections/twins/items') return 'search';
  if (path.startsWith('/collections/twins/items/')) return 'record';
  if (path === '/sources') return 'sources';
  if (path.startsWith('/sources/')) return 'source';
  if (path === '/twin') return 'twin';
  return 'landing';
}

export const urls = {
  home: (base) => `${base}/?f=html`,
  search: (base, params) => {
    const query = new URLSearchParams(params);
    query.set('f', 'html');
    return `${base}/collections/twins/items?${query}`;
  },
  itemsJson: (base, params) => {
    const query = new URLSearchParams(params);
    query.set('f', 'json');
    return `${base}/collections/twins/items?${query}`;
  },
  record: (base, id) => `${base}/collections/twins/items/${encodeURIComponent(id)}`,
  recordPage: (base, id) => `${base}/collections/twins/items/${encodeURIComponent(id)}?f=html`,
  sources: (base) => `${base}/sources`,
  sourcesPage: (base) => `${base}/sources?f=html`,
  source: (base, id) => `${base}/sources/${encodeURIComponent(id)}`,
  sourcePage: (base, id) => `${base}/sources/${encodeURIComponent(id)}?f=html`,
  report: (base, id) => `${base}/sources/${encodeURIComponent(id)}/reports/latest`,
  twinPage: (base) => `${base}/twin`,
  twinTileset: (base, params) => {
    const query = new URLSearchParams(params).toString();
    return `${base}/twin/tileset.json${query ? `?${query}` : ''}`;
  },
  // Absolute: MapLibre's and Cesium's workers resolve addresses against their own (blob:) URL.
  ui: (base, path) => new URL(`${base}/ui/${path}`, window.location.href).href,
};

// The UI's optional deployment settings ({base}/ui/config.json); {} when there are none.
let configPromise;
export function config(base) {
  if (!configPromise) {
    configPromise = fetch(urls.ui(base, 'config.json'))
      .then((response) => (response.ok ? response.json() : {}))
      .catch(() => ({}));
  }
  return configPromise;
}

export function failure(error) {
  return t('loadFailed', { detail: error.message || String(error) });
}
