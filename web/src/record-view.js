// Pieces of record display shared by the search and record pages.
import { t, valueLabel } from './i18n.js';
import { h } from './dom.js';
import { urls } from './api.js';

export function validationBadge(status) {
  const label = valueLabel('validation', status);
  return h('span', { class: `badge badge-${status}`, title: t('validationBadge', { status: label }) },
    h('span', { 'aria-hidden': 'true' }, status === 'pass' ? '✓ ' : status === 'warn' ? '! ' : '✗ '),
    t('validationBadge', { status: label }));
}

export function statusBadge(status, kind = 'validation') {
  return h('span', { class: `badge badge-${status}` }, valueLabel(kind, status));
}

// Names of municipalities (GM…) and provinces (PV…) from the outlines shipped with the UI.
const names = new Map();
let namesLoading = null;

export function loadAdminUnitNames(base) {
  if (!namesLoading) {
    namesLoading = Promise.all(['provincies', 'gemeenten'].map((name) =>
      fetch(urls.ui(base, `outlines/${name}.geojson`))
        .then((response) => (response.ok ? response.json() : { features: [] }))
        .then((collection) => {
          for (const feature of collection.features || []) {
            if (feature.properties?.code) names.set(feature.properties.code, feature.properties.name);
          }
        })
        .catch(() => {})));
  }
  return namesLoading;
}

export function adminUnitName(code) {
  const name = names.get(code);
  return name ? `${name} (${code})` : code;
}
