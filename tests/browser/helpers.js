// helpers.js — what the browser tests share: the stack's addresses, members, contexts, and the
// checks of what a person sees (controls visible and not covered, nothing wider than the screen,
// axe-core's accessibility rules, no script errors), with screenshots kept for review.
"use strict";

const assert = require("node:assert/strict");
const fs = require("node:fs");
const path = require("node:path");
const { chromium } = require("playwright-core");

const ROOT = path.resolve(__dirname, "..", "..");
const STACK_ENV = process.env.STACK_ENV || path.join(ROOT, "run", "stack.env");
const ENV = Object.fromEntries(fs.readFileSync(STACK_ENV, "utf8").split("\n")
  .filter((l) => l.includes("=") && !l.startsWith("#"))
  .map((l) => [l.slice(0, l.indexOf("=")), l.slice(l.indexOf("=") + 1).replace(/^"|"$/g, "")]));
const BASE_URL = ENV.BASE_URL;
const BUILD_DIR = process.env.BUILD_DIR || path.join(ROOT, "build");
const ARTIFACTS = path.join(BUILD_DIR, "test-artifacts");

const CHROMIUM = ["/usr/lib/chromium/chromium", "/usr/bin/chromium", "/usr/bin/chromium-browser"]
  .find((p) => fs.existsSync(p));

/* The two screens every journey is walked at. */
const DESKTOP = { width: 1280, height: 900 };
const PHONE = { width: 390, height: 844 };

function launch() {
  return chromium.launch({
    executablePath: process.env.CHROMIUM || CHROMIUM,
    headless: true,
    args: process.getuid && process.getuid() === 0 ? ["--no-sandbox"] : [],
  });
}

let serial = 0;

/* A new member, signed in through the API: their cookies for a browser context, their bearer
 * token, e-mail and id. */
async function member() {
  const email = `browser-${process.pid}-${Date.now()}-${serial++}@example.test`;
  const res = await fetch(BASE_URL + "/api/v1/auth/register", {
    method: "POST",
    headers: { "Content-Type": "application/json", "Cache-Control": "no-cache" },
    body: JSON.stringify({ email, password: "correct horse", name: "Browser Tester" }),
  });
  assert.equal(res.status, 201);
  const body = await res.json();
  const url = new URL(BASE_URL);
  const cookies = res.headers.getSetCookie().map((c) => {
    const [pair] = c.split(";");
    const i = pair.indexOf("=");
    return { name: pair.slice(0, i), value: pair.slice(i + 1), domain: url.hostname, path: "/" };
  });
  return { cookies, token: body.data.token, email, id: body.data.user.id };
}

/* Makes a member an admin with marquee-sync, as a sysadmin would. */
function makeAdmin(m) {
  const { execFileSync } = require("node:child_process");
  execFileSync(path.join(BUILD_DIR, "marquee-sync"), ["admin", m.email], {
    env: { ...process.env, MONGODB_URI: ENV.MONGODB_URI, MARQUEE_DB: ENV.MARQUEE_DB || "marquee" },
  });
}

/* Images come from our own host (/img/, nginx's cache of the stand-in's image host); a page that
 * still names TMDB's image host would fail here, as the CSP forbids it. */
async function newContext(browser, options = {}) {
  return browser.newContext({ baseURL: BASE_URL, ...options });
}

/* The cookie that shows a context's pages in lang ("en" or "fa"), as the footer's switch sets it. */
function languageCookie(lang) {
  return { name: "mq_lang", value: lang, url: BASE_URL };
}

/* Collects the page's script errors: console errors and uncaught exceptions. (Chromium also logs
 * every HTTP error status of a request as a console error; those are answers the tests expect,
 * such as a 400 for a refused review, and are left out.) */
function watchConsole(page) {
  const problems = [];
  page.on("console", (msg) => {
    if (msg.type() === "error" && !msg.text().startsWith("Failed to load resource: the server responded"))
      problems.push(`${msg.text()} (${msg.location().url})`);
  });
  page.on("pageerror", (err) => problems.push(String(err)));
  return problems;
}

/* The stand-in's control API (tests/tmdb-standin/README.md), beside its TMDB base URL. */
async function standin(method, urlPath, body) {
  const res = await fetch(ENV.TMDB_BASE_URL.replace(/\/3$/, "") + urlPath, {
    method, headers: { "Content-Type": "application/json" }, body: body === undefined ? undefined : JSON.stringify(body),
  });
  return res.json();
}

/* Asserts that a person can use the control: it is visible; scrolled to (as tabbing to it would)
 * it lies inside the viewport without a box that clips its content having to scroll (which is
 * how a control cut off below a card's edge shows itself); and the point a click lands on is the
 * control itself, not something over it. */
async function assertUsable(locator, what) {
  await locator.waitFor({ state: "attached", timeout: 5000 });
  assert.ok(await locator.isVisible(), `${what} is visible`);
  const verdict = await locator.evaluate((el) => {
    const clipping = [];
    for (let a = el.parentElement; a && a !== document.body; a = a.parentElement) {
      const s = getComputedStyle(a);
      if ([s.overflowX, s.overflowY].some((o) => o === "hidden" || o === "clip")) {
        a.scrollTop = 0;
        a.scrollLeft = 0;
        clipping.push(a);
      }
    }
    el.scrollIntoView({ block: "center", inline: "nearest" });
    const name = (a) => `${a.tagName.toLowerCase()}.${a.className}`;
    for (const a of clipping)
      if (a.scrollTop !== 0 || a.scrollLeft !== 0) return `it is cut off by ${name(a)}, which scrolls to show it`;
    const r = el.getBoundingClientRect();
    if (r.width < 1 || r.height < 1) return "it has no size";
    if (r.left < -0.5 || r.top < -0.5 || r.right > innerWidth + 0.5 || r.bottom > innerHeight + 0.5)
      return `it is outside the viewport (${Math.round(r.left)},${Math.round(r.top)} to ${Math.round(r.right)},${Math.round(r.bottom)})`;
    for (const a of clipping) {
      const b = a.getBoundingClientRect();
      if (r.bottom > b.bottom + 0.5 || r.top < b.top - 0.5 || r.right > b.right + 0.5 || r.left < b.left - 0.5)
        return `it is cut off by ${name(a)}`;
    }
    const hit = document.elementFromPoint(r.left + r.width / 2, r.top + r.height / 2);
    if (!hit || !(hit === el || el.contains(hit) || (el.labels && [...el.labels].includes(hit))))
      return `it is covered by ${hit ? name(hit) : "nothing"}`;
    return "";
  });
  assert.equal(verdict, "", `${what}: ${verdict}`);
}

/* Asserts that nothing makes the page wider than its viewport (no sideways scrolling). */
async function assertFits(page, what) {
  const { width, widest } = await page.evaluate(() => {
    const doc = document.documentElement;
    let widest = "";
    if (doc.scrollWidth > doc.clientWidth)
      for (const el of document.body.querySelectorAll("*")) {
        const r = el.getBoundingClientRect();
        if (r.right > doc.clientWidth + 0.5 && r.left < doc.clientWidth) { widest = `${el.tagName.toLowerCase()}.${el.className}`; break; }
      }
    return { width: doc.scrollWidth - doc.clientWidth, widest };
  });
  assert.equal(width, 0, `${what} is ${width}px wider than the screen (first overflowing: ${widest})`);
}

const AXE = fs.readFileSync(require.resolve("axe-core/axe.min.js"), "utf8");

/* Asserts that axe-core finds no violation of the WCAG 2.x A and AA rules (and its best
 * practices) on the page as it stands. */
async function assertAccessible(page, what) {
  if (!(await page.evaluate(() => typeof window.axe !== "undefined")))
    await page.evaluate(AXE); // through the debugger protocol: the page's CSP is not loosened
  const violations = await page.evaluate(async () => {
    const result = await window.axe.run(document, { resultTypes: ["violations"] });
    return result.violations.map((v) => `${v.id} (${v.impact}): ${v.nodes.slice(0, 3).map((n) => n.target.join(" ")).join(", ")}`);
  });
  assert.deepEqual(violations, [], `${what}: axe-core violations`);
}

/* Keeps a screenshot of the page under build/test-artifacts/ for a person to look at. */
async function screenshot(page, name) {
  fs.mkdirSync(ARTIFACTS, { recursive: true });
  await page.screenshot({ path: path.join(ARTIFACTS, name.replace(/[^A-Za-z0-9._-]+/g, "_") + ".png"), fullPage: true });
}

module.exports = {
  ROOT, ENV, BASE_URL, BUILD_DIR, ARTIFACTS, DESKTOP, PHONE,
  launch, member, makeAdmin, newContext, watchConsole, standin,
  assertUsable, assertFits, assertAccessible, screenshot, languageCookie,
};
