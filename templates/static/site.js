/* site.js — progressive enhancement only: every page works without it. Loaded with `defer`
 * from the layout (the Content-Security-Policy forbids inline scripts). */
"use strict";

document.documentElement.classList.replace("no-js", "js");

/* A movie card like templates/partials/movie-card.mustache, built with DOM calls (never HTML
 * strings, so a title cannot inject markup). */
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
    const none = document.createElement("span");
    none.className = "no-poster";
    none.setAttribute("aria-hidden", "true");
    a.append(none);
  }
  const title = document.createElement("span");
  title.className = "card-title";
  title.textContent = movie.title;
  const meta = document.createElement("span");
  meta.className = "card-meta";
  meta.textContent = [movie.year, movie.vote_count > 0 ? "★ " + movie.vote_average.toFixed(1) : ""]
    .filter(Boolean).join(" · ");
  a.append(title, meta);
  li.append(a);
  return li;
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
      cards.append(...movies.map(movieCard));
      list.replaceWith(cards);
    }
  } catch (e) {
    say(section.dataset.error);
  } finally {
    section.setAttribute("aria-busy", "false");
  }
}

document.querySelectorAll("section[data-src]").forEach(loadSection);
