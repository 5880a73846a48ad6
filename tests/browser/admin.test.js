// admin — the admin panel as an admin uses it: every admin page in English and Persian, on a
// desktop screen and a phone, fits the screen, has no axe-core violation and no script error,
// and a Persian page has no English word left (names, titles, e-mails and ids aside: they are
// in <bdi>, and TMDB's and file formats' names are names); the audit log names movies, admins
// and members and says when in words; starting a sync run shows its progress as it goes, with
// JavaScript and without; a field the admin changes gets its Lock box ticked, and what is
// ticked is what is saved. Screenshots under build/test-artifacts/admin/.
"use strict";

const { test, before, after } = require("node:test");
const assert = require("node:assert/strict");
const h = require("./helpers");

let browser, admin, other, movieId;

/* The admin API as the test's admin (bearer token: no CSRF). */
async function api(method, path, body) {
  const res = await fetch(h.BASE_URL + "/api/v1/admin" + path, {
    method,
    headers: { Authorization: "Bearer " + admin.token, "Content-Type": "application/json" },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const text = await res.text();
  return { status: res.status, body: text ? JSON.parse(text) : null };
}

before(async () => {
  browser = await h.launch();
  admin = await h.member();
  h.makeAdmin(admin);
  other = await h.member();
  const res = await fetch(h.BASE_URL + "/api/v1/movies/550?fields=id");
  movieId = (await res.json()).data.id;
  // something for the audit log to say: an edit, hiding and restoring, a role given and taken
  assert.equal((await api("PATCH", `/movies/${movieId}`, { runtime: 140, lock: false })).status, 200);
  assert.equal((await api("DELETE", `/movies/${movieId}`)).status, 200);
  assert.equal((await api("POST", `/movies/${movieId}/restore`)).status, 200);
  assert.equal((await api("PATCH", `/users/${other.id}/role`, { role: "admin" })).status, 200);
  assert.equal((await api("PATCH", `/users/${other.id}/role`, { role: "user" })).status, 200);
});
after(async () => { if (browser) await browser.close(); });

async function open({ lang = "en", screen = h.DESKTOP, js = true } = {}) {
  const context = await h.newContext(browser, { viewport: screen, javaScriptEnabled: js });
  await context.addCookies([...admin.cookies, h.languageCookie(lang)]);
  const page = await context.newPage();
  return { context, page, problems: h.watchConsole(page) };
}

/* Runs of three or more Latin letters in the page's main text, outside <bdi> (names, titles,
 * e-mails), text areas (what the movie says), [lang=en] (the sync's own error text) and the
 * values of a change (.diff del, ins),
 * less the names of TMDB, IMDb and image formats. */
async function englishLeft(page) {
  return page.evaluate(() => {
    const allowed = new Set(["TMDB", "IMDb", "PNG", "JPEG", "WebP"]);
    const walker = document.createTreeWalker(document.querySelector("main"), NodeFilter.SHOW_TEXT);
    const found = new Set();
    for (let n = walker.nextNode(); n; n = walker.nextNode()) {
      const el = n.parentElement;
      if (el.closest("bdi, textarea, [lang=en], .diff del, .diff ins, script")) continue;
      for (const w of n.textContent.match(/[A-Za-z]{3,}/g) || [])
        if (!allowed.has(w)) found.add(w);
    }
    for (const el of document.querySelectorAll("main [aria-label], main [alt]")) // what a screen reader says
      for (const w of ((el.getAttribute("aria-label") || "") + " " + (el.getAttribute("alt") || "")).match(/[A-Za-z]{3,}/g) || [])
        if (!allowed.has(w)) found.add(w);
    return [...found];
  });
}

function pages() {
  return ["/admin", "/admin/movies", "/admin/movies/new", `/admin/movies/${movieId}`, `/admin/movies/${movieId}/images`,
    "/admin/audit", "/admin/notifications", "/admin/sync", "/admin/users"];
}

for (const lang of ["en", "fa"])
  for (const [screenName, screen] of [["desktop", h.DESKTOP], ["phone", h.PHONE]])
    test(`every admin page reads in ${lang} on a ${screenName}`, async () => {
      const { context, page, problems } = await open({ lang, screen });
      const failures = [];
      try {
        for (const path of pages()) {
          const where = `${lang} ${screenName} ${path}`;
          const res = await page.goto(path);
          assert.ok(res.status() < 400, `${where} answers ${res.status()}`);
          await page.waitForLoadState("networkidle");
          await h.screenshot(page, `admin/${lang}-${screenName}-${path}`);
          assert.equal(await page.getAttribute("html", "lang"), lang);
          for (const check of [() => h.assertFits(page, where), () => h.assertAccessible(page, where),
            async () => { if (lang === "fa") assert.deepEqual(await englishLeft(page), [], `${where}: English words`); }])
            try { await check(); } catch (e) { failures.push(e.message.split("\n")[0] + (e.actual ? " " + JSON.stringify(e.actual) : "")); }
        }
        if (problems.length) failures.push(`script errors: ${problems.join("; ")}`);
        assert.deepEqual(failures, []);
      } finally {
        await context.close();
      }
    });

test("the users table fits a phone as cards, and its menus can be used", async () => {
  const { context, page } = await open({ screen: h.PHONE });
  try {
    await page.goto("/admin/users?q=" + encodeURIComponent(other.email));
    await h.assertFits(page, "users on a phone");
    await h.assertUsable(page.locator(".users-table select").first(), "the role menu");
    await h.assertUsable(page.locator(".users-table button[type=submit]").first(), "Set");
    assert.equal(await page.locator(".users-table tbody tr").first().evaluate((tr) => getComputedStyle(tr).display), "block");
    assert.equal(await page.getByRole("table").count(), 1, "still a table to a screen reader");
    assert.ok(await page.getByRole("cell", { name: other.email }).count() >= 1);
  } finally {
    await context.close();
  }
});

test("the audit log names the movie, the admin and the member, and says when in words", async () => {
  for (const lang of ["en", "fa"]) {
    const { context, page } = await open({ lang });
    try {
      await page.goto(`/admin/audit?movie=${movieId}`);
      const title = (await (await fetch(h.BASE_URL + `/api/v1/movies/${movieId}?fields=title`)).json()).data.title;
      const link = page.locator(`main table a[href="/admin/movies/${movieId}"]`).first();
      assert.equal((await link.textContent()).trim(), title);
      const text = await page.locator("main table").innerText();
      assert.match(text, /Browser Tester/, "the admin by name");
      assert.doesNotMatch(text, /\d{4}-\d\d-\d\dT|[0-9a-f]{24}/, "no ISO stamps or ids");
      assert.match(text, lang === "en" ? /Movie hidden/ : /پنهان‌کردن فیلم/);
      assert.match(text, lang === "en" ? /Movie restored/ : /بازگرداندن فیلم/);
      assert.match(text, lang === "en" ? /\d{4} at \d/ : /[۰-۹]{4}/, "the day and time");
      for (const row of await page.locator(".diff li").allInnerTexts())
        assert.doesNotMatch(row, /:\s*→|→\s*$/, `an empty change: ${row}`);
      await page.goto("/admin/audit?action=user.role");
      const roles = await page.locator("main table").innerText();
      assert.match(roles, /Browser Tester/, "the member by name");
      assert.match(roles, lang === "en" ? /Role changed/ : /تغییر نقش/);
      assert.match(roles, lang === "en" ? /Member.*Admin|Admin.*Member/s : /عضو.*مدیر|مدیر.*عضو/s);
      await h.screenshot(page, `admin/audit-roles-${lang}`);
    } finally {
      await context.close();
    }
  }
});

/* The stand-in's synthetic catalogue makes a popular run long enough to be watched. */
async function watchRun(page, js) {
  await h.standin("POST", "/__control/synthetic", { movies: 100 });
  try {
    // no other run may hold the lease
    for (let i = 0; i < 100 && (await api("GET", "/sync/runs?limit=1")).body.data[0]?.status === "in-progress"; i++)
      await new Promise((r) => setTimeout(r, 200));
    await page.goto("/admin/sync");
    await page.selectOption("#kind", "popular");
    await Promise.all([page.waitForURL(/\/admin\/sync\?started=/), page.locator("form.inline-form button[type=submit]").click()]);
    const panel = page.locator(".sync-progress");
    await panel.waitFor();
    const first = await panel.locator(".sync-status").getAttribute("data-status");
    assert.ok(["starting", "in-progress", "success"].includes(first), first);
    if (!js) {
      // the state as it is now, and a Refresh link while it runs
      if (first !== "success") await h.assertUsable(panel.locator(".sync-refresh a"), "Refresh");
      for (let i = 0; i < 150; i++) {
        if (["success", "partial", "failed"].includes(await panel.locator(".sync-status").getAttribute("data-status"))) break;
        await page.waitForTimeout(200);
        await page.locator(".sync-refresh a").click(); // the same page again, as it stands now
        await page.waitForLoadState();
      }
    } else {
      await page.evaluate(() => { window.notReloaded = true; });
      const seen = new Set();
      for (let i = 0; i < 300; i++) {
        const status = await panel.locator(".sync-status").getAttribute("data-status");
        seen.add(`${status} ${await panel.locator(".sync-done").textContent()}`);
        if (["success", "partial", "failed"].includes(status)) break;
        await page.waitForTimeout(100);
      }
      assert.ok(await page.evaluate(() => window.notReloaded), "updated without a reload");
      assert.ok([...seen].some((s) => s.startsWith("in-progress")), `seen running: ${[...seen].join(" | ")}`);
    }
    assert.equal(await panel.locator(".sync-status").getAttribute("data-status"), "success");
    assert.equal(await panel.locator(".sync-status").textContent(), "Finished");
    assert.match(await panel.locator(".sync-done").textContent(), /^\d+ of \d+$/);
    assert.equal(await panel.locator(".sync-kind").textContent(), "Popular movies");
    assert.match(await panel.locator('[data-count="fetched"]').textContent(), /^\d[\d,]*$/);
    assert.equal(await panel.locator(".sync-refresh").count(), 0, "no Refresh link once it ended");
  } finally {
    await h.standin("POST", "/__control/reset");
  }
}

test("starting a sync run shows its progress until it ends, without a reload", async () => {
  const { context, page, problems } = await open();
  try {
    await watchRun(page, true);
    await h.screenshot(page, "admin/sync-progress-js");
    await h.assertAccessible(page, "the sync page with a run's progress");
    assert.deepEqual(problems, []);
  } finally {
    await context.close();
  }
});

test("without JavaScript the sync page shows the run's state on each reload", async () => {
  const { context, page } = await open({ js: false });
  try {
    await watchRun(page, false);
    await h.screenshot(page, "admin/sync-progress-nojs");
  } finally {
    await context.close();
  }
});

test("a changed field's Lock box ticks itself, and the boxes are what is saved", async () => {
  await api("PATCH", `/movies/${movieId}`, { unlock: ["overviews", "runtime", "title"] });
  const { context, page, problems } = await open();
  try {
    await page.goto(`/admin/movies/${movieId}`);
    const box = (name) => page.locator(`input[name=lock_${name}]`);
    assert.equal(await box("overviews").isChecked(), false);
    await page.locator("#overview").fill("An overview an admin wrote.");
    assert.equal(await box("overviews").isChecked(), true, "the English overview's lock (the overviews' box)");
    await page.locator("#runtime").fill("141");
    assert.equal(await box("runtime").isChecked(), true);
    await box("runtime").uncheck(); // the admin's word: TMDB may have it back
    await page.locator("#runtime").fill("142");
    assert.equal(await box("runtime").isChecked(), false, "an untick stays");
    assert.equal(await box("title").isChecked(), false, "an untouched field stays as it was");
    await Promise.all([page.waitForURL(/saved=saved/), page.locator("form.movie-form button[type=submit]").click()]);
    let movie = (await api("GET", `/movies/${movieId}`)).body.data;
    assert.equal(movie.overviews.en, "An overview an admin wrote.");
    assert.equal(movie.runtime, 142);
    assert.ok(movie.locked_fields.includes("overviews"), JSON.stringify(movie.locked_fields));
    assert.ok(!movie.locked_fields.includes("runtime"), JSON.stringify(movie.locked_fields));
    assert.ok(!movie.locked_fields.includes("title"), JSON.stringify(movie.locked_fields));
    assert.equal(await box("overviews").isChecked(), true, "the page shows the lock");

    // ticking Lock beside Overview by hand, nothing else changed, stores the lock
    await api("PATCH", `/movies/${movieId}`, { unlock: ["overviews"] });
    await page.goto(`/admin/movies/${movieId}`);
    await box("overviews").check();
    await Promise.all([page.waitForURL(/saved=saved/), page.locator("form.movie-form button[type=submit]").click()]);
    movie = (await api("GET", `/movies/${movieId}`)).body.data;
    assert.ok(movie.locked_fields.includes("overviews"), JSON.stringify(movie.locked_fields));
    // and a sync keeps the admin's overview
    assert.equal((await api("POST", `/movies/${movieId}/sync`)).body.data.movie.overviews.en, "An overview an admin wrote.");
    assert.deepEqual(problems, []);
  } finally {
    await api("PATCH", `/movies/${movieId}`, { unlock: ["overviews", "runtime"] });
    await api("POST", `/movies/${movieId}/sync`);
    await context.close();
  }
});
