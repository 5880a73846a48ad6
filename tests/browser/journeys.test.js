// journeys — the pages as people meet them: a visitor, a member and an admin walk the site in
// English and Persian, on a desktop screen and a phone, with JavaScript on (and the member also
// with it off). On every page: nothing is wider than the screen, axe-core finds nothing, there
// is no script error, and every control the journey uses can be seen and clicked. Screenshots of
// every step are kept under build/test-artifacts/journeys/.
"use strict";

const { test, before, after } = require("node:test");
const assert = require("node:assert/strict");
const h = require("./helpers");

let browser;
before(async () => { browser = await h.launch(); });
after(async () => { if (browser) await browser.close(); });

const SCREENS = { desktop: h.DESKTOP, phone: h.PHONE };

/* Opens each step's page and checks it; a step may name controls (selectors; the first match
 * each) that must be usable, and an action run after the checks. */
async function walk(name, { cookies = [], lang, screen, js = true, theme = "light" }, steps) {
  const context = await h.newContext(browser, { viewport: SCREENS[screen], javaScriptEnabled: js });
  const url = new URL(h.BASE_URL);
  await context.addCookies([...cookies, h.languageCookie(lang),
    { name: "mq_theme", value: theme, domain: url.hostname, path: "/" }]);
  const page = await context.newPage();
  const problems = h.watchConsole(page);
  /* Without JavaScript the checks cannot run in the page itself: a twin page, scripts refused,
   * is given the same HTML at the same address, and checked instead. */
  const twinContext = js ? null : await h.newContext(browser, { viewport: SCREENS[screen] });
  const twin = twinContext ? await twinContext.newPage() : null;
  if (twinContext) await twinContext.route("**/*.js", (route) => route.abort());
  const failures = []; // every check runs: one walk reports everything that is wrong
  const check = async (fn) => { try { await fn(); } catch (e) { failures.push(e.message.split("\n")[0] + (e.actual ? " " + JSON.stringify(e.actual) : "")); } };
  try {
    for (const step of steps) {
      const where = `${name} ${lang} ${screen}${js ? "" : " no-js"}${theme === "dark" ? " dark" : ""}: ${step.path}`;
      const res = await page.goto(step.path);
      assert.ok(res.status() < 400, `${where} answers ${res.status()}`);
      if (js) await page.waitForLoadState("networkidle");
      let seen = page;
      if (twin) {
        const html = await page.content();
        await twinContext.unroute(page.url()).catch(() => {});
        await twinContext.route(page.url(), (route) => route.fulfill({ contentType: "text/html; charset=utf-8", body: html }));
        await twin.goto(page.url());
        seen = twin;
      }
      await h.screenshot(seen, `journeys/${name}-${lang}-${screen}${js ? "" : "-nojs"}${theme === "dark" ? "-dark" : ""}-${step.path}`);
      await check(() => h.assertFits(seen, where));
      for (const selector of (js ? step.controls : step.nojs ?? step.controls) || [])
        await check(async () => {
          try { await h.assertUsable(seen.locator(selector).first(), `${where}: ${selector}`); } catch (e) {
            throw new Error(e.message.startsWith(where) ? e.message : `${where}: ${selector}: ${e.message}`);
          }
        });
      await check(() => h.assertAccessible(seen, where));
      if (step.action) await step.action(page, js);
    }
    if (problems.length) failures.push(`script errors: ${problems.join("; ")}`);
    assert.deepEqual(failures, [], `${name} ${lang} ${screen}${js ? "" : " no-js"}`);
  } finally {
    await context.close();
    if (twinContext) await twinContext.close();
  }
}

/* A member with favourite genres: their recommendations have something to show. */
async function memberWithTastes() {
  const m = await h.member();
  const res = await fetch(h.BASE_URL + "/api/v1/user/preferences", {
    method: "POST", headers: { Authorization: "Bearer " + m.token, "Content-Type": "application/json" },
    body: JSON.stringify({ genres: [18, 35] }),
  });
  assert.equal(res.status, 200);
  return m;
}

const HEADER = ["header .brand", "header a[href='/search'], header input[name=q]"];

function visitorSteps() {
  return [
    { path: "/", controls: [...HEADER, "main li.card a"] },
    { path: "/movies", controls: ["main li.card a", ".filters button"] },
    { path: "/movies/550", controls: ["h1"] },
    { path: "/search?q=fight" },
    { path: "/genres", controls: [".genre-links a"] },
    { path: "/login", controls: ["input[name=email]", "input[name=password]", "form button[type=submit]"] },
    { path: "/register", controls: ["input[name=email]", "form button[type=submit]"] },
  ];
}

function memberSteps() {
  return [
    { path: "/movies/550", controls: ['.movie-actions button[data-list="watchlist"]', '.movie-actions button[data-list="favorite"]',
      "label[for=star-7]", "#review", ".review-form button[type=submit]"],
      action: async (page, js) => {
        const click = page.locator('.movie-actions button[data-list="watchlist"]').click();
        await (js ? click : Promise.all([page.waitForEvent("load"), click]));
        await page.waitForLoadState("networkidle");
      } },
    { path: "/", controls: ["main li.card .card-actions button", "main li.card .card-reason", "main li.card button.not-interested, main li.card .not-interested button"],
      nojs: ["main li.card a"] },
    { path: "/me/watchlist", controls: ["main li.card a", "main li.card .card-actions button"] },
    { path: "/me/recommendations", controls: ["main li.card .card-actions button", "main li.card .not-interested button, main li.card button.not-interested"] },
    { path: "/me" },
    { path: "/me/settings", controls: ["form button[type=submit]"] },
  ];
}

function adminSteps() {
  return [
    { path: "/admin", controls: [".admin-nav a"] },
    { path: "/admin/movies", controls: ["main table a"] },
    { path: "/admin/users" },
    { path: "/admin/audit" },
    { path: "/admin/sync" },
    { path: "/admin/notifications" },
  ];
}

for (const lang of ["en", "fa"])
  for (const screen of ["desktop", "phone"]) {
    test(`a visitor browses (${lang}, ${screen})`, async () => {
      await walk("visitor", { lang, screen }, visitorSteps());
    });
    test(`a member uses their lists (${lang}, ${screen})`, async () => {
      const m = await memberWithTastes();
      await walk("member", { cookies: m.cookies, lang, screen }, memberSteps());
    });
    test(`an admin looks after the catalogue (${lang}, ${screen})`, async () => {
      const m = await h.member();
      h.makeAdmin(m);
      await walk("admin", { cookies: m.cookies, lang, screen }, adminSteps());
    });
  }

for (const screen of ["desktop", "phone"])
  test(`a member without JavaScript (en, ${screen})`, async () => {
    const m = await memberWithTastes();
    await walk("member", { cookies: m.cookies, lang: "en", screen, js: false }, memberSteps());
  });

for (const [lang, screen] of [["en", "desktop"], ["fa", "phone"]])
  test(`a member in the dark theme (${lang}, ${screen})`, async () => {
    const m = await memberWithTastes();
    await walk("member", { cookies: m.cookies, lang, screen, theme: "dark" }, memberSteps());
  });
