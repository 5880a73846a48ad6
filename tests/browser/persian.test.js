// persian — the public pages read in one language: a visitor and a member walk them in Persian
// (and a few in English) on a desktop screen and a phone, and every word and number a person
// reads is in the page's language. Screenshots under build/test-artifacts/persian/.
//
// What is checked, on the visible text of each page (text nodes that are shown, inside <body>):
//  - Persian pages: no Latin digit (0-9) and no Latin letter, except in what is not the site's
//    own words: titles of movies (.card-title, the movie's <h1> but its year, breadcrumbs, and
//    a title quoted «…» in a reason), names of people (.person, a person page's <h1>, a cast
//    member's character, a reviewer's name), what members and TMDB wrote (.review-text,
//    .overview, .original-title, .biography), US rating codes (.certification), the names of
//    streaming services (.provider), anything marked as another language (lang="en"), the
//    names "TMDB", "Marquee" and "JustWatch", and image formats (PNG, JPEG, WebP). Titles that
//    appear inside a sentence ("Movies like …") are the texts of those exempt elements on the
//    same page, and are taken out first; so is whatever the page isolated inside a sentence
//    (U+2068 … U+2069: the site inserts names and titles so, as in "as Tyler Durden" on a
//    person's filmography).
//  - Persian pages are right to left; no page is wider than the screen. The movie page's
//    sections of issue 20 and a person's page are walked with JavaScript off as well.
//  - English pages: no Persian letter or digit, with the same exceptions.
//  - Dates: on Persian pages a release date is "day month year (Gregorian year)" in the Solar
//    Hijri calendar and a review's date "day month year" (Persian month names and digits); on
//    English pages "12 March 2010".
//  - axe-core finds no violation; no script error.
"use strict";

const { test, before, after } = require("node:test");
const assert = require("node:assert/strict");
const h = require("./helpers");

let browser;
before(async () => {
  browser = await h.launch();
  /* more reviews of Forrest Gump than its reviews page holds, so that it has pages to number */
  const { meta } = await (await fetch(h.BASE_URL + "/api/v1/movies/13/reviews?limit=1")).json();
  for (let i = meta.total; i < 12; i++) {
    const m = await h.member();
    const res = await fetch(h.BASE_URL + "/api/v1/movies/13/rating", {
      method: "PUT", headers: { Authorization: "Bearer " + m.token, "Content-Type": "application/json" },
      body: JSON.stringify({ rating: 7, review: `Review number ${i}.` }),
    });
    assert.ok(res.ok, `review ${i}: ${res.status}`);
  }
});
after(async () => { if (browser) await browser.close(); });

const SCREENS = { desktop: h.DESKTOP, phone: h.PHONE };
const EXEMPT = [".card-title", ".no-poster", ".no-photo", ".person", ".cast .muted", ".original-title",
  ".certification", ".review-text", ".review-head strong", ".breadcrumb a", ".overview", ".brand",
  ".profile bdi", ".card-review", "#person-name", ".biography", ".provider"];
const ALLOWED_WORDS = ["TMDB", "Marquee", "JustWatch", "PNG", "JPEG", "WebP"];
const SOLAR_MONTHS = "فروردین|اردیبهشت|خرداد|تیر|مرداد|شهریور|مهر|آبان|آذر|دی|بهمن|اسفند";
const DATE = {
  fa: { release: new RegExp(`^[۰-۹]{1,2} (${SOLAR_MONTHS}) [۰-۹]{4} \\([۰-۹]{4}\\)$`),
    day: new RegExp(`^[۰-۹]{1,2} (${SOLAR_MONTHS}) [۰-۹]{4}$`) },
  en: { release: /^\d{1,2} (January|February|March|April|May|June|July|August|September|October|November|December) \d{4}$/,
    day: /^\d{1,2} (January|February|March|April|May|June|July|August|September|October|November|December) \d{4}$/ },
};

/* The page's visible text that is the site's own words: [{text, where}] (where: the element). */
function siteText(page, lang) {
  return page.evaluate(({ exempt, lang }) => {
    const exemptSel = exempt.join(",");
    const exemptEl = (el) => el.closest(exemptSel) ||
      (el.closest("#movie-title") && !el.closest(".year")) ||
      (el.closest("[lang]") && el.closest("[lang]").getAttribute("lang") !== lang);
    /* the exempt texts (titles and names), to be taken out of the sentences that quote them */
    const quoted = new Set();
    for (const el of document.querySelectorAll(exemptSel + ",#movie-title bdi"))
      if (el.textContent.trim().length > 1) quoted.add(el.textContent.trim());
    const out = [];
    const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
    for (let node = walker.nextNode(); node; node = walker.nextNode()) {
      const el = node.parentElement;
      if (!el || !node.textContent.trim() || el.closest("script, style, noscript, template, [hidden]")) continue;
      if (!el.checkVisibility({ checkOpacity: false, checkVisibilityCSS: true }) && !el.closest(".visually-hidden")) continue;
      if (exemptEl(el)) continue;
      let text = node.textContent.replace(/\u2068[^\u2069]*\u2069/g, " ");
      for (const q of [...quoted].sort((a, b) => b.length - a.length)) text = text.split(q).join(" ");
      text = text.replace(/«[^»]*»/g, " ");
      const where = el.tagName.toLowerCase() + (el.id ? "#" + el.id : "") + (el.className && typeof el.className === "string" ? "." + el.className.split(" ")[0] : "");
      out.push({ text: text.trim(), where });
    }
    /* what a person reads besides text nodes: alternative texts, labels read out, placeholders */
    for (const el of document.querySelectorAll("img[alt], [aria-label], input[placeholder], [title]")) {
      if (el.closest("[hidden]") || exemptEl(el)) continue;
      for (const attr of ["alt", "aria-label", "placeholder", "title"]) {
        let text = (el.getAttribute(attr) || "").replace(/\u2068[^\u2069]*\u2069/g, " ");
        if (!text.trim()) continue;
        for (const q of quoted) text = text.split(q).join(" ");
        out.push({ text: text.trim(), where: `${el.tagName.toLowerCase()}[${attr}]` });
      }
    }
    return out;
  }, { exempt: EXEMPT, lang });
}

/* Asserts that the page's own words are all in lang. */
async function assertOneLanguage(page, lang, what) {
  const bad = [];
  for (const { text, where } of await siteText(page, lang)) {
    let rest = text;
    for (const w of ALLOWED_WORDS) rest = rest.split(w).join(" ");
    if (lang === "fa" && /[0-9A-Za-z]/.test(rest)) bad.push(`${where}: ${JSON.stringify(text)}`);
    if (lang === "en" && /[\u0600-\u06FF]/.test(rest)) bad.push(`${where}: ${JSON.stringify(text)}`);
  }
  assert.deepEqual(bad, [], `${what}: text not in ${lang}`);
}

/* A member who rated and reviewed Forrest Gump, keeps Fight Club on their watchlist and history
 * and Forrest Gump in their favourites,
 * with favourite genres (for recommendations). */
async function memberWithActivity() {
  const m = await h.member();
  const call = async (method, path, body) => {
    const res = await fetch(h.BASE_URL + path, {
      method, headers: { Authorization: "Bearer " + m.token, "Content-Type": "application/json" },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    assert.ok(res.status < 300, `${method} ${path}: ${res.status}`);
  };
  await call("POST", "/api/v1/user/preferences", { genres: [18, 35] });
  await call("PUT", "/api/v1/movies/13/rating", { rating: 8.5, review: "A review written in the test." });
  await call("PUT", "/api/v1/users/me/watchlist", { movie_id: "550" });
  await call("POST", "/api/v1/users/me/favorites", { movie_id: "13" });
  await call("PUT", "/api/v1/interactions/watched/550");
  return m;
}

/* Opens each path (status: the one expected, 200 unless said) and checks it; with js false, the
 * pages as they come without site.js (an empty script in its place, so that the checks can still
 * run in the page). */
async function walk(name, { cookies = [], lang, screen, js = true }, steps) {
  const context = await h.newContext(browser, { viewport: SCREENS[screen] });
  await context.addCookies([...cookies, h.languageCookie(lang)]);
  if (!js) await context.route("**/*.js", (route) => route.fulfill({ contentType: "text/javascript", body: "" }));
  const page = await context.newPage();
  const problems = h.watchConsole(page);
  const failures = [];
  const check = async (fn) => { try { await fn(); } catch (e) { failures.push(e.message.split("\n").slice(0, 12).join("\n")); } };
  try {
    for (const step of steps) {
      const where = `${name} ${lang} ${screen}: ${step.path}`;
      const res = await page.goto(step.path);
      assert.equal(res.status(), step.status || 200, `${where} answers ${res.status()}`);
      /* what loads after the first paint (recommendations, reviews, similar movies) is in */
      if (js) await page.waitForFunction(() => !document.querySelector('[aria-busy="true"]'), null, { timeout: 10000 });
      if (step.action) await step.action(page);
      await h.screenshot(page, `persian/${name}-${lang}-${screen}${js ? "" : "-nojs"}-${step.path}${step.action ? "-after" : ""}`);
      await check(() => assertOneLanguage(page, lang, where));
      await check(async () => assert.equal(await page.getAttribute("html", "dir"), lang === "fa" ? "rtl" : "ltr", where));
      await check(() => h.assertFits(page, where));
      for (const [selector, kind] of step.dates || [])
        await check(async () => {
          const texts = await page.locator(selector).allTextContents();
          assert.ok(texts.length > 0, `${where}: no ${selector}`);
          for (const t of texts) assert.match(t.trim(), DATE[lang][kind], `${where}: ${selector}`);
        });
      if (step.expect) await check(() => step.expect(page, where));
      await check(() => h.assertAccessible(page, where));
    }
    if (problems.length) failures.push(`script errors: ${problems.join("; ")}`);
    assert.deepEqual(failures, [], `${name} ${lang} ${screen}`);
  } finally {
    await context.close();
  }
}

/* The review form refuses a review too long, in the page's words, in place (site.js) */
async function refuseLongReview(page) {
  await page.evaluate(() => document.querySelector("#review").removeAttribute("maxlength"));
  await page.fill("#review", "x".repeat(2001));
  await page.click(".review-form button[type=submit]");
  await page.locator("#review-error").filter({ hasText: /./ }).waitFor({ timeout: 5000 });
}

/* The movie page's sections of issue 20 are there and in the page's numbers */
async function richerMoviePage(page, where) {
  for (const sel of [".tagline", ".crew", ".more-facts", ".trailer", ".collection .card"])
    assert.ok(await page.locator(sel).first().isVisible(), `${where}: ${sel} shown`);
  const years = await page.locator(".collection .card-meta").allTextContents();
  assert.ok(years.length > 0, `${where}: the collection's parts`);
  const fa = await page.getAttribute("html", "lang") === "fa";
  for (const t of years) assert.match(t, fa ? /^[۰-۹]{4}/ : /^\d{4}/, `${where}: a part's year in the page's digits`);
}

/* A person's page: their filmography as cards, each with a role, in the page's digits */
async function personPage(page, where) {
  assert.ok(await page.locator("#acting-title ~ .cards .card").count() > 0, `${where}: the filmography`);
  const fa = await page.getAttribute("html", "lang") === "fa";
  const metas = await page.locator(".card-meta").allTextContents();
  for (const t of metas) if (t.trim()) assert.doesNotMatch(t, fa ? /[0-9]/ : /[۰-۹]/, `${where}: ${t}`);
  const reason = (await page.locator(".card-reason").first().textContent()).trim();
  assert.match(reason, fa ? /^در نقش / : /^as /, `${where}: the role in the page's words`);
}

function visitorSteps() {
  return [
    { path: "/" },
    { path: "/movies?genre=drama&sort=rating&order=asc" },
    { path: "/movies?year=19x9&minRating=11", status: 400,
      expect: async (page, where) => assert.equal(await page.locator(".field-error").count(), 2, `${where}: both filters refused`) },
    { path: "/movies?genre=drama&limit=1&page=2",
      expect: async (page, where) => assert.match(await page.locator(".pagination span").textContent(), /^صفحهٔ ۲ از [۰-۹]+$|^Page 2 of \d+$/, where) },
    { path: "/search?q=fight" },
    { path: "/genres" },
    { path: "/genres/drama" },
    { path: "/movies/550", dates: [[".facts time", "release"]] },
    { path: "/movies/13/reviews?page=2", dates: [[".review-head time", "day"]],
      expect: async (page, where) => assert.ok(await page.locator(".pagination span").isVisible(), `${where}: pages numbered`) },
    { path: "/movies/550/similar" },
    /* the richer movie page: tagline, key crew, countries and languages, trailer, where to watch
     * (a visitor's Persian page: Iran's, which TMDB has none for), the collection */
    { path: "/movies/603", dates: [[".facts time", "release"]], expect: richerMoviePage },
    { path: "/people/brad-pitt-287", dates: [[".person-facts time", "release"]], expect: personPage },
    { path: "/search?q=brad" },
    { path: "/movies?actor=brad-pitt-287" },
    { path: "/no-such-page", status: 404 },
    { path: "/movies/999999999", status: 404 },
    { path: "/genres/no-such-genre", status: 404 },
  ];
}

function memberSteps() {
  return [
    { path: "/" },
    { path: "/movies/550", dates: [[".facts time", "release"]] },
    { path: "/movies/13", dates: [[".facts time", "release"], [".reviews .review-head time", "day"]] },
    { path: "/movies/13", action: refuseLongReview,
      expect: async (page, where) => assert.equal(page.url(), h.BASE_URL + "/movies/13", `${where}: shown in place`) },
    { path: "/me" },
    { path: "/me/watchlist" },
    { path: "/me/favorites" },
    { path: "/me/ratings" },
    { path: "/me/history" },
    { path: "/me/recommendations" },
    { path: "/me/settings" },
    { path: "/logout" },
  ];
}

for (const screen of ["desktop", "phone"]) {
  test(`a visitor reads the site in Persian (${screen})`, async () => {
    await walk("visitor", { lang: "fa", screen }, visitorSteps());
  });
  test(`a member reads their pages in Persian (${screen})`, async () => {
    const m = await memberWithActivity();
    await walk("member", { cookies: m.cookies, lang: "fa", screen }, memberSteps());
  });
}

test("the same pages in English have no Persian, and English dates (desktop)", async () => {
  const m = await memberWithActivity();
  await walk("visitor", { lang: "en", screen: "desktop" }, visitorSteps());
  await walk("member", { cookies: m.cookies, lang: "en", screen: "desktop" }, memberSteps());
});

test("the movie page's new sections and a person's page in Persian without JavaScript", async () => {
  const steps = visitorSteps().filter((s) => s.path === "/movies/603" || s.path.startsWith("/people/"));
  assert.equal(steps.length, 2);
  for (const screen of ["desktop", "phone"]) await walk("visitor", { lang: "fa", screen, js: false }, steps);
});

test("a refused review post without JavaScript says its problems in Persian", async () => {
  const m = await h.member();
  const context = await h.newContext(browser, { viewport: h.PHONE, javaScriptEnabled: false });
  await context.addCookies([...m.cookies, h.languageCookie("fa")]);
  const page = await context.newPage();
  await page.goto("/movies/603");
  const loaded = page.waitForEvent("load");
  await page.click(".review-form button[type=submit]"); // no star chosen
  await loaded;
  assert.equal(await page.textContent("#rating-error"), "این مورد لازم است.");
  await h.screenshot(page, "persian/review-refused-fa-phone-nojs");
  await assertOneLanguage(page, "fa", "refused review (no JavaScript)");
  await context.close();
});
