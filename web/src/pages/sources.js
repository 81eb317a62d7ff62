// The hub's sources: each source's state, last harvest, record counts and quality score (from
// /sources/{id}), and its latest harvest report (/sources/{id}/reports/latest) with the rejected
// records and their reasons. On /sources/{id} the same for one source, with its checks in full.
import { t, valueLabel, formatDate, formatNumber } from '../i18n.js';
import { h, definitions, safeLink } from '../dom.js';
import { getJson, urls, failure } from '../api.js';

function stateBadge(state) {
  const tone = { ok: 'pass', degraded: 'warn', down: 'fail' }[state] || 'neutral';
  return h('span', { class: `badge badge-${tone}` }, valueLabel('state', state));
}

function score(quality) {
  if (!quality || quality.score === null || quality.score === undefined) return h('span', { class: 'muted' }, t('qualityScoreNone'));
  const percent = Math.round(quality.score * 100);
  const tone = percent >= 90 ? 'pass' : percent >= 50 ? 'warn' : 'fail';
  return h('span', {},
    h('meter', { min: 0, max: 100, value: percent, 'aria-label': t('qualityScore') }, `${percent}%`), ' ',
    h('strong', { class: `score score-${tone}` }, `${percent}%`), ' ',
    h('span', { class: 'muted' }, t('qualityDetail', {
      pass: formatNumber(quality.pass), warn: formatNumber(quality.warn), fail: formatNumber(quality.fail), probed: formatNumber(quality.probed),
    })));
}

function recordLink(base, key) {
  return h('a', { href: urls.recordPage(base, key) }, key);
}

function problemList(records, base) {
  return h('table', { class: 'checks' },
    h('thead', {}, h('tr', {}, [t('recordHeading'), t('where'), t('problems')].map((label) => h('th', { scope: 'col' }, label)))),
    h('tbody', {}, records.map((r) => h('tr', {},
      h('td', {}, r.origin && r.id ? recordLink(base, `${r.origin}:${r.id}`) : (r.id || '')),
      h('td', {}, r.where || ''),
      h('td', {}, h('ul', { class: 'block-list' }, (r.problems || []).map((problem) => h('li', {},
        problem.pointer ? [h('code', {}, problem.pointer), ' '] : null, problem.message))))))));
}

function reportSection(report, base, headingId) {
  const section = h('div', { class: 'report' },
    h('h3', { id: headingId }, t('reportHeading')));
  if (!report) {
    section.append(h('p', { class: 'muted' }, t('reportNone')));
    return section;
  }
  const counts = report.counts || {};
  section.append(
    definitions([
      [t('reportStatus'), stateBadge(report.status)],
      [t('reportStarted'), formatDate(report.started)],
      [t('reportFinished'), formatDate(report.finished)],
      [t('reportPages'), report.pages !== undefined ? formatNumber(report.pages) : null],
      [t('reportResync'), report.resync ? t('yes') : null],
      [t('reportContinues'), report.continues ? t('yes') : null],
      [t('reportError'), report.error],
    ]),
    h('ul', { class: 'counts' }, Object.entries(counts).map(([name, value]) =>
      h('li', { class: value && (name === 'rejected' || name === 'heldDeletions') ? 'attention' : '' },
        h('strong', {}, formatNumber(value)), ' ', t(`count_${name}`)))),
    h('h4', {}, t('rejectedRecords')),
    (report.rejected || []).length ? problemList(report.rejected, base) : h('p', { class: 'muted' }, t('noRejected')));
  if ((report.warnings || []).length) section.append(h('h4', {}, t('warnedRecords')), problemList(report.warnings, base));
  if ((report.notes || []).length) {
    section.append(h('h4', {}, t('reportNotes')), h('ul', { class: 'block-list notes' }, report.notes.map((note) => h('li', {}, note))));
  }
  return section;
}

function qualityDetails(quality, base) {
  const parts = [];
  if ((quality.checks || []).length) {
    parts.push(h('h4', {}, t('qualityChecks')), h('table', { class: 'checks' },
      h('thead', {}, h('tr', {}, [t('check'), t('checkRecords'), valueLabel('validation', 'pass'), valueLabel('validation', 'warn'),
        valueLabel('validation', 'fail'), t('checkShare')].map((label) => h('th', { scope: 'col' }, label)))),
      h('tbody', {}, quality.checks.map((check) => h('tr', {},
        h('td', {}, h('code', {}, check.id)), h('td', {}, formatNumber(check.records)), h('td', {}, formatNumber(check.pass)),
        h('td', {}, formatNumber(check.warn)), h('td', {}, formatNumber(check.fail)),
        h('td', {}, check.share === null || check.share === undefined ? t('none') : `${Math.round(check.share * 100)}%`))))));
  }
  if ((quality.failing || []).length) {
    parts.push(h('h4', {}, t('qualityFailing')), h('ul', { class: 'block-list' }, quality.failing.map((failing) => h('li', {},
      recordLink(base, failing.record),
      h('ul', {}, (failing.checks || []).map((check) => h('li', {}, h('code', {}, check.id), ' ', check.message)))))));
  }
  return parts;
}

function sourceCard(source, report, base, full) {
  const id = source.id;
  const headingId = `source-${id.replace(/[^a-z0-9_-]/gi, '_')}`;
  const card = h('article', { class: 'card source', dataset: { source: id }, 'aria-labelledby': headingId },
    h('div', { class: 'source-head' },
      h(full ? 'h1' : 'h2', { id: headingId }, full ? t('sourceHeading', { id }) : h('a', { href: urls.sourcePage(base, id) }, id)),
      stateBadge(source.state)),
    definitions([
      [t('sourceKind'), source.kind],
      [t('sourceUrl'), source.url ? safeLink(source.url, source.url) : null],
      [t('lastAttempt'), source.lastAttempt ? formatDate(source.lastAttempt) : t('none')],
      [t('lastSuccess'), source.lastSuccess ? formatDate(source.lastSuccess) : t('none')],
      [t('nextHarvest'), source.nextHarvest ? formatDate(source.nextHarvest) : null],
      [t('recordsHeld'), h('a', { href: urls.search(base, { source: id }) }, formatNumber(source.recordsHeld ?? 0))],
      [t('recordsRejected'), formatNumber(source.recordsRejected ?? 0)],
      [t('pendingDeletions'), source.pendingDeletions ? formatNumber(source.pendingDeletions) : null],
      [t('qualityScore'), score(source.quality)],
      [t('lastError'), source.lastError],
    ]),
    reportSection(report, base, `${headingId}-report`));
  if (full && source.quality) card.append(...qualityDetails(source.quality, base));
  return card;
}

async function fetchReport(base, id) {
  try {
    return await getJson(urls.report(base, id));
  } catch (error) {
    if (error.status === 404) return null;
    throw error;
  }
}

export async function render(main, context) {
  const { base } = context;
  const status = h('p', { role: 'status' }, t('loading'));
  if (context.page === 'source') {
    main.append(status);
    try {
      const source = await getJson(context.json || window.location.href.replace(/\?.*$/, ''));
      const report = await fetchReport(base, source.id);
      status.remove();
      main.append(
        h('p', { class: 'eyebrow' }, h('a', { href: urls.sourcesPage(base) }, t('navSources'))),
        sourceCard(source, report, base, true),
        h('p', {}, h('a', { class: 'button', href: urls.search(base, { source: source.id }) }, t('recordsOfSource'))));
    } catch (error) {
      status.textContent = failure(error);
    }
    return null;
  }
  main.append(h('h1', {}, t('sourcesHeading')), h('p', { class: 'lead' }, t('sourcesIntro')), status);
  try {
    const list = await getJson(context.json || urls.sources(base));
    const sources = list.sources || [];
    // Each source's own document has its quality; the report its rejected records: both at once.
    const details = await Promise.all(sources.map(async (source) => {
      const [full, report] = await Promise.all([
        getJson(urls.source(base, source.id)).catch(() => source),
        fetchReport(base, source.id).catch(() => null),
      ]);
      return { source: { ...source, ...full }, report };
    }));
    status.remove();
    if (!sources.length) main.append(h('p', {}, t('noSources')));
    main.append(h('div', { class: 'source-list' }, details.map(({ source, report }) => sourceCard(source, report, base, false))));
  } catch (error) {
    status.textContent = failure(error);
  }
  return null;
}
