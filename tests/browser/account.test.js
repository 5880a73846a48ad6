// account — account care as a member meets it (issue 18, item 10): a refused sign-up that says
// which field is taken, the password changed on the settings page (the other devices signed
// out), "forgot your password" through the mail the stack's sink keeps and the link in it, the
// avatar uploaded, shown and removed, and the account deleted. Each in English and Persian, on a
// desktop screen and a phone; on every page: nothing wider than the screen, no axe-core
// violation, no script error, and every control used can be seen and clicked. Screenshots of
// every step: build/test-artifacts/account_*.png.
"use strict";

const { test, before, after } = require("node:test");
const assert = require("node:assert/strict");
const fs = require("node:fs");
const path = require("node:path");
const h = require("./helpers");

let browser;
before(async () => { browser = await h.launch(); });
after(async () => { if (browser) await browser.close(); });

const SCREENS = { desktop: h.DESKTOP, phone: h.PHONE };
const MESSAGES = Object.fromEntries(["en", "fa"].map((lang) =>
  [lang, JSON.parse(fs.readFileSync(path.join(h.ROOT, "templates", "messages", `${lang}.json`), "utf8"))]));
const PASSWORD = "correct horse"; // helpers.member()'s
const PNG = Buffer.from("iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8z8BQDwAEhQGAhKmMIQAAAABJRU5ErkJggg==", "base64");

async function api(method, urlPath, token, body) {
  const headers = { "Content-Type": "application/json" };
  if (token) headers.Authorization = "Bearer " + token;
  return fetch(h.BASE_URL + urlPath, { method, headers, body: body === undefined ? undefined : JSON.stringify(body) });
}

/* A member whose saved language is lang (the mail and the pages after a new sign-in follow it). */
async function memberIn(lang) {
  const m = await h.member();
  const res = await api("PATCH", "/api/v1/users/me", m.token, { settings: { language: lang } });
  assert.equal(res.status, 200);
  return m;
}

/* Runs fn(page, look) in a fresh context at screen in lang, with cookies; look(name, controls)
 * checks the page as it stands and keeps a screenshot. Every check runs; the journey fails
 * with all that was wrong. */
async function journey(name, { lang, screen, cookies = [] }, fn) {
  const context = await h.newContext(browser, { viewport: SCREENS[screen] });
  await context.addCookies([...cookies, h.languageCookie(lang)]);
  const page = await context.newPage();
  const problems = h.watchConsole(page);
  const failures = [];
  let step = 0;
  const look = async (what, controls = []) => {
    const where = `${name} ${lang} ${screen}: ${what}`;
    const check = async (f) => { try { await f(); } catch (e) { failures.push(e.message.split("\n")[0]); } };
    await page.waitForLoadState("networkidle");
    await h.screenshot(page, `account/${name}-${lang}-${screen}-${++step}-${what}`);
    await check(() => h.assertFits(page, where));
    for (const selector of controls)
      await check(() => h.assertUsable(page.locator(selector).first(), `${where}: ${selector}`));
    await check(() => h.assertAccessible(page, where));
  };
  try {
    await fn(page, look, MESSAGES[lang], context);
    if (problems.length) failures.push(`script errors: ${problems.join("; ")}`);
    assert.deepEqual(failures, [], `${name} ${lang} ${screen}`);
  } finally {
    await context.close();
  }
}

/* Submits the form that holds selector and waits for the page that answers. */
async function submit(page, selector) {
  await Promise.all([page.waitForEvent("load"), page.locator(selector).click()]);
}

/* The newest message the mail sink kept for address after since (ms), as text; waits for it. */
async function mailTo(address, since) {
  const dir = h.ENV.MAIL_DIR;
  assert.ok(dir, "the stack runs its mail sink (MAIL_DIR in stack.env)");
  for (let i = 0; i < 100; i++) {
    const found = fs.readdirSync(dir).filter((f) => f.endsWith(".eml") && !f.startsWith("."))
      .map((f) => path.join(dir, f)).filter((f) => fs.statSync(f).mtimeMs >= since)
      .map((f) => fs.readFileSync(f, "latin1")).filter((m) => m.includes(`\r\nTo: ${address.toLowerCase()}\r\n`));
    if (found.length) {
      const raw = found[found.length - 1];
      const body = raw.slice(raw.indexOf("\r\n\r\n") + 4).replace(/\s+/g, "");
      return { raw, text: Buffer.from(body, "base64").toString("utf8") };
    }
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error("no mail reached " + address);
}

for (const lang of ["en", "fa"])
  for (const screen of ["desktop", "phone"]) {
    test(`a refused sign-up says which field is taken (${lang}, ${screen})`, async () => {
      const m = await h.member();
      await journey("register", { lang, screen }, async (page, look, t) => {
        await page.goto("/register");
        await page.fill("#email", m.email);
        await page.fill("#password", "another password");
        await page.fill("#username", "free_" + Date.now().toString(36));
        await submit(page, "form[action='/register'] button[type=submit]");
        assert.equal(await page.textContent(".field-links a[href='/password/forgot']"), t.reset.forgot_link);
        assert.match(await page.textContent("#email-error"), new RegExp(t.register.email_taken.slice(0, 20)));
        assert.equal(await page.locator("#username-error").count(), 0, "the username is free");
        assert.equal(await page.getAttribute("#email", "aria-invalid"), "true");
        await look("email-taken", [".field-links a[href='/password/forgot']", ".field-links a[href='/login']", "form button[type=submit]"]);
      });
    });

    test(`a member changes their password on the settings page (${lang}, ${screen})`, async () => {
      const m = await memberIn(lang);
      const other = await (await api("POST", "/api/v1/auth/login", null, { email: m.email, password: PASSWORD })).json();
      await journey("password", { lang, screen, cookies: m.cookies }, async (page, look, t) => {
        await page.goto("/me/settings");
        await look("settings", ["#current_password", "#new_password", "form[action='/me/password'] button[type=submit]"]);
        await page.fill("#current_password", "not my password");
        await page.fill("#new_password", "a brand new password");
        await submit(page, "form[action='/me/password'] button[type=submit]");
        assert.equal((await page.textContent("#current_password-error")).trim(), t.settings.password_wrong);
        await look("wrong-current", ["#current_password"]);
        await page.fill("#current_password", PASSWORD);
        await page.fill("#new_password", "a brand new password");
        await submit(page, "form[action='/me/password'] button[type=submit]");
        assert.match(page.url(), /\/me\/settings\?done=password/);
        assert.match(await page.textContent("main"), new RegExp(t.settings.password_changed.slice(0, 20)));
        await look("changed");
        await page.goto("/me");
        assert.match(page.url(), /\/me$/, "this browser stays signed in");
      });
      assert.equal((await api("GET", "/api/v1/users/me", other.data.token)).status, 401, "the other device is signed out");
    });

    test(`forgot password: the mail's link sets a new one (${lang}, ${screen})`, async () => {
      const m = await memberIn(lang);
      await journey("reset", { lang, screen }, async (page, look, t) => {
        await page.goto("/login");
        await look("login", ["a[href='/password/forgot']"]);
        await Promise.all([page.waitForEvent("load"), page.click("a[href='/password/forgot']")]);
        await look("forgot", ["#email", "form button[type=submit]"]);
        const since = Date.now() - 1000;
        await page.fill("#email", m.email);
        await submit(page, "form[action='/password/forgot'] button[type=submit]");
        assert.match(await page.textContent("main [role=status]"), new RegExp(t.reset.sent.slice(0, 20)));
        await look("sent");
        const mail = await mailTo(m.email, since);
        assert.ok(mail.text.includes(t.mail.reset_intro), "the mail is in the member's language");
        const link = mail.text.match(/https?:\/\/\S+\/password\/reset\?token=[A-Za-z0-9_-]{43}/)[0];
        await page.goto(link);
        await look("new-password", ["#password", "form button[type=submit]"]);
        await page.fill("#password", "short");
        await submit(page, "form[action='/password/reset'] button[type=submit]");
        assert.equal((await page.textContent("#password-error")).trim(), t.reset.password_rules);
        await page.fill("#password", "from the mailed link");
        await submit(page, "form[action='/password/reset'] button[type=submit]");
        assert.match(page.url(), /\/login\?reset=done$/);
        assert.match(await page.textContent("main [role=status]"), new RegExp(t.reset.done.slice(0, 20)));
        await look("done", ["#email", "#password"]);
        await page.fill("#email", m.email);
        await page.fill("#password", "from the mailed link");
        await submit(page, "form[action='/login'] button[type=submit]");
        assert.match(page.url(), /\/me$/, "the new password signs in");
        await page.goto(link);
        assert.match(await page.textContent("main"), new RegExp(t.reset.invalid.slice(0, 20)), "the link worked once");
        await look("used-link", ["a[href='/password/forgot']"]);
      });
      assert.equal((await api("GET", "/api/v1/users/me", m.token)).status, 401, "the old session ended");
    });

    test(`a member uploads, sees and removes their avatar (${lang}, ${screen})`, async () => {
      const m = await memberIn(lang);
      await journey("avatar", { lang, screen, cookies: m.cookies }, async (page, look, t) => {
        await page.goto("/me/settings");
        assert.match(await page.textContent("#avatar ~ .avatar-current"), new RegExp(t.settings.avatar_none));
        await page.setInputFiles("#avatar-file", { name: "not-an-image.png", mimeType: "image/png", buffer: Buffer.from("hello") });
        await submit(page, "form[action='/me/avatar'] button[type=submit]");
        assert.equal((await page.textContent("#avatar-error")).trim(), t.settings.avatar_type);
        await look("refused", ["#avatar-file"]);
        await page.setInputFiles("#avatar-file", { name: "me.png", mimeType: "image/png", buffer: PNG });
        await submit(page, "form[action='/me/avatar'] button[type=submit]");
        assert.match(await page.textContent("main"), new RegExp(t.settings.avatar_saved));
        const src = await page.getAttribute(".avatar-current img.avatar", "src");
        assert.match(src, /^\/media\/avatars\/[0-9a-f]{32}\.png$/);
        assert.ok(await page.locator(".avatar-current img.avatar").evaluate((img) => img.complete && img.naturalWidth > 0), "the image loads");
        await look("uploaded", ["form[action='/me/avatar/remove'] button[type=submit]"]);
        await page.goto("/me");
        assert.equal(await page.getAttribute("img.avatar", "src"), src, "the account page shows it too");
        await page.goto("/me/settings");
        await submit(page, "form[action='/me/avatar/remove'] button[type=submit]");
        assert.match(await page.textContent("main"), new RegExp(t.settings.avatar_removed));
        assert.equal(await page.locator(".avatar-current img").count(), 0);
        await look("removed");
      });
    });

    test(`a member chooses the region of their age ratings and adult titles (${lang}, ${screen})`, async () => {
      const born = (years) => { const d = new Date(Date.now() - 40 * 86400000); d.setFullYear(d.getFullYear() - years); return d.toISOString().slice(0, 10); };
      const teen = await memberIn(lang);
      assert.equal((await api("PATCH", "/api/v1/users/me", teen.token, { date_of_birth: born(15) })).status, 200);
      await journey("audience", { lang, screen, cookies: teen.cookies }, async (page, look, t, context) => {
        await page.goto("/me/settings");
        assert.equal(await page.inputValue("#region"), "", "no region chosen: the language's");
        assert.equal(await page.isChecked("#adult_content"), false);
        assert.equal((await page.textContent("label[for=adult_content]")).trim(), t.settings.adult_content);
        await look("audience-controls", ["#region", "#adult_content", "form[action='/me/settings'] button[type=submit]"]);
        await page.selectOption("#region", "DE");
        await page.check("#adult_content");
        await submit(page, "form[action='/me/settings'] button[type=submit]");
        assert.equal((await page.textContent("#adult_content-error")).trim(), t.problems.adult_age);
        assert.equal(await page.getAttribute("#adult_content", "aria-invalid"), "true");
        assert.equal(await page.inputValue("#region"), "DE", "the choice is kept while the form is refused");
        await look("adult-refused", ["#adult_content"]);
        await page.uncheck("#adult_content");
        await submit(page, "form[action='/me/settings'] button[type=submit]");
        assert.match(page.url(), /\/me\/settings\?saved=1/);
        assert.equal(await page.inputValue("#region"), "DE");
        const cookies = Object.fromEntries((await context.cookies()).map((c) => [c.name, c.value]));
        assert.equal(cookies.mq_region, "DE", "pages follow the region (and so does nginx's micro-cache)");
        await look("region-saved", ["#region"]);
      });
      const grown = await memberIn(lang);
      assert.equal((await api("PATCH", "/api/v1/users/me", grown.token, { date_of_birth: born(30) })).status, 200);
      await journey("audience-adult", { lang, screen, cookies: grown.cookies }, async (page, look) => {
        await page.goto("/me/settings");
        await page.check("#adult_content");
        await submit(page, "form[action='/me/settings'] button[type=submit]");
        assert.match(page.url(), /\/me\/settings\?saved=1/);
        assert.equal(await page.isChecked("#adult_content"), true);
        await look("adult-on", ["#adult_content"]);
      });
      const me = await (await api("GET", "/api/v1/users/me", grown.token)).json();
      assert.equal(me.data.settings.adult_content, true);
    });

    test(`a member deletes their account (${lang}, ${screen})`, async () => {
      const m = await memberIn(lang);
      assert.equal((await api("POST", "/api/v1/ratings", m.token, { movie_id: 550, rating: 9 })).status, 201);
      await journey("delete", { lang, screen, cookies: m.cookies }, async (page, look, t) => {
        await page.goto("/me/settings");
        await page.fill("#delete_password", PASSWORD);
        await submit(page, "form[action='/me/delete'] button[type=submit]");
        assert.equal((await page.textContent("#delete_confirm-error")).trim(), t.settings.delete_unconfirmed);
        await look("unconfirmed", ["#delete_confirm", "#delete_password", "form[action='/me/delete'] button[type=submit]"]);
        await page.fill("#delete_password", "not my password");
        await page.check("#delete_confirm");
        await submit(page, "form[action='/me/delete'] button[type=submit]");
        assert.equal((await page.textContent("#delete_password-error")).trim(), t.settings.delete_wrong);
        await page.fill("#delete_password", PASSWORD);
        await page.check("#delete_confirm");
        await submit(page, "form[action='/me/delete'] button[type=submit]");
        assert.match(page.url(), /\/me\/deleted$/);
        assert.equal((await page.textContent("main h1")).trim(), t.account.deleted_title);
        assert.equal(await page.locator("header a[href='/login']").count() > 0, true, "shown as a visitor");
        await look("deleted", ["main a[href='/']"]);
      });
      assert.equal((await api("POST", "/api/v1/auth/login", null, { email: m.email, password: PASSWORD })).status, 401);
    });
  }
