// site — what the walk-through of the site found broken, each as a person meets it: sessions
// ended elsewhere, card controls, "not interested", lists kept apart, the review box.
"use strict";

const { test, before, after } = require("node:test");
const assert = require("node:assert/strict");
const h = require("./helpers");

let browser;
before(async () => { browser = await h.launch(); });
after(async () => { if (browser) await browser.close(); });

async function signedIn(options = {}) {
  const m = await h.member();
  const context = await h.newContext(browser, options);
  await context.addCookies(m.cookies);
  return { m, context };
}

async function logoutEverywhere(token) {
  const res = await fetch(h.BASE_URL + "/api/v1/auth/logout", {
    method: "POST", headers: { Authorization: "Bearer " + token, "Content-Type": "application/json" }, body: "{}",
  });
  assert.equal(res.status, 200);
}

const NOTICE = /You have been signed out: your session was ended on another device, or it expired/;

test("a session ended on another device signs the browser out, with a notice and no redirect loop", async () => {
  for (const javaScriptEnabled of [true, false]) {
    const { m, context } = await signedIn({ javaScriptEnabled });
    const page = await context.newPage();
    // the open page's live stream would hear of the logout first: here the next page does
    await page.route("**/live", (route) => route.abort());
    await page.goto("/movies/550");
    await logoutEverywhere(m.token);
    // a member's page sends the browser to the login form once, which says why
    const res = await page.goto("/me/watchlist");
    assert.equal(res.status(), 200);
    assert.match(page.url(), /\/login\?next=%2Fme%2Fwatchlist$/);
    assert.match(await page.textContent("main"), NOTICE);
    assert.ok(!(await context.cookies()).some((c) => c.name === "mq_session"), "the dead session's cookie is gone");
    assert.equal(await page.locator('header a[href="/login"]').count() > 0, true, "shown as a visitor");
    await page.goto("/movies");
    assert.doesNotMatch(await page.textContent("main"), NOTICE, "said once");
    await context.close();
  }
});

test("a toggle clicked after the session ended elsewhere shows the visitor signed out, saying why", async () => {
  const { m, context } = await signedIn();
  const page = await context.newPage();
  // the page's live stream, closed by the logout, would tell it first: here the toggle does
  await page.route("**/live", (route) => route.abort());
  await page.goto("/movies/550");
  await page.waitForLoadState("networkidle");
  await logoutEverywhere(m.token);
  await Promise.all([page.waitForEvent("load"), page.click('.movie-actions button[data-list="watchlist"]')]);
  assert.match(await page.textContent("main"), NOTICE);
  assert.equal(await page.locator(".movie-actions").count(), 0, "no member controls for a visitor");
  await context.close();
});

/* A member with favourite genres, so that recommendations have something to say. */
async function memberWithTastes(options) {
  const { m, context } = await signedIn(options);
  const res = await fetch(h.BASE_URL + "/api/v1/user/preferences", {
    method: "POST", headers: { Authorization: "Bearer " + m.token, "Content-Type": "application/json" },
    body: JSON.stringify({ genres: [18, 35] }),
  });
  assert.equal(res.status, 200);
  return { m, context };
}

async function listsOf(token) {
  const res = await fetch(h.BASE_URL + "/api/v1/lists", { headers: { Authorization: "Bearer " + token } });
  return (await res.json()).data.movies;
}

test("'Not interested' on the recommendations page turns a movie down, with JavaScript and without", async () => {
  for (const javaScriptEnabled of [true, false]) {
    const { m, context } = await memberWithTastes({ javaScriptEnabled });
    const page = await context.newPage();
    const problems = h.watchConsole(page);
    await page.goto("/me/recommendations");
    const cards = page.locator("main li.card");
    const before = await cards.count();
    assert.ok(before > 0);
    const button = cards.first().locator(".not-interested button");
    await h.assertUsable(button, "Not interested");
    if (javaScriptEnabled) {
      await button.click();
      await page.waitForFunction((n) => document.querySelectorAll("main li.card").length === n - 1, before, { timeout: 5000 });
    } else {
      await Promise.all([page.waitForEvent("load"), button.click()]);
      assert.match(page.url(), /\/me\/recommendations$/);
    }
    assert.equal((await listsOf(m.token)).filter((x) => x.disliked).length, 1);
    assert.deepEqual(problems, []);
    await context.close();
  }
});

async function rate(token, movie, body) {
  const res = await fetch(`${h.BASE_URL}/api/v1/movies/${movie}/rating`, {
    method: "PUT", headers: { Authorization: "Bearer " + token, "Content-Type": "application/json" }, body: JSON.stringify(body),
  });
  assert.ok(res.ok, `rating saved (${res.status})`);
}

async function myRating(token, movie) {
  const res = await fetch(`${h.BASE_URL}/api/v1/movies/${movie}/rating`, { headers: { Authorization: "Bearer " + token } });
  return (await res.json()).data.my_rating;
}

test("the review box holds your saved review, so saving a new star keeps it", async () => {
  for (const javaScriptEnabled of [true, false]) {
    const { m, context } = await signedIn({ javaScriptEnabled });
    const review = `Worth it for the ending (${Date.now()}).`;
    await rate(m.token, 13, { rating: 6, review });
    const page = await context.newPage();
    await page.goto("/movies/13");
    assert.equal(await page.inputValue("#review"), review);
    await page.click("label[for=star-8]");
    if (javaScriptEnabled) {
      await page.locator(".form-status").filter({ hasText: "Saved." }).waitFor({ timeout: 5000 });
      await page.click(".review-form button[type=submit]:not([name])");
      await page.locator(".form-status").filter({ hasText: "Saved." }).waitFor({ timeout: 5000 });
    } else {
      await Promise.all([page.waitForEvent("load"), page.click(".review-form button[type=submit]:not([name])")]);
      assert.equal(await page.inputValue("#review"), review);
    }
    const mine = await myRating(m.token, 13);
    assert.equal(mine.rating, 8);
    assert.equal(mine.review, review);
    await context.close();
  }
});

test("a member can remove their rating and review, with JavaScript and without", async () => {
  for (const javaScriptEnabled of [true, false]) {
    const { m, context } = await signedIn({ javaScriptEnabled });
    await rate(m.token, 680, { rating: 9, review: "Royale with cheese." });
    const page = await context.newPage();
    await page.goto("/movies/680");
    const remove = page.locator(".review-form button[name=remove]");
    await h.assertUsable(remove, "Remove my rating");
    if (javaScriptEnabled) {
      await remove.click();
      await page.locator(".form-status").filter({ hasText: "removed" }).waitFor({ timeout: 5000 });
      assert.equal(await page.inputValue("#review"), "");
      // the lists the page asked for on load may answer after the removal: the next answer wins
      await page.waitForFunction(() => document.querySelector(".review-form button[name=remove]").hidden, null, { timeout: 5000 });
    } else {
      await Promise.all([page.waitForEvent("load"), remove.click()]);
      assert.equal(await page.locator(".review-form button[name=remove]").isHidden(), true);
    }
    assert.equal(await myRating(m.token, 680), null);
    await context.close();
  }
});

test("arrow keys move along the stars and save once, where the member stops", async () => {
  const { m, context } = await signedIn();
  const page = await context.newPage();
  let saves = 0;
  page.on("request", (r) => { if (r.method() === "PUT" && r.url().endsWith("/rating")) saves++; });
  await page.goto("/movies/603");
  await page.click("label[for=star-5]");
  await page.locator(".form-status").filter({ hasText: "Saved." }).waitFor({ timeout: 5000 });
  saves = 0;
  for (let i = 0; i < 3; i++) await page.keyboard.press(page.url().includes("fa") ? "ArrowLeft" : "ArrowRight");
  await page.waitForTimeout(2000);
  assert.equal(saves, 1, "one save for three key presses");
  assert.equal((await myRating(m.token, 603)).rating, 8);
  await context.close();
});

test("on a phone a movie's title is on the first screen, in English and Persian", async () => {
  for (const lang of ["en", "fa"]) {
    const context = await h.newContext(browser, { viewport: h.PHONE });
    await context.addCookies([h.languageCookie(lang)]);
    const page = await context.newPage();
    await page.goto("/movies/550");
    const box = await page.locator("main h1").boundingBox();
    assert.ok(box && box.y + box.height <= h.PHONE.height / 2, `${lang}: the title ends at ${box && box.y + box.height}px`);
    await context.close();
  }
});

test("a poster that fails to load gives way to a placeholder (initials and title on the genre's colour), and nothing moves", async () => {
  const context = await h.newContext(browser, { viewport: h.PHONE });
  await context.route("**/img/**", (route) => route.fulfill({ status: 404, body: "" }));
  const page = await context.newPage();
  const problems = h.watchConsole(page);
  await page.goto("/movies/550");
  await page.waitForLoadState("networkidle");
  assert.equal(await page.locator("main img").evaluateAll((imgs) => imgs.filter((i) => i.complete && i.naturalWidth === 0).length), 0,
    "no broken image is left on the page");
  const poster = page.locator(".movie-head .no-poster");
  assert.match(await poster.textContent(), /Fight Club/);
  assert.equal(await poster.locator(".ph-initials").textContent(), "F\u200cC", "the title's initials");
  const box = await poster.boundingBox();
  assert.ok(box.height > box.width * 1.4, "the placeholder keeps the poster's shape");
  const colour = (l) => l.evaluate((e) => getComputedStyle(e).getPropertyValue("--genre").trim());
  assert.equal(await colour(poster), "#1f4e8c", "Drama's colour");
  await h.assertAccessible(page, "a movie page without its images");
  await h.screenshot(page, "placeholder-movie-phone");
  // the cards of a list: each its title's initials on its genre's colour
  await page.goto("/movies");
  await page.waitForLoadState("networkidle");
  const cards = page.locator(".cards .card .no-poster");
  assert.ok(await cards.count() > 3);
  for (const card of (await cards.all()).slice(0, 4)) {
    assert.ok((await card.locator(".ph-initials").textContent()).length > 0);
    assert.notEqual(await colour(card), "", "a genre's colour or the neutral one");
  }
  await h.assertFits(page, "cards without posters");
  await h.assertAccessible(page, "cards without posters");
  await h.screenshot(page, "placeholder-cards-phone");
  assert.deepEqual(problems.filter((p) => !p.includes("Failed to load resource")), []);
  await context.close();
});

test("the admin's users page shows each user's real role, and no role menu on your own row", async () => {
  const admin = await h.member();
  h.makeAdmin(admin);
  const other = await h.member();
  h.makeAdmin(other);
  const context = await h.newContext(browser);
  await context.addCookies(admin.cookies);
  const page = await context.newPage();
  await page.goto(`/admin/users?q=${encodeURIComponent(other.email)}`);
  assert.equal(await page.locator(`#role-${other.id}`).inputValue(), "admin", "an admin is shown as one: Set keeps it");
  await page.goto(`/admin/users?q=${encodeURIComponent(admin.email)}`);
  assert.equal(await page.locator(`#role-${admin.id}`).count(), 0, "no menu to change your own role");
  // a form posted anyway is refused in words, on the page
  const csrf = await page.locator("meta[name=csrf-token]").getAttribute("content");
  const res = await page.request.post(`/admin/users/${admin.id}/role`, { form: { _csrf: csrf, role: "user" } });
  assert.equal(res.status(), 422);
  assert.match(await res.text(), /You cannot change your own role/);
  await context.close();
});

test("a movie page says its original title only when it differs, and counts one member rating as one", async () => {
  const m = await h.member();
  const put = await fetch(`${h.BASE_URL}/api/v1/movies/550/rating`, {
    method: "PUT", headers: { Authorization: "Bearer " + m.token, "Content-Type": "application/json" }, body: JSON.stringify({ rating: 7 }),
  });
  assert.ok(put.ok);
  const context = await h.newContext(browser);
  // past nginx's micro-cache, which may hold the page a visitor saw a moment before this rating
  await context.setExtraHTTPHeaders({ "Cache-Control": "no-cache" });
  const page = await context.newPage();
  await page.goto("/movies/550", { waitUntil: "domcontentloaded" });
  assert.equal(await page.locator(".original-title").count(), 0, "Fight Club is Fight Club");
  // the count as the page says it (other tests rate Fight Club meanwhile, so another read may
  // already say more, or a moment less: a rating's write reaches the movie before the catalogue
  // version that announces it): one is "rating", more are "ratings"
  const text = await page.textContent(".ratings");
  const said = text.match(/\((\d+) member (ratings?)\)/);
  assert.ok(said, text);
  assert.ok(Number(said[1]) >= 1, text);
  assert.equal(said[2], Number(said[1]) === 1 ? "rating" : "ratings", text);
  await context.addCookies([h.languageCookie("fa")]);
  await page.goto("/movies/550", { waitUntil: "domcontentloaded" });
  assert.equal(await page.textContent(".original-title"), "Fight Club", "beside the Persian title, the original");
  const icon = await page.getAttribute("link[rel=icon]", "href");
  assert.equal((await fetch(h.BASE_URL + icon)).status, 200, "a favicon");
  await context.close();
});

test("a visitor switches the language from any page and stays on it; the switch goes nowhere else", async () => {
  const context = await h.newContext(browser, { viewport: h.PHONE });
  const page = await context.newPage();
  await page.goto("/movies?page=2&sort=rating");
  assert.equal(await page.getAttribute("html", "lang"), "en");
  const persian = page.locator("footer a[hreflang=fa]");
  await h.assertUsable(persian, "the language switch");
  await Promise.all([page.waitForURL(/\/movies\?page=2&sort=rating$/), persian.click()]);
  assert.equal(await page.getAttribute("html", "lang"), "fa");
  assert.equal(await page.getAttribute("html", "dir"), "rtl");
  await Promise.all([page.waitForURL(/\/movies\?page=2&sort=rating$/), page.click("footer a[hreflang=en]")]);
  assert.equal(await page.getAttribute("html", "lang"), "en");
  for (const next of ["//evil.example/", "https://evil.example/", "/\\evil.example"]) {
    const res = await fetch(`${h.BASE_URL}/language/fa?next=${encodeURIComponent(next)}`, { redirect: "manual" });
    assert.equal(res.status, 303);
    assert.equal(res.headers.get("location"), "/", `${next} is not followed`);
  }
  assert.equal((await fetch(`${h.BASE_URL}/language/de`, { redirect: "manual" })).status, 404);
  await context.close();
});

test("the watchlist and the favourites are separate lists: taking a movie off one leaves the other", async () => {
  for (const javaScriptEnabled of [true, false]) {
    const { m, context } = await signedIn({ javaScriptEnabled });
    const page = await context.newPage();
    await page.goto("/movies/550");
    const button = (list) => page.locator(`.movie-actions button[data-list="${list}"]`);
    const press = async (list, pressed) => {
      await h.assertUsable(button(list), list);
      if (javaScriptEnabled) await button(list).click();
      else await Promise.all([page.waitForEvent("load"), button(list).click()]);
      await page.waitForFunction(([l, p]) => {
        const b = document.querySelector(`.movie-actions button[data-list="${l}"]`);
        return b && b.getAttribute("aria-pressed") === p && !b.closest("form").hasAttribute("aria-busy");
      }, [list, String(pressed)], { timeout: 5000 });
    };
    await press("watchlist", true);
    await press("favorite", true);
    await press("watchlist", false);
    assert.equal(await button("favorite").getAttribute("aria-pressed"), "true", "still a favourite on the page");
    const state = (await listsOf(m.token)).find((x) => x.tmdb_id === 550);
    assert.deepEqual([state.watchlist, state.favorite], [false, true]);
    await page.goto("/me/favorites");
    assert.match(await page.textContent("main"), /Fight Club/);
    await page.goto("/me/watchlist");
    assert.doesNotMatch(await page.textContent("main"), /Fight Club/);
    await context.close();
  }
});

test("'My ratings' lists the member's ratings and reviews, newest first, in English and Persian", async () => {
  const { m, context } = await signedIn({ viewport: h.PHONE });
  await rate(m.token, 680, { rating: 7.5 });
  await rate(m.token, 550, { rating: 9, review: "The first rule holds." });
  const page = await context.newPage();
  await page.goto("/me/watchlist");
  const tab = page.locator('nav.tabs a[href="/me/ratings"]');
  await h.assertUsable(tab, "My ratings tab");
  await Promise.all([page.waitForEvent("load"), tab.click()]);
  const cards = page.locator(".cards .card");
  assert.equal(await cards.count(), 2);
  assert.match(await cards.nth(0).textContent(), /Fight Club[\s\S]*Your rating\s*★ 9\/10[\s\S]*The first rule holds\./);
  assert.match(await cards.nth(1).textContent(), /Pulp Fiction[\s\S]*★ 7\.5\/10/);
  await h.assertFits(page, "my ratings");
  await h.assertAccessible(page, "my ratings");
  await h.screenshot(page, "my-ratings-phone-en");

  await context.addCookies([h.languageCookie("fa")]);
  await page.goto("/me/ratings");
  const first = await cards.nth(0).textContent();
  assert.match(first, /امتیاز شما\s*★ ۹/);
  assert.doesNotMatch(first.replace("Fight Club", "").replace("The first rule holds.", ""), /[0-9]/, "Persian digits only");
  await h.assertFits(page, "my ratings fa");
  await h.assertAccessible(page, "my ratings fa");
  await h.screenshot(page, "my-ratings-phone-fa");
  await context.close();
});

test("the movie's member average and count follow the member's rating without a reload, in both languages", async () => {
  for (const lang of ["en", "fa"]) {
    const { m, context } = await signedIn();
    await context.addCookies([h.languageCookie(lang)]);
    const page = await context.newPage();
    await page.goto("/movies/680");
    const countOf = async () => {
      const res = await fetch(h.BASE_URL + "/api/v1/movies/680/rating");
      return (await res.json()).data.rating_count || 0;
    };
    const before = await countOf();
    const digits = (n) => new Intl.NumberFormat(lang).format(n);
    const shows = (text) => page.waitForFunction((t) => document.querySelector("dd.member-average").textContent.includes(t),
      text, { timeout: 5000 });
    await page.click("label[for=star-10]");
    await shows(`(${digits(before + 1)}`);
    const text = await page.locator("dd.member-average").textContent();
    assert.equal(/[0-9]/.test(text), lang === "en", `the page's digits: ${text}`);
    await page.locator(".review-form button[name=remove]").click();
    const notRated = lang === "fa" ? "هنوز امتیازی نگرفته" : "Not rated by members yet";
    await shows(before === 0 ? notRated : `(${digits(before)}`);
    assert.equal(await countOf(), before);
    await context.close();
  }
});

test("the movie page's cast and director are links to their people's pages here", async () => {
  for (const lang of ["en", "fa"]) {
    const context = await h.newContext(browser, { viewport: h.PHONE });
    await context.addCookies([h.languageCookie(lang)]);
    const page = await context.newPage();
    await page.goto("/movies/550");
    const director = page.locator(".directors a.person").first();
    await h.assertUsable(director, "director link");
    const actor = page.locator(".cast a.person").first();
    await h.assertUsable(actor, "cast link");
    for (const link of [director, actor]) // each person's page on this site (issue 20)
      assert.match(await link.getAttribute("href"), /^\/people\/\d+$/);
    assert.equal(await page.locator(".cast li").count(), await page.locator(".cast a.person").count(), "every member of the cast");
    await h.assertAccessible(page, `cast links ${lang}`);
    await context.close();
  }
});
