// console_browser.test.mjs - issue 9: the web console in a real browser (headless Debian
// Chromium driven by playwright-core), as a trainee uses it during a game day.
//
// drillsim runs connection-leak under a manual clock. The test clicks its way from /console/
// to the GoldenPath-dev dashboard, compares the DatabaseConnections graph's last point with
// GetMetricStatistics (SDK v3) for the metric, dimensions, stat, period and range the page
// drew, advances the sim clock until the connections alarm fires and sees the alarm widget say
// ALARM twice: once through the page's own 10 s live refresh (no reload) and once after a
// reload. It checks accessibility that can fail (one h1 per page, "Skip to content" is the first
// Tab stop and visible when focused, every graph has an accessible name), that the dashboard's
// graphs are drawn with JavaScript disabled, and writes full-page screenshots to
// $DRILLSIM_BUILD/artifacts/console/*.png for people to look at.
//
// Needs /usr/bin/chromium (Debian's chromium) and playwright-core (package.json): `./drill
// test` installs both. Without either the test fails; it never skips. No browser is downloaded.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdirSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium } from 'playwright-core';
import {
  CloudWatchClient, GetDashboardCommand, GetMetricStatisticsCommand,
} from '@aws-sdk/client-cloudwatch';
import { startDrillsim, clientConfig } from './harness.mjs';

const here = path.dirname(fileURLToPath(import.meta.url));
const build = process.env.DRILLSIM_BUILD || path.join(here, '..', '..', '..', 'build');
const ARTIFACTS = path.join(build, 'artifacts', 'console');
const CHROMIUM = '/usr/bin/chromium';
const TEAM = '000000000000';
const DASH = 'GoldenPath-dev';
const ALARM = 'golden-path-rds-connections-dev';
const METRIC = 'AWS/RDS DatabaseConnections';
// The flags this machine's Chromium needs (env: machines/c.md): no sandbox as root, and no
// background connections, which the closed network refuses.
const FLAGS = ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
  '--disable-background-networking', '--disable-component-update', '--disable-sync'];
const LAPTOP = { width: 1366, height: 768 };
const PROJECTOR = { width: 1920, height: 1080 };

let ds;
let cw;
let browser;
let ctx;    // JavaScript on, 1366x768
let noJs;   // JavaScript off
let page;   // the trainee's tab, kept open from the first click to the alarm
let staticPage; // the same dashboard without JavaScript

before(async () => {
  assert.ok(existsSync(CHROMIUM),
    `${CHROMIUM} is missing: install Debian's chromium (./drill test does)`);
  ds = await startDrillsim(['--scenario', 'connection-leak',
    '--clock', 'manual@2026-01-01T00:00:00Z']);
  cw = new CloudWatchClient(clientConfig(ds.endpoint));
  // playwright's launch() gives Chromium a new, empty --user-data-dir of its own (a temporary
  // directory it deletes on close) and adds --headless; the rest are the env's flags.
  browser = await chromium.launch({ executablePath: CHROMIUM, headless: true, args: FLAGS });
  ctx = await browser.newContext({ viewport: LAPTOP });
  noJs = await browser.newContext({ viewport: LAPTOP, javaScriptEnabled: false });
  mkdirSync(ARTIFACTS, { recursive: true });
});

after(async () => {
  if (browser) await browser.close();
  if (ds) await ds.stop();
});

const url = (p) => ds.endpoint + p;

// POST /_drill/clock/advance for the default team; resolves to the clock's JSON.
async function advance(seconds) {
  const r = await fetch(url(`/_drill/clock/advance?team=${TEAM}`), {
    method: 'POST', headers: { 'Content-Type': 'application/json' },
    body: JSON.stringify({ seconds }),
  });
  assert.equal(r.status, 200, await r.clone().text());
  return r.json();
}

// The accessibility checks that can fail, on the page as loaded: exactly one h1; the first
// Tab stop is the "Skip to content" link, on screen while focused; every img and every svg
// not hidden from assistive technology has an accessible name (svg graphs: role=img).
async function checkA11y(p, label) {
  const h1 = await p.locator('h1').count();
  assert.equal(h1, 1, `${label}: ${h1} <h1> elements`);
  await p.evaluate(() => { if (document.activeElement) document.activeElement.blur(); });
  await p.keyboard.press('Tab');
  const focused = await p.evaluate(() => {
    const a = document.activeElement;
    if (!a || a === document.body) return null;
    const r = a.getBoundingClientRect();
    const s = getComputedStyle(a);
    return {
      tag: a.tagName, text: a.textContent.trim(), href: a.getAttribute('href'),
      x: r.left, y: r.top, w: r.width, h: r.height,
      vw: window.innerWidth, vh: window.innerHeight,
      visibility: s.visibility, opacity: Number(s.opacity), outline: s.outlineStyle,
    };
  });
  assert.ok(focused, `${label}: Tab focused nothing`);
  assert.equal(focused.tag, 'A', `${label}: first Tab stop is a ${focused.tag}`);
  assert.equal(focused.text, 'Skip to content', `${label}: first Tab stop is "${focused.text}"`);
  assert.equal(focused.href, '#main', label);
  assert.ok(await p.locator('#main').count() === 1, `${label}: no #main to skip to`);
  assert.ok(focused.w > 0 && focused.h > 0 && focused.x >= 0 && focused.y >= 0 &&
    focused.x + focused.w <= focused.vw && focused.y + focused.h <= focused.vh &&
    focused.visibility === 'visible' && focused.opacity > 0,
    `${label}: the focused skip link is not on screen: ${JSON.stringify(focused)}`);
  assert.notEqual(focused.outline, 'none', `${label}: the focused skip link has no outline`);
  const unnamed = await p.evaluate(() => {
    const bad = [];
    for (const el of document.querySelectorAll('img, svg')) {
      if (el.closest('[aria-hidden="true"]')) continue;
      let name = (el.getAttribute('aria-label') || '').trim();
      const by = el.getAttribute('aria-labelledby');
      if (!name && by) {
        name = by.split(/\s+/).map((id) => document.getElementById(id))
          .filter(Boolean).map((n) => n.textContent.trim()).join(' ');
      }
      if (!name && el.tagName.toLowerCase() === 'img') name = (el.getAttribute('alt') || '').trim();
      if (!name && el.tagName.toLowerCase() === 'svg') {
        const t = el.querySelector(':scope > title');
        name = t ? t.textContent.trim() : '';
      }
      const graph = el.tagName.toLowerCase() === 'svg' && el.classList.contains('graph');
      if (!name || (graph && el.getAttribute('role') !== 'img')) {
        bad.push(el.outerHTML.slice(0, 120));
      }
    }
    return bad;
  });
  assert.deepEqual(unnamed, [], `${label}: images or graphs without an accessible name`);
}

// The series of the DatabaseConnections graph as the page drew it: the polyline's data
// attributes and its svg's range, period and stat, and the widget's title.
async function drawnConnections(p) {
  const line = p.locator(`polyline[data-metric="${METRIC}"]`);
  assert.equal(await line.count(), 1, 'one DatabaseConnections polyline');
  return line.evaluate((el) => {
    const svg = el.closest('svg');
    const widget = el.closest('section.widget');
    return {
      points: Number(el.getAttribute('data-points')),
      lastTs: el.getAttribute('data-last-ts'),
      lastValue: el.getAttribute('data-last-value'),
      drawn: (el.getAttribute('points') || '').trim().split(/\s+/).filter(Boolean).length,
      start: Number(svg.getAttribute('data-start')),
      end: Number(svg.getAttribute('data-end')),
      period: Number(svg.getAttribute('data-period')),
      stat: svg.getAttribute('data-stat'),
      name: svg.getAttribute('aria-label'),
      title: widget.querySelector('h2').textContent.trim(),
    };
  });
}

// The metric rows of a widget with CloudWatch's "." / "..." shorthand resolved (each row:
// namespace, name, dimension name/value pairs, options object).
function resolveMetrics(rows) {
  const out = [];
  for (const row of rows) {
    const prev = out.length ? out[out.length - 1].items : [];
    const items = [];
    let opts = {};
    for (let j = 0; j < row.length; j++) {
      const el = row[j];
      if (el !== null && typeof el === 'object') opts = el;
      else if (el === '...') items.push(...prev.slice(items.length));
      else if (el === '.') items.push(prev[items.length]);
      else items.push(el);
    }
    out.push({ items, opts });
  }
  return out;
}

// GetMetricStatistics for the metric of the dashboard widget titled title (its dimensions
// from the stored body, as GetDashboard returns it) over the drawn range, period and stat.
async function apiSeries(d) {
  const body = JSON.parse((await cw.send(new GetDashboardCommand({ DashboardName: DASH })))
    .DashboardBody);
  const widget = body.widgets.find((w) => w.properties && w.properties.title === d.title);
  assert.ok(widget, `widget "${d.title}" in the stored body`);
  const [ns, name] = METRIC.split(' ');
  const rows = resolveMetrics(widget.properties.metrics)
    .filter((r) => r.items[0] === ns && r.items[1] === name);
  assert.equal(rows.length, 1, 'the widget draws DatabaseConnections once');
  const { items, opts } = rows[0];
  assert.equal(opts.stat || widget.properties.stat, d.stat, 'the drawn stat is the widget\'s');
  const dims = [];
  for (let k = 2; k + 1 < items.length; k += 2) dims.push({ Name: items[k], Value: items[k + 1] });
  assert.ok(dims.length > 0, 'the metric has dimensions');
  const extended = /^(p|tm|tc|ts|wm|pr)\d/i.test(d.stat);
  const r = await cw.send(new GetMetricStatisticsCommand({
    Namespace: ns, MetricName: name, Dimensions: dims,
    StartTime: new Date(d.start * 1000), EndTime: new Date(d.end * 1000), Period: d.period,
    ...(extended ? { ExtendedStatistics: [d.stat] } : { Statistics: [d.stat] }),
  }));
  const pts = [...r.Datapoints].sort((a, b) => a.Timestamp - b.Timestamp);
  const value = (p) => (extended ? p.ExtendedStatistics[d.stat] : p[d.stat]);
  return { pts, value };
}

// The drawn last point equals GetMetricStatistics' newest datapoint; the counts agree.
async function assertLastPointMatches(p, label) {
  const d = await drawnConnections(p);
  assert.ok(d.points > 0, `${label}: the graph has points`);
  assert.equal(d.drawn, d.points, `${label}: data-points is the polyline's vertex count`);
  assert.ok(d.name && d.name.length > 0, `${label}: the graph has an accessible name`);
  const { pts, value } = await apiSeries(d);
  assert.equal(pts.length, d.points, `${label}: as many points as GetMetricStatistics`);
  const last = pts[pts.length - 1];
  assert.equal(Math.round(last.Timestamp.getTime() / 1000), Number(d.lastTs),
    `${label}: last timestamp`);
  assert.equal(value(last), Number(d.lastValue), `${label}: last value`);
  return d;
}

// The state the dashboard's alarm widget shows for the connections alarm (data-state and
// the written-out word must agree).
async function widgetAlarmState(p) {
  const li = p.locator(`section.widget[data-type="alarm"] li[data-alarm="${ALARM}"]`);
  assert.equal(await li.count(), 1, 'the alarm widget lists the connections alarm');
  const state = await li.getAttribute('data-state');
  const word = (await li.locator('.state').textContent()).trim();
  assert.equal(word, state, 'the state is written out');
  return state;
}

async function shot(p, name) {
  await p.screenshot({ path: path.join(ARTIFACTS, `${name}.png`), fullPage: true });
}

test('a trainee clicks from /console/ to GoldenPath-dev; the connections graph ends where '
  + 'GetMetricStatistics does', async () => {
  page = await ctx.newPage();
  const errors = [];
  page.on('pageerror', (e) => errors.push(String(e)));
  const res = await page.goto(url('/console/'));
  assert.equal(res.status(), 200);
  await checkA11y(page, 'home');
  await page.getByRole('link', { name: 'Dashboards', exact: true }).click();
  await page.waitForURL(/\/console\/dashboards\?team=/);
  assert.equal((await page.locator('h1').textContent()).trim(), 'Dashboards');
  await checkA11y(page, 'dashboards');
  await page.getByRole('link', { name: DASH, exact: true }).click();
  await page.waitForURL(new RegExp(`/console/dashboards/${DASH}\\?team=${TEAM}$`));
  assert.equal((await page.locator('h1').textContent()).trim(), DASH);
  const d = await assertLastPointMatches(page, 'dashboard');
  assert.equal(d.end - d.start, 3 * 3600, 'the body\'s -PT3H range');
  assert.equal(await widgetAlarmState(page), 'OK', 'the leak has not started yet');
  await checkA11y(page, 'dashboard');
  // the graphs fill their widgets: the svg is (nearly) as wide as its widget's content box
  const fill = await page.locator('section.widget svg.graph').evaluateAll((svgs) => svgs.map(
    (s) => {
      const w = s.closest('section.widget');
      const cs = getComputedStyle(w);
      const inner = w.clientWidth - parseFloat(cs.paddingLeft) - parseFloat(cs.paddingRight);
      return s.getBoundingClientRect().width / inner;
    }));
  assert.equal(fill.length, 5, 'five metric graphs');
  for (const f of fill) assert.ok(f > 0.95, `a graph fills ${Math.round(f * 100)}% of its widget`);
  assert.deepEqual(errors, [], 'no script errors');
});

test('with JavaScript disabled the dashboard still shows its graphs', async () => {
  staticPage = await noJs.newPage();
  const res = await staticPage.goto(url(`/console/dashboards/${DASH}?team=${TEAM}`));
  assert.equal(res.status(), 200);
  // the page's own script is there but does not run: nothing may depend on it
  assert.equal(await staticPage.locator('script[src]').count(), 1);
  const polylines = await staticPage.locator('svg.graph polyline.series').count();
  assert.ok(polylines >= 5, `${polylines} polylines without JavaScript`);
  const nonEmpty = await staticPage.locator('svg.graph polyline.series').evaluateAll(
    (ls) => ls.filter((l) => (l.getAttribute('points') || '').trim() !== '').length);
  assert.ok(nonEmpty >= 5, `${nonEmpty} polylines with points`);
  await assertLastPointMatches(staticPage, 'dashboard without JavaScript');
  assert.equal(await widgetAlarmState(staticPage), 'OK');
  await checkA11y(staticPage, 'dashboard without JavaScript');
});

test('the alarm widget shows ALARM after the clock advances: by live refresh, and on reload',
  async () => {
    const before = await drawnConnections(page);
    // marks this document: a navigation or reload would lose the mark
    await page.evaluate(() => { window.drillsimNoReload = 'still here'; });
    const navs = await page.evaluate(() => performance.getEntriesByType('navigation').length);
    await advance(600);
    // the static page cannot refresh itself: it still shows what it loaded
    assert.equal(await widgetAlarmState(staticPage), 'OK');
    // the live page: its script fetches the page every 10 s and swaps the grid
    const t0 = Date.now();
    await page.waitForFunction((name) => {
      const li = document.querySelector(`li[data-alarm="${name}"]`);
      return li && li.getAttribute('data-state') === 'ALARM';
    }, ALARM, { timeout: 25000, polling: 250 });
    const waited = Date.now() - t0;
    assert.equal(await page.evaluate(() => window.drillsimNoReload), 'still here',
      'the page was not reloaded');
    assert.equal(await page.evaluate(() => performance.getEntriesByType('navigation').length),
      navs);
    assert.equal(await widgetAlarmState(page), 'ALARM');
    const after = await assertLastPointMatches(page, 'dashboard after live refresh');
    assert.ok(Number(after.lastTs) >= Number(before.lastTs) + 540,
      `the graph moved on with the clock (${before.lastTs} -> ${after.lastTs})`);
    const status = (await page.locator('#refresh-status').textContent()).trim();
    assert.equal(status, '', 'no refresh error shown');
    const simTime = await page.locator('#sim-time').getAttribute('datetime');
    assert.match(simTime, /^2026-01-01T00:1\d:/, `the sim time was refreshed (${simTime})`);
    console.log(`live refresh showed ALARM after ${(waited / 1000).toFixed(1)} s`);
    // after a reload, on both pages
    await staticPage.reload();
    assert.equal(await widgetAlarmState(staticPage), 'ALARM', 'ALARM after reload (no JS)');
    await page.reload();
    assert.equal(await page.evaluate(() => window.drillsimNoReload), undefined, 'reloaded');
    assert.equal(await widgetAlarmState(page), 'ALARM', 'ALARM after reload');
    await assertLastPointMatches(page, 'dashboard after reload');
  });

// Finds the href of the first link on path's page whose href starts with prefix, or null when
// the page does not answer 200 (not built yet) or has no such link.
async function firstLink(p, listPath, prefix) {
  const res = await p.goto(url(listPath));
  if (res.status() !== 200) return null;
  const hrefs = await p.locator('main a[href]').evaluateAll(
    (as) => as.map((a) => a.getAttribute('href')));
  return hrefs.find((h) => h.startsWith(prefix)) || null;
}

test('screenshots of every page, each checked for accessibility', async () => {
  // five more minutes: the database is full and the app logs connection errors, so the
  // pictures show the incident (the log widget's and the Insights page's rows)
  await advance(300);
  const p = await ctx.newPage();
  const pages = [
    ['dashboard-1366x768', `/console/dashboards/${DASH}?team=${TEAM}`, true],
    ['alarms', `/console/alarms?team=${TEAM}`, true],
    ['drill', `/console/drill?team=${TEAM}`, true],
    ['home', `/console/?team=${TEAM}`, true],
    ['logs-insights', `/console/logs/insights?team=${TEAM}`, false],
  ];
  // the ECS service and RDS cluster pages: the first of each linked from their list pages
  const svc = await firstLink(p, `/console/ecs?team=${TEAM}`, '/console/ecs/service?');
  if (svc) pages.push(['ecs-service', svc, false]);
  const rds = await firstLink(p, `/console/rds?team=${TEAM}`, '/console/rds/cluster?');
  if (rds) pages.push(['rds-cluster', rds, false]);
  const taken = [];
  for (const [name, target, required] of pages) {
    const res = await p.goto(url(target));
    if (!required && res.status() !== 200) {
      console.log(`${target}: ${res.status()}, not screenshotted (not built yet)`);
      continue;
    }
    assert.equal(res.status(), 200, target);
    await shot(p, name);
    taken.push(name);
    await checkA11y(p, name);
  }
  await p.setViewportSize(PROJECTOR);
  await p.goto(url(`/console/dashboards/${DASH}?team=${TEAM}`));
  await shot(p, 'dashboard-1920x1080');
  taken.push('dashboard-1920x1080');
  console.log(`screenshots in ${ARTIFACTS}: ${taken.join(', ')}`);
  for (const n of ['dashboard-1366x768', 'dashboard-1920x1080', 'alarms', 'drill']) {
    assert.ok(existsSync(path.join(ARTIFACTS, `${n}.png`)), n);
  }
  await p.close();
});
