// moviepage — the richer movie page as people meet it (issue 20): The Matrix (603) with its
// tagline, key crew, trailer, where to watch and collection, in English and Persian, on a desktop
// screen and a phone, with JavaScript on and off. Before the visitor plays the trailer no request
// goes anywhere but this site; playing it puts YouTube's privacy-enhanced player in the trailer's
// box without moving anything. Screenshots are kept under build/test-artifacts/.
"use strict";

const { test, before, after } = require("node:test");
const assert = require("node:assert/strict");
const h = require("./helpers");

let browser;
before(async () => { browser = await h.launch(); });
after(async () => { if (browser) await browser.close(); });

const SCREENS = { desktop: h.DESKTOP, phone: h.PHONE };
const SITE = new URL(h.BASE_URL).origin;

/* A page of the movie with every request it makes recorded; the player's requests answered here
 * with an empty page (the test machine has no way out, and the test is about when they happen). */
async function open(lang, screen, { js = true } = {}) {
  const context = await h.newContext(browser, { viewport: SCREENS[screen] });
  await context.addCookies([h.languageCookie(lang)]);
  if (!js) await context.route("**/*.js", (route) => route.abort()); // site.js refused: the page as it comes
  await context.route("https://www.youtube-nocookie.com/**", (route) =>
    route.fulfill({ status: 200, contentType: "text/html", body: "<!doctype html><title>player</title>" }));
  const page = await context.newPage();
  const requests = [];
  page.on("request", (r) => requests.push(r.url()));
  const problems = h.watchConsole(page);
  const res = await page.goto("/movies/603");
  assert.equal(res.status(), 200);
  await page.waitForLoadState("load");
  return { context, page, requests, problems };
}

const elsewhere = (requests) => requests.filter((u) => new URL(u).origin !== SITE);

for (const lang of ["en", "fa"]) {
  for (const screen of Object.keys(SCREENS)) {
    test(`movie page ${lang} ${screen}: sections, fit, axe, and the trailer plays only when asked`, async () => {
      const { context, page, requests, problems } = await open(lang, screen);
      try {
        await page.locator(".tagline").waitFor();
        for (const sel of [".crew", ".trailer", ".collection"])
          assert.ok(await page.locator(sel).isVisible(), `${sel} is shown`);
        // where to watch: the US's for an English page, none for Iran (the Persian page's region)
        assert.equal(await page.locator("section.watch").count(), lang === "en" ? 1 : 0);
        if (lang === "en") await h.assertUsable(page.locator(".watch-source a").first(), "the offers link");
        await h.assertUsable(page.locator(".crew a.person").first(), "a crew member's link");
        await h.assertUsable(page.locator(".collection .card a").first(), "a part of the collection");
        await h.assertFits(page, `movie ${lang} ${screen}`);
        await h.assertAccessible(page, `movie ${lang} ${screen}`);
        await h.screenshot(page, `moviepage-${lang}-${screen}`);

        assert.deepEqual(elsewhere(requests), [], "nothing but this site before the visitor plays the trailer");
        assert.equal(await page.locator("iframe").count(), 0);
        const play = page.locator(".trailer-play");
        assert.equal(await play.getAttribute("role"), "button", "site.js makes the link a button");
        assert.match(await play.innerText(), lang === "en" ? /Play the trailer/ : /پخش آنونس/);
        await h.assertUsable(play, "the trailer's play button");
        const box = await page.locator(".trailer-frame").boundingBox();
        const below = await page.locator(".trailer-note").boundingBox();
        await play.click();

        const frame = page.locator(".trailer-frame iframe");
        await frame.waitFor();
        assert.match(await frame.getAttribute("src"), /^https:\/\/www\.youtube-nocookie\.com\/embed\/[A-Za-z0-9_-]+\?autoplay=1$/);
        assert.match(await frame.getAttribute("title"), lang === "en" ? /^Trailer: / : /^آنونس: /);
        assert.deepEqual(await page.locator(".trailer-frame").boundingBox(), box, "the player takes the picture's box");
        assert.deepEqual(await page.locator(".trailer-note").boundingBox(), below, "nothing below moves");
        await page.waitForTimeout(200);
        const hosts = new Set(elsewhere(requests).map((u) => new URL(u).origin));
        assert.deepEqual([...hosts], ["https://www.youtube-nocookie.com"], "after the click: the player's origin only");
        await h.assertAccessible(page, `movie ${lang} ${screen} playing`);
        assert.deepEqual(problems, []);
      } finally {
        await context.close();
      }
    });
  }
}

test("movie page without JavaScript: the trailer is a link to YouTube, everything else is there", async () => {
  for (const screen of Object.keys(SCREENS)) {
    const { context, page, requests } = await open("en", screen, { js: false });
    try {
      const play = page.locator(".trailer-play");
      assert.match(await play.getAttribute("href"), /^https:\/\/www\.youtube\.com\/watch\?v=[A-Za-z0-9_-]+$/);
      assert.equal(await play.getAttribute("role"), null);
      await h.assertUsable(play, "the trailer link");
      for (const sel of [".tagline", ".crew", "section.watch", ".collection"])
        assert.ok(await page.locator(sel).isVisible(), `${sel} is shown`);
      await h.assertFits(page, `movie no-js ${screen}`);
      await h.assertAccessible(page, `movie no-js ${screen}`);
      await h.screenshot(page, `moviepage-nojs-${screen}`);
      assert.deepEqual(elsewhere(requests), []);
      assert.equal(await page.locator("iframe").count(), 0);
    } finally {
      await context.close();
    }
  }
});

test("keyboard: Space on the focused play button starts the player", async () => {
  const { context, page } = await open("en", "desktop");
  try {
    await page.locator(".trailer-play").focus();
    await page.keyboard.press(" ");
    await page.locator(".trailer-frame iframe").waitFor();
    assert.equal(await page.evaluate(() => document.activeElement.tagName), "IFRAME", "focus moves to the player");
  } finally {
    await context.close();
  }
});
