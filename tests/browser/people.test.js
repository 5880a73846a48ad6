// people — a visitor meets the people of the movies: from a movie's cast to the person's page
// (at 1280x900 and 390x844, in English and Persian, with JavaScript on and off), a person without
// a photo, the search page finding a person, and the /movies page filtered by an actor typed by
// name. On every page: nothing wider than the screen, axe-core clean, the controls used visible and
// not covered. Screenshots under build/test-artifacts/people/.
"use strict";

const { test, before, after } = require("node:test");
const assert = require("node:assert/strict");
const h = require("./helpers");

let browser;
before(async () => {
  browser = await h.launch();
  for (const id of [550, 603]) // Fight Club (Brad Pitt) and The Matrix in the catalogue
    assert.equal((await fetch(h.BASE_URL + `/api/v1/movies/${id}`, { headers: { "Cache-Control": "no-cache" } })).status, 200);
});
after(async () => { if (browser) await browser.close(); });

const SCREENS = { desktop: h.DESKTOP, phone: h.PHONE };

async function open(lang, screen, javaScriptEnabled) {
  const context = await h.newContext(browser, { viewport: SCREENS[screen], javaScriptEnabled });
  await context.addCookies([h.languageCookie(lang)]);
  return { context, page: await context.newPage() };
}

/* Nothing wider than the screen and axe-core clean. Without JavaScript the checks cannot run in
 * the page itself: a twin page, scripts refused, is given the same HTML at the same address and
 * checked instead (as journeys.test.js does). */
async function assertSound(page, js, screen, what) {
  if (js) {
    await h.assertFits(page, what);
    await h.assertAccessible(page, what);
    return;
  }
  const twinContext = await h.newContext(browser, { viewport: SCREENS[screen] });
  try {
    await twinContext.route("**/*.js", (route) => route.abort());
    const html = await page.content();
    await twinContext.route(page.url(), (route) => route.fulfill({ contentType: "text/html; charset=utf-8", body: html }));
    const twin = await twinContext.newPage();
    await twin.goto(page.url());
    await h.assertFits(twin, what);
    await h.assertAccessible(twin, what);
  } finally {
    await twinContext.close();
  }
}

/* Follows a link as a person does, and waits for the page it opens. */
async function follow(page, locator, what) {
  await h.assertUsable(locator, what);
  await Promise.all([page.waitForNavigation(), locator.click()]);
}

for (const lang of ["en", "fa"]) {
  for (const screen of ["desktop", "phone"]) {
    for (const js of [true, false]) {
      test(`a movie's cast links to the person's page (${lang}, ${screen}, JavaScript ${js ? "on" : "off"})`, async () => {
        const { context, page } = await open(lang, screen, js);
        const problems = h.watchConsole(page);
        await page.goto("/movies/550");
        await follow(page, page.locator('.cast a.person[href="/people/287"]'), "Brad Pitt in the cast");
        assert.match(page.url(), /\/people\/brad-pitt-287$/);
        assert.equal(await page.getAttribute("html", "dir"), lang === "fa" ? "rtl" : "ltr");
        assert.equal((await page.textContent("#person-name")).trim(), "Brad Pitt");
        await h.assertUsable(page.locator(".person-photo"), "the photo");
        const born = (await page.textContent(".person-facts time")).trim();
        assert.match(born, lang === "fa" ? /[۰-۹]{4}/ : /\b\d{4}\b/, "the birthday in the page's digits");
        assert.match(await page.textContent(".biography"), lang === "fa" ? /[\u0600-\u06ff]/ : /actor/);
        await assertSound(page, js, screen, `the person page (${lang}, ${screen})`);
        await h.screenshot(page, `people/person-${lang}-${screen}-${js ? "js" : "nojs"}`);
        // the filmography: Fight Club is a catalogue movie, opened by its slug
        const card = page.locator('#acting-title ~ .cards a[href="/movies/fight-club-1999"]');
        await follow(page, card, "Fight Club in the filmography");
        assert.match(page.url(), /\/movies\/fight-club-1999$/);
        // and the catalogue's movies with him
        await page.goBack();
        await follow(page, page.locator('a[href="/movies?actor=brad-pitt-287"]'), "the catalogue's movies with him");
        assert.equal(await page.locator('.cards a[href="/movies/fight-club-1999"]').count(), 1);
        assert.equal(await page.locator('.cards a[href="/movies/the-matrix-1999"]').count(), 0);
        await assertSound(page, js, screen, `the movies with Brad Pitt (${lang}, ${screen})`);
        assert.deepEqual(problems, []);
        await context.close();
      });
    }
  }
}

test("a person without a photo has a placeholder, not a broken image", async () => {
  for (const [lang, screen] of [["en", "phone"], ["fa", "desktop"]]) {
    const { context, page } = await open(lang, screen, true);
    await page.goto("/people/synthetic-actor-2000005");
    const placeholder = page.locator(".person-photo.no-photo");
    await h.assertUsable(placeholder, "the photo's placeholder");
    assert.equal(await page.locator("img.person-photo").count(), 0);
    assert.match(await placeholder.getAttribute("aria-label"), /Synthetic Actor 2000005/);
    await h.assertFits(page, `a person without a photo (${lang}, ${screen})`);
    await h.assertAccessible(page, `a person without a photo (${lang}, ${screen})`);
    await h.screenshot(page, `people/no-photo-${lang}-${screen}`);
    await context.close();
  }
});

test("the search page finds a person by name and opens their page", async () => {
  for (const [lang, screen] of [["en", "desktop"], ["fa", "phone"]]) {
    for (const js of [true, false]) {
      const { context, page } = await open(lang, screen, js);
      await page.goto("/search");
      await page.fill("#q", "pitt");
      await Promise.all([page.waitForNavigation(), page.press("#q", "Enter")]);
      const card = page.locator('.people-cards a[href="/people/brad-pitt-287"]');
      await h.assertUsable(card, "Brad Pitt's card");
      assert.match(await card.textContent(), /Brad Pitt/);
      await assertSound(page, js, screen, `search for a person (${lang}, ${screen})`);
      await h.screenshot(page, `people/search-${lang}-${screen}-${js ? "js" : "nojs"}`);
      await follow(page, card, "Brad Pitt's card");
      assert.match(page.url(), /\/people\/brad-pitt-287$/);
      await context.close();
    }
  }
});

test("the movies page filters by an actor typed by name", async () => {
  for (const [lang, screen] of [["en", "phone"], ["fa", "desktop"]]) {
    const { context, page } = await open(lang, screen, false);
    await page.goto("/movies");
    await h.assertUsable(page.locator("#actor"), "the actor field");
    await page.fill("#actor", "Brad Pitt");
    const apply = page.locator(".filters button[type=submit]");
    await h.assertUsable(apply, "Apply");
    await Promise.all([page.waitForNavigation(), apply.click()]);
    assert.equal(await page.locator('.cards a[href="/movies/fight-club-1999"]').count(), 1);
    assert.equal(await page.locator('.cards a[href="/movies/the-matrix-1999"]').count(), 0);
    assert.equal(await page.inputValue("#actor"), "Brad Pitt");
    await assertSound(page, false, screen, `movies with an actor (${lang}, ${screen})`);
    // a name nobody has: the field says so in place
    await page.fill("#actor", "Nobody Of That Name");
    await Promise.all([page.waitForNavigation(), apply.click()]);
    await h.assertUsable(page.locator(".field-error").first(), "the actor's problem");
    await h.screenshot(page, `people/movies-actor-${lang}-${screen}`);
    await context.close();
  }
});
