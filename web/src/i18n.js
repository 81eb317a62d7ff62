// Every label of the UI, in Dutch (the default) and English. The language is chosen by `?lang=en`
// (or `nl`) in the page's address, else the choice remembered in localStorage, else Dutch.
const STORAGE_KEY = 'tweeling.lang';
export const LANGUAGES = ['nl', 'en'];

const dictionary = {
  nl: {
    appName: 'Tweeling',
    skipToContent: 'Naar de inhoud',
    siteNavigation: 'Hoofdnavigatie',
    navHome: 'Start',
    navSearch: 'Zoeken',
    navSources: 'Bronnen',
    navTwin: '3D-tweeling',
    languageToggle: 'English',
    languageToggleLabel: 'Switch to English',
    loading: 'Laden…',
    loadFailed: 'Laden mislukt: {detail}',
    none: '—',
    yes: 'ja',
    no: 'nee',
    kindNode: 'registerknooppunt',
    kindHub: 'federatiehub',

    // landing and catalog
    landingIntro: 'Zoek 3D-datasets, modellen en simulatieresultaten van de Nederlandse digitale tweeling.',
    recordsInCatalog: '{count} records in deze catalogus',
    browseThemes: 'Thema’s',
    browseTypes: 'Soorten',
    allRecords: 'Alle records',
    apiLinks: 'Voor machines',

    // search
    searchHeading: 'Zoeken in de catalogus',
    searchLabel: 'Zoektermen',
    searchPlaceholder: 'gebouwen, hittestress',
    searchButton: 'Zoeken',
    results: 'Resultaten',
    resultsCount: '{count} records gevonden',
    resultsCountOne: '1 record gevonden',
    resultsRange: '{from}–{to} van {count}',
    noResults: 'Geen records gevonden. Maak de zoekopdracht ruimer of verwijder filters.',
    facetsHeading: 'Verfijnen',
    facetsLoading: 'Aantallen laden…',
    facetsFailed: 'De aantallen konden niet worden geladen.',
    filterActive: 'Actieve filters',
    clearFilters: 'Alle filters wissen',
    removeFilter: 'Filter {label} verwijderen',
    mapHeading: 'Kaart',
    mapLabel: 'Kaart van de resultaten. De lijst met resultaten geeft dezelfde records en is met het toetsenbord te gebruiken.',
    followMap: 'Zoeken in het kaartbeeld',
    areaFilter: 'Gebied',
    clearArea: 'Gebiedsfilter wissen',
    previousPage: 'Vorige pagina',
    nextPage: 'Volgende pagina',
    paging: 'Pagina’s',
    sortLabel: 'Sorteren',
    sortRelevance: 'relevantie',
    sortUpdated: 'nieuwste eerst',
    sortTitle: 'titel (A–Z)',
    updatedOn: 'bijgewerkt {date}',
    showOnMap: 'Op de kaart',
    noFootprint: 'geen voetafdruk',

    // facets
    facet_themes: 'Thema',
    facet_formats: 'Formaat',
    facet_adminUnits: 'Bestuurlijk gebied',
    facet_type: 'Soort',
    facet_license: 'Licentie',
    facet_rights: 'Toegang',
    facet_publisher: 'Uitgever',
    facet_validation: 'Controle door de hub',
    facet_origin: 'Herkomst',
    facet_bbox: 'Gebied',
    facet_q: 'Zoektermen',
    facet_datetime: 'Tijd',
    facet_source: 'Bron',

    // validation
    validation_pass: 'in orde',
    validation_warn: 'waarschuwing',
    validation_fail: 'fout',
    validationBadge: 'Controle: {status}',

    // record types, rights
    type_dataset: 'dataset',
    type_model: 'model',
    'type_simulation-result': 'simulatieresultaat',
    type_service: 'dienst',
    rights_public: 'openbaar',
    rights_restricted: 'beperkt',
    'rights_non-public': 'niet openbaar',

    // record page
    recordHeading: 'Record',
    sectionProperties: 'Eigenschappen',
    sectionDistributions: 'Distributies',
    sectionProvenance: 'Herkomst',
    sectionValidation: 'Controle door de hub',
    sectionFootprint: 'Voetafdruk',
    sectionPreview: '3D-voorbeeld',
    sectionLinks: 'Links',
    sectionOtherForms: 'Dit record als',
    formJson: 'JSON (GeoJSON)',
    formJsonLd: 'JSON-LD (DCAT-AP)',
    formTurtle: 'Turtle (DCAT-AP)',
    distribution: 'Distributie {n}',
    probeResults: 'Resultaten van de controle',
    noProbeResults: 'Nog niet gecontroleerd.',
    checkedAt: 'gecontroleerd {date}',
    check: 'Controle',
    status: 'Status',
    message: 'Toelichting',
    pointer: 'Plaats',
    signedVerified: 'ondertekend door {origin}, geverifieerd',
    signedNotVerified: 'ondertekend door {origin}, niet geverifieerd',
    notSigned: 'niet ondertekend',
    stale: 'mogelijk verouderd: de bron is onbereikbaar (laatst gelukt {date})',
    previewLoading: '3D-tegelset laden…',
    previewFailed: 'De 3D-tegelset kon niet worden geladen: {detail}',
    previewNoWebgl: 'Deze browser kan geen 3D tonen (geen WebGL).',
    previewOf: '3D-voorbeeld van {title}',
    openLink: 'openen',

    // record properties (labels of every property)
    prop_id: 'Identificatie',
    prop_type: 'Soort',
    prop_title: 'Titel',
    prop_description: 'Beschrijving',
    prop_publisher: 'Uitgever',
    prop_contacts: 'Contactpunten',
    prop_themes: 'Thema’s',
    prop_keywords: 'Trefwoorden',
    prop_language: 'Taal',
    prop_adminUnits: 'Bestuurlijke gebieden',
    prop_crs: 'Coördinatenstelsels',
    prop_updated: 'Bijgewerkt',
    prop_created: 'Aangemaakt',
    prop_license: 'Licentie',
    prop_rights: 'Toegang',
    prop_updateFrequency: 'Actualisatiefrequentie',
    prop_distributions: 'Distributies',
    prop_formats: 'Formaten',
    prop_lod: 'Detailniveau (LoD)',
    prop_accuracy: 'Nauwkeurigheid',
    prop_lineage: 'Herkomst van de gegevens',
    prop_time: 'Tijd',
    prop_geometry: 'Voetafdruk',
    prop_bbox: 'Omhullende',
    prop_links: 'Links',
    prop_conformsTo: 'Voldoet aan',
    prop_origin: 'Oorsprong (knooppunt)',
    prop_harvest: 'Geoogst',
    prop_harvestSource: 'Geoogst via bron',
    prop_harvestedAt: 'Geoogst op',
    prop_hash: 'Inhoudshash',
    prop_signature: 'Handtekening',
    prop_verified: 'Geverifieerd',
    prop_validation: 'Controle',
    prop_href: 'Adres',
    prop_format: 'Formaat',
    prop_formatVersion: 'Formaatversie',
    prop_mediaType: 'Mediatype',
    prop_byteSize: 'Grootte',
    prop_checksum: 'Controlegetal',
    prop_name: 'Naam',
    prop_organization: 'Organisatie',
    prop_position: 'Functie',
    prop_emails: 'E-mail',
    prop_phones: 'Telefoon',
    prop_roles: 'Rollen',
    prop_contactInstructions: 'Instructies',
    prop_identifier: 'Identificatie',
    prop_model: 'Model',
    prop_version: 'Versie',
    prop_scenario: 'Scenario',
    prop_runDate: 'Rekendatum',
    prop_sources: 'Bronnen',
    prop_interval: 'Periode',
    prop_date: 'Datum',
    prop_timestamp: 'Tijdstip',
    prop_resolution: 'Resolutie',
    prop_code: 'Code',
    prop_rel: 'Relatie',
    prop_hreflang: 'Taal',
    prop_length: 'Lengte',
    prop_value: 'Waarde',
    prop_stale: 'Mogelijk verouderd',
    prop_lastSuccess: 'Laatst gelukt',
    prop_algorithm: 'Algoritme',

    // sources
    sourcesHeading: 'Bronnen van deze hub',
    sourcesIntro: 'Elke bron wordt geoogst; per bron de toestand, de laatste oogst, de aantallen records, de kwaliteitsscore van de controle en het laatste oogstrapport.',
    sourceHeading: 'Bron {id}',
    noSources: 'Deze hub heeft geen bronnen.',
    state_ok: 'in orde',
    state_degraded: 'gedeeltelijk',
    state_down: 'onbereikbaar',
    'state_never-harvested': 'nog niet geoogst',
    sourceKind: 'Soort bron',
    sourceUrl: 'Adres',
    sourceState: 'Toestand',
    lastAttempt: 'Laatste poging',
    lastSuccess: 'Laatst gelukt',
    nextHarvest: 'Volgende oogst',
    lastError: 'Laatste fout',
    recordsHeld: 'Records',
    recordsRejected: 'Geweigerd',
    pendingDeletions: 'Wachtende verwijderingen',
    qualityScore: 'Kwaliteitsscore',
    qualityScoreNone: 'nog niet gecontroleerd',
    qualityDetail: '{pass} in orde, {warn} waarschuwing, {fail} fout van {probed} gecontroleerd',
    qualityChecks: 'Controles',
    qualityFailing: 'Records die een controle niet doorstaan',
    checkRecords: 'Records',
    checkShare: 'Aandeel in orde',
    reportHeading: 'Laatste oogstrapport',
    reportNone: 'Nog geen oogstrapport.',
    reportStatus: 'Uitkomst',
    reportStarted: 'Begonnen',
    reportFinished: 'Klaar',
    reportPages: 'Pagina’s',
    reportResync: 'Volledige hersynchronisatie',
    reportContinues: 'Gaat verder bij de volgende oogst',
    reportError: 'Fout',
    count_added: 'toegevoegd',
    count_updated: 'bijgewerkt',
    count_unchanged: 'ongewijzigd',
    count_stale: 'verouderd',
    count_deleted: 'verwijderd',
    count_rejected: 'geweigerd',
    count_warnings: 'waarschuwingen',
    count_heldDeletions: 'tegengehouden verwijderingen',
    rejectedRecords: 'Geweigerde records en redenen',
    warnedRecords: 'Records met waarschuwingen',
    noRejected: 'Geen records geweigerd.',
    reportNotes: 'Opmerkingen',
    where: 'Waar',
    problems: 'Problemen',
    recordsOfSource: 'Records van deze bron',
    sourceDetails: 'Details van {id}',

    // twin
    twinHeading: 'De nationale 3D-tweeling',
    twinIntro: 'Eén 3D Tiles-tegelset uit de tegelsets van alle records van deze hub; elke tegel komt van de server van de uitgever.',
    twinFilters: 'Selectie',
    twinWholeTwin: 'de hele tweeling',
    twinTileset: 'Tegelset: {url}',
    twinChildren: '{count} tegelsets',
    twinLeftOut: '{count} records weggelaten',
    viewerLabel: '3D-weergave van de nationale tweeling',
    twinIncluded: 'Tegelsets in de tweeling',
    twinLeftOutHeading: 'Weggelaten records',
    attributionOutlines: 'Grenzen: © CBS, Kadaster (CC BY 4.0)',
  },
  en: {
    appName: 'Tweeling',
    skipToContent: 'Skip to content',
    siteNavigation: 'Main navigation',
    navHome: 'Home',
    navSearch: 'Search',
    navSources: 'Sources',
    navTwin: '3D twin',
    languageToggle: 'Nederlands',
    languageToggleLabel: 'Wissel naar Nederlands',
    loading: 'Loading…',
    loadFailed: 'Loading failed: {detail}',
    none: '—',
    yes: 'yes',
    no: 'no',
    kindNode: 'registry node',
    kindHub: 'federation hub',

    landingIntro: 'Find 3D datasets, models and simulation results of the Dutch digital twin.',
    recordsInCatalog: '{count} records in this catalog',
    browseThemes: 'Themes',
    browseTypes: 'Types',
    allRecords: 'All records',
    apiLinks: 'For machines',

    searchHeading: 'Search the catalog',
    searchLabel: 'Search terms',
    searchPlaceholder: 'buildings, heat stress',
    searchButton: 'Search',
    results: 'Results',
    resultsCount: '{count} records found',
    resultsCountOne: '1 record found',
    resultsRange: '{from}–{to} of {count}',
    noResults: 'No records found. Broaden the search or remove filters.',
    facetsHeading: 'Refine',
    facetsLoading: 'Loading counts…',
    facetsFailed: 'The counts could not be loaded.',
    filterActive: 'Active filters',
    clearFilters: 'Clear all filters',
    removeFilter: 'Remove filter {label}',
    mapHeading: 'Map',
    mapLabel: 'Map of the results. The list of results holds the same records and works with the keyboard.',
    followMap: 'Search the map view',
    areaFilter: 'Area',
    clearArea: 'Clear area filter',
    previousPage: 'Previous page',
    nextPage: 'Next page',
    paging: 'Pages',
    sortLabel: 'Sort',
    sortRelevance: 'relevance',
    sortUpdated: 'newest first',
    sortTitle: 'title (A–Z)',
    updatedOn: 'updated {date}',
    showOnMap: 'On the map',
    noFootprint: 'no footprint',

    facet_themes: 'Theme',
    facet_formats: 'Format',
    facet_adminUnits: 'Administrative area',
    facet_type: 'Type',
    facet_license: 'Licence',
    facet_rights: 'Access',
    facet_publisher: 'Publisher',
    facet_validation: 'Hub check',
    facet_origin: 'Origin',
    facet_bbox: 'Area',
    facet_q: 'Search terms',
    facet_datetime: 'Time',
    facet_source: 'Source',

    validation_pass: 'pass',
    validation_warn: 'warning',
    validation_fail: 'fail',
    validationBadge: 'Check: {status}',

    type_dataset: 'dataset',
    type_model: 'model',
    'type_simulation-result': 'simulation result',
    type_service: 'service',
    rights_public: 'public',
    rights_restricted: 'restricted',
    'rights_non-public': 'non-public',

    recordHeading: 'Record',
    sectionProperties: 'Properties',
    sectionDistributions: 'Distributions',
    sectionProvenance: 'Provenance',
    sectionValidation: 'Hub check',
    sectionFootprint: 'Footprint',
    sectionPreview: '3D preview',
    sectionLinks: 'Links',
    sectionOtherForms: 'This record as',
    formJson: 'JSON (GeoJSON)',
    formJsonLd: 'JSON-LD (DCAT-AP)',
    formTurtle: 'Turtle (DCAT-AP)',
    distribution: 'Distribution {n}',
    probeResults: 'Check results',
    noProbeResults: 'Not checked yet.',
    checkedAt: 'checked {date}',
    check: 'Check',
    status: 'Status',
    message: 'Explanation',
    pointer: 'Where',
    signedVerified: 'signed by {origin}, verified',
    signedNotVerified: 'signed by {origin}, not verified',
    notSigned: 'not signed',
    stale: 'may be out of date: the source cannot be reached (last success {date})',
    previewLoading: 'Loading the 3D tileset…',
    previewFailed: 'The 3D tileset could not be loaded: {detail}',
    previewNoWebgl: 'This browser cannot show 3D (no WebGL).',
    previewOf: '3D preview of {title}',
    openLink: 'open',

    prop_id: 'Identifier',
    prop_type: 'Type',
    prop_title: 'Title',
    prop_description: 'Description',
    prop_publisher: 'Publisher',
    prop_contacts: 'Contact points',
    prop_themes: 'Themes',
    prop_keywords: 'Keywords',
    prop_language: 'Language',
    prop_adminUnits: 'Administrative areas',
    prop_crs: 'Coordinate reference systems',
    prop_updated: 'Updated',
    prop_created: 'Created',
    prop_license: 'Licence',
    prop_rights: 'Access',
    prop_updateFrequency: 'Update frequency',
    prop_distributions: 'Distributions',
    prop_formats: 'Formats',
    prop_lod: 'Level of detail (LoD)',
    prop_accuracy: 'Accuracy',
    prop_lineage: 'Lineage',
    prop_time: 'Time',
    prop_geometry: 'Footprint',
    prop_bbox: 'Bounding box',
    prop_links: 'Links',
    prop_conformsTo: 'Conforms to',
    prop_origin: 'Origin (node)',
    prop_harvest: 'Harvested',
    prop_harvestSource: 'Harvested through source',
    prop_harvestedAt: 'Harvested at',
    prop_hash: 'Content hash',
    prop_signature: 'Signature',
    prop_verified: 'Verified',
    prop_validation: 'Check',
    prop_href: 'Address',
    prop_format: 'Format',
    prop_formatVersion: 'Format version',
    prop_mediaType: 'Media type',
    prop_byteSize: 'Size',
    prop_checksum: 'Checksum',
    prop_name: 'Name',
    prop_organization: 'Organisation',
    prop_position: 'Position',
    prop_emails: 'E-mail',
    prop_phones: 'Phone',
    prop_roles: 'Roles',
    prop_contactInstructions: 'Instructions',
    prop_identifier: 'Identifier',
    prop_model: 'Model',
    prop_version: 'Version',
    prop_scenario: 'Scenario',
    prop_runDate: 'Run date',
    prop_sources: 'Sources',
    prop_interval: 'Interval',
    prop_date: 'Date',
    prop_timestamp: 'Timestamp',
    prop_resolution: 'Resolution',
    prop_code: 'Code',
    prop_rel: 'Relation',
    prop_hreflang: 'Language',
    prop_length: 'Length',
    prop_value: 'Value',
    prop_stale: 'May be out of date',
    prop_lastSuccess: 'Last success',
    prop_algorithm: 'Algorithm',

    sourcesHeading: 'Sources of this hub',
    sourcesIntro: 'Every source is harvested; for each, its state, last harvest, record counts, the quality score of the checks and the latest harvest report.',
    sourceHeading: 'Source {id}',
    noSources: 'This hub has no sources.',
    state_ok: 'ok',
    state_degraded: 'degraded',
    state_down: 'down',
    'state_never-harvested': 'never harvested',
    sourceKind: 'Kind of source',
    sourceUrl: 'Address',
    sourceState: 'State',
    lastAttempt: 'Last attempt',
    lastSuccess: 'Last success',
    nextHarvest: 'Next harvest',
    lastError: 'Last error',
    recordsHeld: 'Records',
    recordsRejected: 'Rejected',
    pendingDeletions: 'Pending deletions',
    qualityScore: 'Quality score',
    qualityScoreNone: 'not checked yet',
    qualityDetail: '{pass} pass, {warn} warning, {fail} fail of {probed} checked',
    qualityChecks: 'Checks',
    qualityFailing: 'Records that fail a check',
    checkRecords: 'Records',
    checkShare: 'Share passing',
    reportHeading: 'Latest harvest report',
    reportNone: 'No harvest report yet.',
    reportStatus: 'Outcome',
    reportStarted: 'Started',
    reportFinished: 'Finished',
    reportPages: 'Pages',
    reportResync: 'Full resync',
    reportContinues: 'Continues next round',
    reportError: 'Error',
    count_added: 'added',
    count_updated: 'updated',
    count_unchanged: 'unchanged',
    count_stale: 'stale',
    count_deleted: 'deleted',
    count_rejected: 'rejected',
    count_warnings: 'warnings',
    count_heldDeletions: 'held deletions',
    rejectedRecords: 'Rejected records and reasons',
    warnedRecords: 'Records with warnings',
    noRejected: 'No records rejected.',
    reportNotes: 'Notes',
    where: 'Where',
    problems: 'Problems',
    recordsOfSource: 'Records of this source',
    sourceDetails: 'Details of {id}',

    twinHeading: 'The national 3D twin',
    twinIntro: 'One 3D Tiles tileset made of the tilesets of every record of this hub; every tile comes from its publisher’s server.',
    twinFilters: 'Selection',
    twinWholeTwin: 'the whole twin',
    twinTileset: 'Tileset: {url}',
    twinChildren: '{count} tilesets',
    twinLeftOut: '{count} records left out',
    viewerLabel: '3D view of the national twin',
    twinIncluded: 'Tilesets in the twin',
    twinLeftOutHeading: 'Records left out',
    attributionOutlines: 'Boundaries: © CBS, Kadaster (CC BY 4.0)',
  },
};

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
