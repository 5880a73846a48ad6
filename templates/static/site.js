/* site.js — progressive enhancement only: every page works without it. Loaded with `defer`
 * from the layout (the Content-Security-Policy forbids inline scripts). */
"use strict";

document.documentElement.classList.replace("no-js", "js");

/* The page's words and its way with numbers and dates. Every word this script shows comes from
 * the page (the layout's #site-words, filled from the message catalogue, or a section's own
 * data-* texts); numbers and dates are written as the server writes them: Persian digits and
 * the Solar Hijri calendar on Persian pages (core/l10n.h). */
const lang = document.documentElement.lang || "en";
const words = document.getElementById("site-words")?.dataset || {};
/* words[key] with each "{name}" replaced by params[name] */
const word = (key, params = {}) =>
  (words[key] || "").replace(/\{(\w+)\}/g, (all, name) => (name in params ? String(params[name]) : all));
/* a title or name inside a sentence, kept apart from it for the bidirectional algorithm (FSI …
 * PDI): a Latin title in a Persian sentence keeps its own order, and the sentence its own */
const isolate = (text) => "\u2068" + text + "\u2069";
const numberFormats = new Map();
/* n with fraction digits (grouped), or as digits only (years) when plain */
function number(n, fraction = 0, plain = false) {
  const key = fraction + (plain ? "p" : "");
  if (!numberFormats.has(key))
    numberFormats.set(key, new Intl.NumberFormat(lang, { minimumFractionDigits: fraction, maximumFractionDigits: fraction, useGrouping: !plain }));
  return numberFormats.get(key).format(n);
}
/* a rating: a half shows its decimal */
const ratingText = (r) => number(r, Number.isInteger(r) ? 0 : 1);
const dayFormat = new Intl.DateTimeFormat(lang === "fa" ? "fa-IR-u-ca-persian" : "en-GB",
  { year: "numeric", month: "long", day: "numeric" });
/* an ISO 8601 moment as a day ("12 March 2010" / "۲۱ اسفند ۱۳۸۸"), "" when it is not one */
function day(iso) {
  const t = Date.parse(iso || "");
  return Number.isNaN(t) ? "" : dayFormat.format(new Date(t));
}

/* A movie card like templates/partials/movie-card.mustache, built with DOM calls (never HTML
 * strings, so a title cannot inject markup). */
/* What stands in for a missing image: a box of the image's shape, with the title in it. */
/* The first letter of each of the first two words, kept apart by a zero-width non-joiner (as
 * lib/site/moviepage.c makes them). */
const initials = (title) => title.trim().split(/\s+/).slice(0, 2).map((w) => [...w][0] || "").join("\u200c");

/* A missing image's placeholder: a poster's shows the title's initials and the title (on its
 * genre's colour, from the card's data-genre), a photo the name. */
function placeholder(className, text) {
  const box = document.createElement("span");
  box.className = className;
  box.setAttribute("aria-hidden", "true");
  if (className.includes("no-poster") && text) {
    const mark = document.createElement("span");
    mark.className = "ph-initials";
    mark.textContent = initials(text);
    const title = document.createElement("span");
    title.className = "ph-title";
    title.textContent = text;
    box.append(mark, title);
  } else {
    box.textContent = text || "";
  }
  return box;
}

/* A poster, backdrop or photo that cannot be loaded gives way to its placeholder, which takes
 * the same box: nothing on the page moves, and no broken-image icon shows. Images that failed
 * before this script ran are found at once; later ones (lazy, or added) as they fail. */
function replaceBroken(img) {
  if (!(img instanceof HTMLImageElement) || !img.closest("main")) return;
  const title = img.closest(".card")?.querySelector(".card-title")?.textContent ||
    img.closest(".cast li")?.querySelector(".person")?.textContent ||
    document.querySelector(".movie-facts h1")?.firstChild?.textContent?.trim() || "";
  const kind = img.classList.contains("backdrop") ? "backdrop no-backdrop"
    : img.classList.contains("poster") ? "poster no-poster"
    : img.closest(".cast") ? "no-photo" : "no-poster";
  img.replaceWith(placeholder(kind, kind.includes("backdrop") ? "" : title));
}
document.addEventListener("error", (event) => replaceBroken(event.target), true);
document.querySelectorAll("main img").forEach((img) => { if (img.complete && img.naturalWidth === 0) replaceBroken(img); });

function movieCard(movie) {
  const li = document.createElement("li");
  li.className = "card";
  const a = document.createElement("a");
  a.href = "/movies/" + encodeURIComponent(movie.slug || movie.tmdb_id);
  if (movie.poster_url) {
    const img = document.createElement("img");
    img.src = movie.poster_url;
    img.alt = "";
    img.width = 342;
    img.height = 513;
    img.loading = "lazy";
    img.decoding = "async";
    a.append(img);
  } else {
    a.append(placeholder("no-poster", movie.title));
  }
  const title = document.createElement("span");
  title.className = "card-title";
  title.append(Object.assign(document.createElement("bdi"), { textContent: movie.title }));
  const meta = document.createElement("span");
  meta.className = "card-meta";
  if (movie.year) meta.append(number(movie.year, 0, true));
  if (movie.vote_count > 0) {
    const star = document.createElement("span");
    star.setAttribute("aria-label", word("tmdbRating"));
    star.textContent = "★";
    meta.append(movie.year ? " · " : "", star, " " + number(movie.vote_average, 1));
  }
  a.append(title, meta);
  li.append(a);
  if (movie.reason) li.append(reasonLine(movie.reason));
  return li;
}

/* "Because you liked …" under a recommended movie. */
function reasonLine(reason) {
  const p = document.createElement("p");
  p.className = "card-reason";
  if (reason.kind === "because" && reason.title)
    p.textContent = word("because", { title: isolate(reason.title) });
  else if (reason.kind === "genre")
    p.textContent = reason.genre ? word("genre", { genre: isolate(reason.genre) }) : word("yourGenres");
  else
    p.textContent = word("popular");
  return p;
}

/* Sections loaded after the first paint: <section data-src="/api/…"> with skeleton cards. */
async function loadSection(section) {
  const list = section.querySelector("ul");
  const say = (text) => {
    const p = document.createElement("p");
    p.className = "notice";
    p.textContent = text;
    list.replaceWith(p);
  };
  try {
    const res = await fetch(section.dataset.src, { headers: { Accept: "application/json" } });
    if (!res.ok) throw new Error("HTTP " + res.status);
    const body = await res.json();
    const movies = (body.data || []).slice(0, 12);
    if (movies.length === 0) {
      say(section.dataset.empty);
    } else {
      const cards = document.createElement("ul");
      cards.className = "cards";
      cards.append(...movies.map((m) => {
        const card = movieCard(m);
        if (section.dataset.notInterested && (m.id || m.tmdb_id)) card.append(notInterestedButton(m, section.dataset.notInterested));
        return card;
      }));
      list.replaceWith(cards);
    }
  } catch (e) {
    say(section.dataset.error);
  } finally {
    section.setAttribute("aria-busy", "false");
  }
}

document.querySelectorAll("section[data-src]").forEach(loadSection);

/* ---- a member's lists: optimistic toggles, the rating form, live updates ----
 * Toggles are forms posting to /me/lists (templates/partials/toggle.mustache). Here they flip at
 * once and call the JSON API; a refusal flips them back with a visible message. Every open page
 * of the member follows their changes through /live (Server-Sent Events), or by polling
 * /api/v1/lists with If-None-Match where live updates are unavailable. */

const csrfToken = document.querySelector('meta[name="csrf-token"]')?.content;
const signedIn = Boolean(document.body.dataset.user);

async function api(method, path, body) {
  const headers = { Accept: "application/json" };
  if (csrfToken) headers["X-CSRF-Token"] = csrfToken;
  const init = { method, headers, credentials: "same-origin" };
  if (body !== undefined) {
    headers["Content-Type"] = "application/json";
    init.body = JSON.stringify(body);
  }
  const res = await fetch(path, init);
  if (res.status === 401 && document.body.dataset.user) {
    /* the session ended elsewhere (logout on another device, expiry): the page, read again,
     * shows the visitor signed out and says why; nothing more happens here */
    location.reload();
    await new Promise(() => {});
  }
  return res;
}

/* A message that stays a few seconds, read out by screen readers. */
function toast(text) {
  let box = document.querySelector(".toast");
  if (!box) {
    box = document.createElement("div");
    box.className = "toast";
    box.setAttribute("role", "alert");
    document.body.append(box);
  }
  box.textContent = text;
  box.hidden = false;
  clearTimeout(toast.timer);
  toast.timer = setTimeout(() => { box.hidden = true; }, 6000);
}

/* The toggle containers of a movie, named by its id or its TMDB id. */
function boxesOf(movie, tmdbId) {
  return [...document.querySelectorAll(".member-actions")].filter((box) =>
    box.dataset.movie === movie ||
    (tmdbId != null && (box.dataset.tmdb === String(tmdbId) || box.dataset.movie === String(tmdbId))));
}

function setToggle(button, on) {
  button.setAttribute("aria-pressed", on ? "true" : "false");
  const next = button.form?.elements.on;
  if (next) next.value = on ? "0" : "1";
}

/* A toggle whose change is on its way to the server keeps what the member chose: news that
 * left the server before that change must not undo it (the change's own answer syncs after). */
const settled = (button) => button.form?.getAttribute("aria-busy") !== "true";

function setList(boxes, list, on, force) {
  for (const box of boxes)
    box.querySelectorAll(`button[data-list="${list}"]`).forEach((b) => { if (force || settled(b)) setToggle(b, on); });
}

function toggleRequest(list, movie, on) {
  const m = encodeURIComponent(movie);
  if (list === "watchlist")
    return on ? api("PUT", "/api/v1/users/me/watchlist", { movie_id: movie }) : api("DELETE", "/api/v1/users/me/watchlist/" + m);
  if (list === "favorite")
    return on ? api("POST", "/api/v1/users/me/favorites", { movie_id: movie }) : api("DELETE", "/api/v1/users/me/favorites/" + m);
  return api(on ? "PUT" : "DELETE", `/api/v1/interactions/${list}/${m}`);
}

/* "your watchlist": data-list-<list> */
const listName = (list) => word("list" + list[0].toUpperCase() + list.slice(1));

document.addEventListener("submit", async (event) => {
  const form = event.target.closest("form.toggle-form");
  if (!form || !window.fetch) return;
  event.preventDefault();
  if (form.getAttribute("aria-busy") === "true") return; /* one change of a toggle at a time */
  const button = form.querySelector("button[data-list]");
  const list = button.dataset.list;
  const movie = form.elements.movie.value;
  const box = form.closest(".member-actions");
  const boxes = boxesOf(box.dataset.movie, box.dataset.tmdb);
  const on = button.getAttribute("aria-pressed") !== "true";
  changeSeq++;
  setList(boxes, list, on, true); /* at once: the server answers later */
  form.setAttribute("aria-busy", "true");
  try {
    const res = await toggleRequest(list, movie, on);
    if (!res.ok && !(res.status === 404 && !on)) throw new Error("HTTP " + res.status);
    await syncLists(); /* side effects: a favourite joins the watchlist, a like drops a dislike */
  } catch (e) {
    setList(boxes, list, !on, true);
    toast(word("toggleFailed", { list: listName(list) }));
  } finally {
    form.removeAttribute("aria-busy");
  }
});

/* ---- the member's lists as the server has them ---- */

let listsVersion = null;
let listsEtag = null;

function showRating(form, rating) {
  form.dataset.rating = rating == null ? "" : String(rating);
  for (const input of form.querySelectorAll('input[name="rating"]'))
    input.checked = rating != null && Number(input.value) === Math.floor(rating);
  const current = form.querySelector(".current-rating");
  if (current && rating != null) current.textContent = ratingText(rating);
  const remove = form.querySelector(".remove-rating");
  if (remove) remove.hidden = rating == null;
}

function applyState(movies) {
  for (const box of document.querySelectorAll(".member-actions")) {
    const entry = movies.find((m) => m.movie_id === box.dataset.movie ||
      (m.tmdb_id != null && (String(m.tmdb_id) === box.dataset.tmdb || String(m.tmdb_id) === box.dataset.movie)));
    box.querySelectorAll("button[data-list]").forEach((b) => {
      if (settled(b)) setToggle(b, Boolean(entry && entry[b.dataset.list]));
    });
  }
  for (const form of document.querySelectorAll("form.review-form[data-movie]")) {
    const entry = movies.find((m) => m.movie_id === form.dataset.movie);
    showRating(form, entry ? entry.rating : null);
  }
}

/* Bumped when the member changes something on this page: an answer of /api/v1/lists asked for
 * before the change may not hold it, and is not applied (the change's own sync follows). */
let changeSeq = 0;

async function syncLists() {
  const seq = changeSeq;
  const headers = { Accept: "application/json" };
  if (listsEtag) headers["If-None-Match"] = listsEtag;
  const res = await fetch("/api/v1/lists", { headers, credentials: "same-origin", cache: "no-store" });
  if (res.status === 304 || !res.ok) return;
  const { data } = await res.json();
  if (seq !== changeSeq) return;
  /* a hint newer than this answer was applied while it was on its way: the page is ahead of it */
  if (listsVersion !== null && data.version < listsVersion) return;
  listsEtag = res.headers.get("ETag");
  listsVersion = data.version;
  applyState(data.movies);
}

/* A hint {type, op, movie, v, …} applied in place; false when the page cannot tell (a card
 * known only by its TMDB id), so the lists are fetched instead. */
function applyHint(hint) {
  const boxes = boxesOf(hint.movie, null);
  if ([...document.querySelectorAll(".member-actions")].some((b) => !/^[0-9a-f]{24}$/.test(b.dataset.movie)))
    return false;
  if (hint.type === "watchlist") {
    /* the favourites are a list of their own; an item added says whether its movie is one */
    setList(boxes, "watchlist", hint.op === "add");
    if (hint.op === "add") setList(boxes, "favorite", Boolean(hint.favorite));
  } else if (hint.type === "rating") {
    document.querySelectorAll(`form.review-form[data-movie="${hint.movie}"]`)
      .forEach((f) => showRating(f, hint.op === "set" ? hint.rating : null));
    if (document.querySelector(`form.review-form[data-movie="${hint.movie}"]`)) refreshAverage().catch(() => {});
  } else {
    setList(boxes, hint.type, hint.op === "add");
    if (hint.op === "add" && hint.type === "liked") setList(boxes, "disliked", false);
    if (hint.op === "add" && hint.type === "disliked") setList(boxes, "liked", false);
  }
  return true;
}

function onHint(hint) {
  if (listsVersion !== null && hint.v <= listsVersion) return; /* seen: our own change, synced */
  if (listsVersion !== null && hint.v === listsVersion + 1 && applyHint(hint)) {
    listsVersion = hint.v;
    return;
  }
  syncLists().catch(() => {}); /* a missed hint, or no version yet: ask for everything */
}

let polling = false;
function startPolling() {
  if (polling) return;
  polling = true;
  setInterval(() => {
    if (document.visibilityState === "visible") syncLists().catch(() => {});
  }, 30000);
}

function startLive() {
  if (!("EventSource" in window)) return startPolling();
  const source = new EventSource("/live");
  let failures = 0;
  source.addEventListener("lists", (event) => {
    failures = 0;
    try { onHint(JSON.parse(event.data)); } catch (e) { syncLists().catch(() => {}); }
  });
  source.addEventListener("open", () => {
    if (failures > 0) syncLists().catch(() => {}); /* back after a gap: catch up */
    failures = 0;
  });
  source.addEventListener("error", () => {
    failures += 1;
    if (source.readyState === EventSource.CLOSED || failures >= 3) {
      source.close();
      startPolling();
    }
  });
}

if (signedIn) {
  if (document.querySelector(".member-actions, form.review-form")) syncLists().catch(() => {});
  startLive();
}

/* ---- the rating and review form ---- */

/* errors: [{field?, text}], each shown by its field, or under the form */
function showFieldErrors(form, errors) {
  form.querySelectorAll(".field-error[data-field]").forEach((p) => { p.textContent = ""; });
  const general = [];
  for (const { field, text } of errors) {
    const box = field && form.querySelector(`.field-error[data-field="${field}"]`);
    if (box && !box.textContent) box.textContent = text;
    else if (!box || box.textContent !== text) general.push(text);
  }
  form.querySelector(".form-status").textContent = general.join(" ");
}

/* The movie's member average and count, read again after the member's rating changed, in the
 * page's words (the element's data-*) and digits. */
async function refreshAverage() {
  const lang = document.documentElement.lang;
  for (const dd of document.querySelectorAll("dd.member-average[data-src]")) {
    const res = await fetch(dd.dataset.src, { headers: { Accept: "application/json" }, cache: "no-store" });
    if (!res.ok) continue;
    const { data } = await res.json();
    const n = data.rating_count || 0;
    if (!n || data.average_rating == null) {
      dd.textContent = dd.dataset.notRated;
      continue;
    }
    const average = document.createElement("strong");
    average.textContent = new Intl.NumberFormat(lang, { minimumFractionDigits: 1, maximumFractionDigits: 1 }).format(data.average_rating);
    const count = document.createElement("span");
    count.className = "muted";
    count.textContent = "(" + (n === 1 ? dd.dataset.one : dd.dataset.many.replace("{count}", new Intl.NumberFormat(lang).format(n))) + ")";
    dd.replaceChildren(average, dd.dataset.outOf + " ", count);
  }
}

/* A refusal in the page's words: the API says what it refused in English, for programs (its
 * error shape is the same for every client); the page's own form endpoint says it in the page's
 * language. The same values posted there come back as the movie's page (400) with the problems
 * in place (lib/site/page.c, mq_page_form), copied from it. Nothing is saved by a refused post;
 * null when the page took the values after all (saved). */
async function pageProblems(form, body) {
  const values = new URLSearchParams({ _csrf: form.elements._csrf.value });
  for (const name of ["rating", "review"]) if (body[name] !== undefined) values.set(name, String(body[name]));
  const res = await fetch(form.action, {
    method: "POST", credentials: "same-origin", headers: { Accept: "text/html" }, body: values,
  });
  if (res.ok && res.redirected) return null;
  if (res.status !== 400) throw new Error("HTTP " + res.status);
  const page = new DOMParser().parseFromString(await res.text(), "text/html");
  const errors = [];
  page.querySelectorAll("form.review-form .field-error[data-field]").forEach((p) => {
    if (p.textContent) errors.push({ field: p.dataset.field, text: p.textContent });
  });
  page.querySelectorAll("form.review-form .form-errors li").forEach((li) => errors.push({ text: li.textContent }));
  return errors;
}

async function saveRating(form, body) {
  const status = form.querySelector(".form-status");
  const before = form.dataset.rating ? Number(form.dataset.rating) : null;
  changeSeq++;
  if (body.rating !== undefined) showRating(form, body.rating);
  status.textContent = word("saving");
  try {
    const res = await api("PUT", form.dataset.api, body);
    if (res.status === 400) throw { refused: true };
    if (!res.ok) throw new Error("HTTP " + res.status);
    const { data } = await res.json();
    showRating(form, data.rating);
    showFieldErrors(form, []);
    status.textContent = word("saved");
    document.querySelectorAll("section[data-reviews-src]").forEach((s) => loadReviews(s, 1, true));
    refreshAverage().catch(() => {});
    syncLists().catch(() => {});
  } catch (problem) {
    showRating(form, before); /* back to what the server has */
    const errors = problem && problem.refused ? await pageProblems(form, body).catch(() => undefined) : undefined;
    if (errors === null) { /* saved after all */
      showFieldErrors(form, []);
      status.textContent = word("saved");
      syncLists().catch(() => {});
    } else if (errors) {
      showFieldErrors(form, errors);
    } else {
      const text = word("saveFailed");
      showFieldErrors(form, [{ text }]);
      toast(text);
    }
  }
}

async function removeRating(form) {
  const status = form.querySelector(".form-status");
  status.textContent = word("removing");
  changeSeq++;
  try {
    const res = await api("DELETE", form.dataset.api);
    if (!res.ok && res.status !== 404) throw new Error("HTTP " + res.status);
    showRating(form, null);
    form.elements.review.value = "";
    showFieldErrors(form, []);
    status.textContent = word("removed");
    document.querySelectorAll("section[data-reviews-src]").forEach((s) => loadReviews(s, 1, true));
    refreshAverage().catch(() => {});
    syncLists().catch(() => {});
  } catch (e) {
    const text = word("removeFailed");
    showFieldErrors(form, [{ text }]);
    toast(text);
  }
}

/* A star clicked is saved at once; stars chosen with the arrow keys are saved once the member
 * stops on one (each key press moves the choice, and would otherwise be a save). */
let starPointer = 0;
let starTimer = null;
document.addEventListener("pointerdown", (event) => {
  if (event.target.closest && event.target.closest("form.review-form .stars")) starPointer = Date.now();
});
document.addEventListener("change", (event) => {
  const input = event.target;
  const form = input.closest && input.closest("form.review-form");
  if (!form || input.name !== "rating" || !window.fetch) return;
  clearTimeout(starTimer);
  const save = () => saveRating(form, { rating: Number(input.value) });
  const clicked = Date.now() - starPointer < 1000;
  starPointer = 0; /* one click, one change: the keys that follow wait */
  if (clicked) save();
  else starTimer = setTimeout(save, 1200);
});

document.addEventListener("submit", (event) => {
  const form = event.target.closest("form.review-form");
  if (!form || !window.fetch) return;
  event.preventDefault();
  clearTimeout(starTimer);
  if (event.submitter && event.submitter.name === "remove") {
    removeRating(form);
    return;
  }
  const checked = form.querySelector('input[name="rating"]:checked');
  const body = { review: form.elements.review.value };
  if (checked) body.rating = Number(checked.value);
  saveRating(form, body);
});

/* ---- reviews, loaded after the first paint, a page at a time ---- */

function reviewItem(r) {
  const li = document.createElement("li");
  li.className = "review";
  const head = document.createElement("p");
  head.className = "review-head";
  const name = document.createElement("strong");
  name.append(Object.assign(document.createElement("bdi"), {
    textContent: (r.user && (r.user.name || r.user.username)) || word("reviewer") }));
  const stars = document.createElement("span");
  stars.className = "review-rating";
  stars.textContent = "★ " + ratingText(r.rating) + word("outOfTen");
  const time = document.createElement("time");
  time.dateTime = r.created_at;
  time.textContent = day(r.created_at);
  head.append(name, " ", stars, " ", time);
  li.append(head);
  if (r.review) {
    const text = document.createElement("p");
    text.className = "review-text";
    text.dir = "auto";
    text.textContent = r.review;
    li.append(text);
  }
  return li;
}

async function loadReviews(section, page, replace) {
  const list = section.querySelector("ul");
  section.setAttribute("aria-busy", "true");
  section.querySelector(".more-reviews")?.remove();
  try {
    const url = new URL(section.dataset.reviewsSrc, location.href);
    url.searchParams.set("page", page);
    const res = await fetch(url, { headers: { Accept: "application/json" }, cache: "no-store" });
    if (!res.ok) throw new Error("HTTP " + res.status);
    const body = await res.json();
    const items = body.data.map(reviewItem);
    list.classList.remove("skeleton");
    if (replace || page === 1) list.replaceChildren(...items);
    else list.append(...items);
    if (body.data.length === 0 && page === 1) {
      const empty = document.createElement("li");
      empty.className = "notice";
      empty.textContent = section.dataset.empty;
      list.replaceChildren(empty);
    }
    if (body.meta && body.meta.hasNextPage) {
      const more = document.createElement("button");
      more.type = "button";
      more.className = "more-reviews";
      more.textContent = section.dataset.more;
      more.addEventListener("click", () => loadReviews(section, page + 1, false));
      section.append(more);
    }
  } catch (e) {
    const p = document.createElement("p");
    p.className = "notice";
    p.textContent = section.dataset.error;
    list.replaceWith(p);
  } finally {
    section.setAttribute("aria-busy", "false");
  }
}

document.querySelectorAll("section[data-reviews-src]").forEach((s) => loadReviews(s, 1, true));

/* ---- "not interested": a dislike, and the card goes ---- */

async function notInterested(movie, card) {
  card.hidden = true;
  try {
    const res = await api("PUT", `/api/v1/interactions/disliked/${encodeURIComponent(movie)}`);
    if (!res.ok) throw new Error("HTTP " + res.status);
    card.remove();
  } catch (e) {
    card.hidden = false;
    toast(word("hideFailed"));
  }
}

function notInterestedButton(movie, label) {
  const button = document.createElement("button");
  button.type = "button";
  button.className = "link-button not-interested";
  button.textContent = label;
  button.addEventListener("click", () => notInterested(movie.id || String(movie.tmdb_id), button.closest("li")));
  return button;
}

document.addEventListener("submit", (event) => {
  const form = event.target.closest("form.not-interested");
  if (!form || !window.fetch) return;
  event.preventDefault();
  notInterested(form.elements.movie.value, form.closest("li"));
});

/* ---- the admin's movie form: cast rows to add and reorder, and what a save will change ---- */

function castRowControls(form) {
  const body = form.querySelector(".cast-rows tbody");
  if (!body) return;
  const renumber = () => body.querySelectorAll("tr.cast-row").forEach((row, i) => {
    row.querySelectorAll("input").forEach((input) => {
      input.name = input.name.replace(/_\d+$/, "_" + i);
    });
  });
  const move = (row, delta) => {
    const rows = [...body.querySelectorAll("tr.cast-row")];
    const other = rows[rows.indexOf(row) + delta];
    if (!other) return;
    if (delta < 0) body.insertBefore(row, other); else body.insertBefore(other, row);
    renumber();
    showChanges(form);
  };
  body.querySelectorAll("tr.cast-row").forEach((row) => {
    const cell = document.createElement("td");
    for (const [label, delta] of [["↑", -1], ["↓", 1]]) {
      const b = document.createElement("button");
      b.type = "button";
      b.className = "link-button";
      b.textContent = label;
      b.setAttribute("aria-label", delta < 0 ? form.dataset.moveUp : form.dataset.moveDown);
      b.addEventListener("click", () => move(row, delta));
      cell.append(b);
    }
    row.append(cell);
  });
  const add = document.createElement("button");
  add.type = "button";
  add.textContent = form.dataset.addRow;
  add.addEventListener("click", () => {
    const rows = body.querySelectorAll("tr.cast-row");
    const copy = rows[rows.length - 1].cloneNode(true);
    copy.querySelectorAll("input").forEach((input) => {
      if (input.type === "checkbox") input.checked = false; else input.value = "";
      if (input.type === "hidden") input.remove();
    });
    copy.querySelectorAll("button").forEach((b) => b.remove());
    body.append(copy);
    renumber();
  });
  body.closest("fieldset").append(add);
}

function showChanges(form) {
  const box = form.querySelector(".changes");
  if (!box) return;
  const list = box.querySelector("ul");
  list.replaceChildren();
  form.querySelectorAll("[data-original]").forEach((input) => {
    if (input.value === input.dataset.original) return;
    const label = form.querySelector(`label[for="${input.id}"]`);
    const li = document.createElement("li");
    const name = document.createElement("strong");
    name.textContent = (input.closest("fieldset")?.querySelector("legend")?.firstChild?.textContent.trim() || "") +
      (label ? " " + label.textContent : "");
    const before = document.createElement("del");
    before.textContent = input.dataset.original || "—";
    const after = document.createElement("ins");
    after.textContent = input.value || "—";
    li.append(name, ": ", before, " → ", after);
    list.append(li);
  });
  box.hidden = list.children.length === 0;
}

/* Locks by default: a field the admin changes gets its Lock box ticked, so that the next sync
 * does not put TMDB's value back; the admin may untick it, and then it stays as they left it.
 * A field's box is the one beside it, else its fieldset's (the English overview and the
 * Persian one share one lock; so do the genres, and the cast rows). locks_exact tells the
 * server the boxes say what the admin wants (without it, it locks every changed field). */
function lockOf(control) {
  if (control.closest("label.lock")) return null;
  const field = control.closest(".field");
  return (field && field.querySelector("label.lock input[type=checkbox]")) ||
    control.closest("fieldset")?.querySelector(":scope > legend label.lock input[type=checkbox], :scope > .field label.lock input[type=checkbox]") || null;
}

function autoLock(form) {
  if (!form.querySelector("label.lock")) return; // adding a movie: nothing to lock yet
  const exact = document.createElement("input");
  exact.type = "hidden";
  exact.name = "locks_exact";
  exact.value = "1";
  form.append(exact);
  const tick = (event) => {
    const box = lockOf(event.target);
    if (box && !box.dataset.touched) box.checked = true;
  };
  form.addEventListener("input", tick);
  form.addEventListener("change", (event) => {
    if (event.target.closest("label.lock")) event.target.dataset.touched = "1"; // the admin's own choice
    else tick(event);
  });
}

document.querySelectorAll("form.movie-form").forEach((form) => {
  castRowControls(form);
  autoLock(form);
  form.addEventListener("input", () => showChanges(form));
});

/* ---- a sync run's progress on /admin/sync, from the runs API, until it ends ---- */

function syncProgress(panel) {
  const lang = document.documentElement.lang || "en";
  const number = new Intl.NumberFormat(lang === "fa" ? "fa-IR" : "en-GB");
  const since = Number(panel.dataset.since) || 0;
  const label = (prefix, key) => panel.dataset[prefix + key.replace(/(^|[-_ ])(\w)/g, (_, _s, c) => c.toUpperCase())] || key;
  const show = (run) => {
    const status = panel.querySelector(".sync-status");
    status.dataset.status = run.status;
    status.textContent = label("status", run.status);
    panel.querySelector(".sync-kind").textContent = label("kind", run.kind);
    const p = run.progress;
    const bar = panel.querySelector(".sync-bar");
    if (p) {
      const phase = / pages$/.test(p.phase) ? "pages" : p.phase;
      panel.querySelector(".sync-phase").textContent = label("phase", phase);
      panel.querySelector(".sync-done").textContent = panel.dataset.doneOf
        .replace("{}", number.format(p.done)).replace("{}", number.format(p.total));
      bar.max = Math.max(p.total, 1);
      bar.value = p.done;
    }
    for (const cell of panel.querySelectorAll(".sync-count"))
      cell.textContent = run.counts && cell.dataset.count in run.counts ? number.format(run.counts[cell.dataset.count]) : "";
    if (run.status !== "in-progress") {
      if (!p) { bar.max = 1; bar.value = 1; }
      panel.querySelector(".sync-refresh")?.remove();
    }
  };
  const poll = async () => {
    let again = true;
    try {
      const res = await fetch(panel.dataset.poll, { headers: { Accept: "application/json" }, credentials: "same-origin" });
      if (res.ok) {
        const run = (await res.json()).data?.[0];
        if (run && Date.parse(run.started_at) >= since - 2000) { // this run, not the one before it
          show(run);
          again = run.status === "in-progress";
        }
      }
    } catch (e) { /* the next poll tries again */ }
    if (again) setTimeout(poll, 1000);
  };
  poll();
}

document.querySelectorAll(".sync-progress[data-poll]").forEach((panel) => {
  if ("running" in panel.dataset) syncProgress(panel);
});

/* A movie's trailer: nothing is asked of YouTube until the visitor chooses to play it. The page
 * holds a link to the video at YouTube (what a browser without this script follows); here it
 * becomes a button that puts YouTube's privacy-enhanced player (youtube-nocookie.com, the one
 * origin the Content-Security-Policy lets frames come from) in the same 16:9 box, so nothing
 * moves. */
const NOCOOKIE = "https://www.youtube-nocookie.com/embed/";
function playTrailer(frame) {
  const iframe = document.createElement("iframe");
  iframe.src = frame.dataset.embed;
  iframe.title = frame.dataset.title || "";
  iframe.allow = "autoplay; encrypted-media; picture-in-picture; fullscreen";
  iframe.allowFullscreen = true;
  iframe.referrerPolicy = "strict-origin-when-cross-origin";
  frame.replaceChildren(iframe);
  iframe.focus();
}
document.querySelectorAll(".trailer-frame[data-embed]").forEach((frame) => {
  const link = frame.querySelector(".trailer-play");
  if (!link || !frame.dataset.embed.startsWith(NOCOOKIE)) return;
  link.setAttribute("role", "button");
  link.addEventListener("click", (e) => { e.preventDefault(); playTrailer(frame); });
  link.addEventListener("keydown", (e) => {
    if (e.key === " ") { e.preventDefault(); playTrailer(frame); }
  });
});
