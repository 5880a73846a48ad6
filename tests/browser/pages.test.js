// Browser tests of the pages: Playwright (playwright-core from npm) driving Debian's Chromium,
// headless, against the running stack (STACK_ENV, as for the black-box tests). Run by
// tests/check.sh; on their own: `make start`, then `node --test tests/browser/`.
"use strict";

const { test, before, after } = require("node:test");
const assert = require("node:assert/strict");
const http = require("node:http");
const h = require("./helpers");

const { BASE_URL, member, watchConsole, standin } = h;

let browser;

before(async () => { browser = await h.launch(); });
after(async () => { if (browser) await browser.close(); });

const newContext = (options = {}) => h.newContext(browser, options);

async function signedInContext(options = {}) {
  const m = await member();
  const context = await newContext(options);
  await context.addCookies(m.cookies);
  return { context, token: m.token };
}

async function pressed(page, list) {
  return page.getAttribute(`.movie-actions button[data-list="${list}"]`, "aria-pressed");
}

async function listsOf(token) {
  const res = await fetch(BASE_URL + "/api/v1/lists", { headers: { Authorization: "Bearer " + token } });
  return (await res.json()).data.movies;
}

test("a favourite flips at once, before the server answers, and the server then has it", async () => {
  const { context, token } = await signedInContext();
  const page = await context.newPage();
  const problems = watchConsole(page);
  let release;
  const held = new Promise((resolve) => { release = resolve; });
  let seen = false;
  await page.route("**/api/v1/users/me/favorites", async (route) => {
    seen = true;
    await held; // the server's answer waits until the test has looked
    await route.continue();
  });
  await page.goto("/movies/550");
  assert.equal(await pressed(page, "favorite"), "false");
  await page.click('.movie-actions button[data-list="favorite"]');
  await page.waitForFunction(() => document.querySelector('.movie-actions button[data-list="favorite"]')
    .getAttribute("aria-pressed") === "true", null, { timeout: 2000 });
  assert.ok(seen, "the request went out");
  assert.equal((await listsOf(token)).length, 0, "the server has not been asked yet");
  release();
  // the server has it once the toggle settles; the watchlist, a list of its own, stays as it was
  await page.waitForFunction(() => !document.querySelector('.movie-actions button[data-list="favorite"]')
    .closest("form").hasAttribute("aria-busy"), null, { timeout: 5000 });
  assert.equal(await pressed(page, "favorite"), "true");
  assert.equal(await pressed(page, "watchlist"), "false");
  const state = await listsOf(token);
  assert.equal(state.length, 1);
  assert.equal(state[0].favorite, true);
  assert.equal(state[0].watchlist, false);
  assert.deepEqual(problems, []);
  await context.close();
});

test("a toggle rolls back with a visible message when the server fails", async () => {
  const { context, token } = await signedInContext();
  const page = await context.newPage();
  await page.route("**/api/v1/users/me/watchlist**", (route) => route.fulfill({
    status: 503, contentType: "application/json",
    body: JSON.stringify({ status: "error", statusCode: 503, message: "Service unavailable", errors: [] }),
  }));
  await page.goto("/movies/550");
  await page.click('.movie-actions button[data-list="watchlist"]');
  const toast = page.locator(".toast");
  await toast.waitFor({ state: "visible", timeout: 5000 });
  assert.match(await toast.textContent(), /Could not update your watchlist/);
  assert.equal(await toast.getAttribute("role"), "alert");
  assert.equal(await pressed(page, "watchlist"), "false");
  assert.deepEqual(await listsOf(token), []);
  await context.close();
});

test("a second tab of the same member follows changes live", async () => {
  const { context, token } = await signedInContext();
  const first = await context.newPage();
  const second = await context.newPage();
  const problems = watchConsole(second);
  const live = second.waitForResponse((r) => r.url().endsWith("/live"), { timeout: 5000 });
  await first.goto("/movies/680");
  await second.goto("/movies/680");
  assert.equal((await live).status(), 200);
  await second.waitForTimeout(300); // the stream is open at nchan
  await first.click('.movie-actions button[data-list="watched"]');
  await second.waitForFunction(() => document.querySelector('.movie-actions button[data-list="watched"]')
    .getAttribute("aria-pressed") === "true", null, { timeout: 5000 });
  // and a change made elsewhere (the API, another device) arrives too
  const res = await fetch(BASE_URL + "/api/v1/interactions/liked/680", {
    method: "PUT", headers: { Authorization: "Bearer " + token },
  });
  assert.equal(res.status, 201);
  await second.waitForFunction(() => document.querySelector('.movie-actions button[data-list="liked"]')
    .getAttribute("aria-pressed") === "true", null, { timeout: 5000 });
  // the first tab has its own stream: the hint reaches it too, not necessarily first
  await first.waitForFunction(() => document.querySelector('.movie-actions button[data-list="liked"]')
    .getAttribute("aria-pressed") === "true", null, { timeout: 5000 });
  assert.deepEqual(problems, []);
  await context.close();
});

test("stars rate at once and the review form shows its errors in place", async () => {
  const { context, token } = await signedInContext();
  const page = await context.newPage();
  const problems = watchConsole(page);
  await page.goto("/movies/13");
  await page.click("label[for=star-7]");
  await page.locator(".form-status").filter({ hasText: "Saved." }).waitFor({ timeout: 5000 });
  const mine = await (await fetch(BASE_URL + "/api/v1/movies/13/rating", { headers: { Authorization: "Bearer " + token } })).json();
  assert.equal(mine.data.my_rating.rating, 7);

  // a review too long for the server (the textarea's own limit is lifted to reach it)
  await page.evaluate(() => document.querySelector("#review").removeAttribute("maxlength"));
  await page.fill("#review", "x".repeat(2001));
  await page.click(".review-form button[type=submit]");
  const error = page.locator("#review-error");
  await error.filter({ hasText: "Write at most 2000 characters." }).waitFor({ timeout: 5000 });
  assert.equal(page.url(), BASE_URL + "/movies/13", "no navigation: the error is shown in place");
  const review = `Life is like a box of chocolates (${Date.now()}).`;
  await page.fill("#review", review);
  await page.click(".review-form button[type=submit]");
  await page.locator(".form-status").filter({ hasText: "Saved." }).waitFor({ timeout: 5000 });
  assert.equal(await error.textContent(), "");
  await page.locator(".reviews .review-text").filter({ hasText: review }).waitFor({ timeout: 5000 });
  assert.deepEqual(problems, []);
  await context.close();
});

test("skeletons of the similar movies and the reviews are replaced once loaded", async () => {
  const context = await newContext();
  const page = await context.newPage();
  const problems = watchConsole(page);
  let releaseSimilar;
  const similarHeld = new Promise((resolve) => { releaseSimilar = resolve; });
  await page.route("**/api/v1/movies/*/similar*", async (route) => { await similarHeld; await route.continue(); });
  await page.goto("/movies/550");
  assert.equal(await page.locator("section[data-src] ul.skeleton li").count(), 6, "the skeleton shows while loading");
  assert.equal(await page.getAttribute("section[data-src]", "aria-busy"), "true");
  releaseSimilar();
  await page.waitForFunction(() => document.querySelector("section[data-src]").getAttribute("aria-busy") === "false");
  assert.equal(await page.locator("section[data-src] .skeleton").count(), 0);
  await page.waitForFunction(() => document.querySelector("section[data-reviews-src]").getAttribute("aria-busy") === "false");
  assert.equal(await page.locator("section[data-reviews-src] .skeleton").count(), 0);
  assert.deepEqual(problems, []);
  await context.close();
});

test("without JavaScript the toggles and the rating form work as plain forms", async () => {
  const { context, token } = await signedInContext({ javaScriptEnabled: false });
  const page = await context.newPage();
  await page.goto("/movies/603");
  const submit = async (selector) => {
    const loaded = page.waitForEvent("load");
    await page.click(selector);
    await loaded;
  };
  await submit('.movie-actions button[data-list="watchlist"]');
  assert.equal(await pressed(page, "watchlist"), "true");
  await submit(".review-form button[type=submit]"); // no star chosen
  assert.match(await page.textContent("#rating-error"), /This is required/);
  await page.click("label[for=star-9]");
  await submit(".review-form button[type=submit]");
  assert.match(page.url(), /\/movies\/the-matrix-1999#your-rating$/);
  assert.equal(await page.isChecked("#star-9"), true);
  await page.goto("/me/watchlist");
  assert.match(await page.textContent(".cards"), /The Matrix/);
  const state = await listsOf(token);
  assert.equal(state.length, 1);
  assert.equal(state[0].rating, 9);
  await context.close();
});

test("the home page's recommendations load with their reasons, and 'not interested' removes one", async () => {
  const { context, token } = await signedInContext();
  const prefs = await fetch(BASE_URL + "/api/v1/user/preferences", {
    method: "POST", headers: { Authorization: "Bearer " + token, "Content-Type": "application/json" },
    body: JSON.stringify({ genres: [18, 35] }),
  });
  assert.equal(prefs.status, 200);
  const page = await context.newPage();
  const problems = watchConsole(page);
  await page.goto("/");
  const row = page.locator('section[data-src^="/api/v1/user/recommendations"]');
  await page.waitForFunction(() => document.querySelector('section[data-src^="/api/v1/user/recommendations"]')
    .getAttribute("aria-busy") === "false");
  const cards = row.locator("li.card");
  const before = await cards.count();
  assert.ok(before > 0, "a new member with favourite genres gets suggestions");
  assert.ok((await row.locator(".card-reason").first().textContent()).length > 0);
  const title = await cards.first().locator(".card-title").textContent();
  await cards.first().locator("button.not-interested").click();
  await page.waitForFunction((n) => document.querySelectorAll(
    'section[data-src^="/api/v1/user/recommendations"] li.card').length === n - 1, before);
  const disliked = (await listsOf(token)).filter((m) => m.disliked);
  assert.equal(disliked.length, 1, `turning down ${title} records a dislike`);
  assert.deepEqual(problems, []);
  await context.close();
});

test("an admin adds a movie: Get info from TMDB, edit the Persian title, save", async () => {
  const m = await member();
  h.makeAdmin(m);
  // a synthetic movie no other test syncs into the catalogue (they stay below 900101)
  await standin("POST", "/__control/synthetic", { movies: 1000 });
  const tmdbId = 900101 + Math.floor(Math.random() * 899);
  const context = await newContext();
  await context.addCookies(m.cookies);
  const page = await context.newPage();
  const problems = watchConsole(page);
  try {
    await page.goto("/admin/movies/new");
    await page.fill("#q", String(tmdbId));
    await Promise.all([page.waitForEvent("load"), page.click("form.lookup button[type=submit]")]);
    assert.equal(await page.locator("text=in the catalogue already").count(), 0);
    assert.equal(await page.inputValue("#title"), `Synthetic Movie ${tmdbId}`);
    assert.ok((await page.inputValue("#title_fa")).length > 0, "the Persian title comes from TMDB's translations");
    assert.ok(await page.locator(".cast-row input[value]").count() > 0, "the cast is filled in");
    const persian = `عنوان تازه ${Date.now()}`;
    await page.fill("#title_fa", persian);
    await page.locator(".changes li").filter({ hasText: persian }).waitFor({ timeout: 2000 });
    await h.screenshot(page, "admin-add-movie");
    await Promise.all([page.waitForURL(/\/admin\/movies\/[0-9a-f]{24}\?saved=created$/), page.click("form.movie-form button[type=submit]")]);
    assert.match(await page.textContent("[role=status]"), /the movie is added/);
    const stored = await (await fetch(`${BASE_URL}/api/v1/movies/${tmdbId}`)).json();
    assert.equal(stored.data.titles.fa, persian);
    assert.equal(stored.data.source, "tmdb");
    assert.deepEqual(problems, []);
  } finally {
    await standin("POST", "/__control/reset");
    await context.close();
  }
});

test("another site cannot sign a visitor into its account, and a person's own login still works", async () => {
  // the attacker's account, and a page of theirs on another origin that posts the login form
  const attacker = await member();
  const server = http.createServer((req, res) => {
    res.setHeader("Content-Type", "text/html");
    res.end(`<!doctype html><form id="f" method="post" action="${BASE_URL}/login">
      <input name="email" value="${attacker.email}"><input name="password" value="correct horse">
      </form><script>document.getElementById("f").submit()</script>`);
  });
  await new Promise((resolve) => server.listen(0, "127.0.0.1", resolve));
  const context = await newContext();
  try {
    const page = await context.newPage();
    const landed = page.waitForResponse((r) => r.url() === BASE_URL + "/login" && r.request().method() === "POST");
    await page.goto(`http://localhost:${server.address().port}/`);
    assert.equal((await landed).status(), 403);
    await page.goto("/");
    assert.equal(await page.locator('.nav-wide a[href="/login"]').count(), 1, "still a visitor");
    assert.ok(!(await context.cookies()).some((c) => c.name === "mq_session"));

    // the person's own login, through the form, is unaffected
    const me = await member();
    await page.goto("/login");
    await page.getByLabel("E-mail").fill(me.email);
    await page.getByLabel("Password").fill("correct horse");
    await page.getByRole("button", { name: "Log in" }).click();
    await page.waitForURL(BASE_URL + "/me");
    assert.ok((await context.cookies()).some((c) => c.name === "mq_session"));
  } finally {
    await context.close();
    server.close();
  }
});

test("the API reference page renders offline, within its content security policy", async () => {
  const context = await newContext();
  await context.route(/^https?:\/\/(?!127\.0\.0\.1)/, (route) => route.abort()); // nothing from elsewhere
  const page = await context.newPage();
  const problems = watchConsole(page);
  const started = new Promise((resolve) => page.on("console", (m) => { if (/Redoc/.test(m.text())) resolve(); }));
  const res = await page.goto("/api/docs");
  assert.equal(res.status(), 200);
  await page.locator("h1", { hasText: "Marquee API" }).waitFor({ timeout: 60000 });
  // Redoc lays out the sections near the viewport: the side menu's "ratings" brings that one in
  await page.locator('[data-component-name="Menu/Menu"]').getByText("ratings", { exact: true }).first().click();
  await page.getByText("/ratings/movie/{movieId}").first().waitFor({ state: "attached", timeout: 60000 });
  await Promise.race([started, new Promise((_, reject) => setTimeout(() => reject(new Error("Redoc's script did not run")), 15000))]);
  // its own logo from Redocly's CDN is refused (and hides itself); no script or style may be
  assert.deepEqual(problems.filter((p) => /(script|style)-src|pageerror|Error:/.test(p)), []);
  await context.close();
});
