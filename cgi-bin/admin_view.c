/* admin_view.c — what the admin's pages show of the admin API's answers, in the page's language:
 * labels for actions, fields, kinds and states from the message catalogue, numbers in the
 * language's digits, moments in the site's time zone (TIMEZONE), audit entries with titles and
 * names rather than ids and only the fields that changed. The API itself keeps its plain values;
 * these functions add "…_label", "…_text" and "…_view" members beside them. */
#include "admin.h"
#include "core/l10n.h"
#include "site/page.h"

#include <stdio.h>
#include <string.h>
#include <time.h>

/* The names of the catalogue's keys for a machine name: "top-rated" → "top_rated". */
static const char *key_of(mq_req *req, const char *group, const char *prefix, const char *name)
{
	char *key = mq_arena_printf(req->arena, "%s.%s%s", group, prefix, name);
	for (char *p = key + strlen(group) + 1; *p; p++)
		if (*p == '-' || *p == '.')
			*p = '_';
	return key;
}

/* The label of name when it is one of known (NULL-terminated), else name itself: a value the
 * catalogue does not know (from a newer version, or data) is shown as it is. */
static const char *label_of(mq_req *req, const char *group, const char *prefix, const char *const *known,
			    const char *name)
{
	for (int i = 0; name && known[i]; i++)
		if (!strcmp(known[i], name))
			return mq_page_message(req, key_of(req, group, prefix, name));
	return name ? name : "";
}

/* out's text as the request's, out freed. */
static const char *kept(mq_req *req, mq_buf *out)
{
	char *copy = mq_arena_strdup(req->arena, mq_buf_cstr(out));
	mq_buf_free(out);
	return copy;
}

const char *admin_text(mq_req *req, const char *key, const char *arg1, const char *arg2)
{
	const char *text = mq_page_message(req, key), *args[2] = { arg1, arg2 };
	mq_buf out = MQ_BUF_INIT;
	int used = 0;
	for (const char *p = text; *p;) {
		const char *hole = strstr(p, "{}");
		size_t n = hole ? (size_t)(hole - p) : strlen(p);
		mq_buf_append(&out, p, n);
		if (!hole)
			break;
		if (used < 2 && args[used])
			mq_buf_append(&out, args[used], strlen(args[used]));
		used++;
		p = hole + 2;
	}
	return kept(req, &out);
}

const char *admin_number(mq_req *req, double value)
{
	mq_buf out = MQ_BUF_INIT;
	mq_l10n_number(&out, mq_page_language(req), value, 0);
	return kept(req, &out);
}

const char *admin_digits(mq_req *req, long long value)
{
	mq_buf out = MQ_BUF_INIT;
	mq_l10n_digits(&out, mq_page_language(req), value);
	return kept(req, &out);
}

int64_t admin_iso_ms(const char *iso)
{
	struct tm tm = { 0 };
	int ms = 0, used = 0;
	if (!iso || sscanf(iso, "%4d-%2d-%2dT%2d:%2d:%2d%n", &tm.tm_year, &tm.tm_mon, &tm.tm_mday, &tm.tm_hour,
			   &tm.tm_min, &tm.tm_sec, &used) != 6)
		return -1;
	if (iso[used] == '.')
		sscanf(iso + used + 1, "%3d", &ms);
	tm.tm_year -= 1900;
	tm.tm_mon -= 1;
	return (int64_t)timegm(&tm) * 1000 + ms;
}

const char *admin_time(mq_req *req, const char *iso)
{
	int64_t ms = admin_iso_ms(iso);
	if (ms < 0)
		return NULL;
	mq_buf out = MQ_BUF_INIT;
	mq_l10n_time(&out, mq_page_language(req), ms, MQ_DATE_DAY_TIME, mq_ctx_of(req)->cfg->timezone);
	return kept(req, &out);
}

/* Sets key_text to the local time of item's ISO member key, when it has one. */
static void add_time(mq_req *req, cJSON *item, const char *key)
{
	const char *text = admin_time(req, cJSON_GetStringValue(cJSON_GetObjectItemCaseSensitive(item, key)));
	if (text)
		cJSON_AddStringToObject(item, mq_arena_printf(req->arena, "%s_text", key), text);
}

static const char *const fields[] = { "title", "titles", "original_title", "original_language", "overview",
				      "overviews", "release_date", "year", "runtime", "genres", "poster_path",
				      "backdrop_path", "cast", "directors", "keywords", "certification", "imdb_id",
				      "popularity", "vote_average", "vote_count", "adult", "min_age", "hidden", "locked_fields", "role",
				      "slug", "tmdb_id", "source", "tmdb_missing", "kind", "pid", "removed", NULL };

const char *admin_field_label(mq_req *req, const char *field)
{
	return label_of(req, "admin_fields", "", fields, field);
}

const char *admin_kind_label(mq_req *req, const char *kind)
{
	/* what the admin may start (mq_sync_kinds), and what marquee-sync runs besides */
	static const char *const kinds[] = { "genres", "popular", "top-rated", "changes", "translations", "people",
					     "neighbours", "purge-cache", "all", "movie", "seed", NULL };
	return label_of(req, "admin_sync", "kind_", kinds, kind);
}

/* A value of a change as a person reads it: text as it is (long text cut short), numbers in
 * the language's digits, yes or no, lists by their members' names (locked fields by their
 * labels, roles by theirs), "—" for nothing. */
static const char *value_text(mq_req *req, const char *field, const cJSON *v)
{
	static const char *const roles[] = { "user", "admin", NULL };
	if (!v || cJSON_IsNull(v) || (cJSON_IsString(v) && !*v->valuestring))
		return mq_page_message(req, "admin.empty");
	if (cJSON_IsBool(v))
		return mq_page_message(req, cJSON_IsTrue(v) ? "admin.yes" : "admin.no");
	if (cJSON_IsNumber(v))
		return strcmp(field, "tmdb_id") && strcmp(field, "year") && strcmp(field, "pid")
			       ? admin_number(req, v->valuedouble)
			       : admin_digits(req, (long long)v->valuedouble); /* names more than quantities */
	if (cJSON_IsString(v)) {
		if (!strcmp(field, "role"))
			return label_of(req, "admin_users", "role_", roles, v->valuestring);
		size_t n = strlen(v->valuestring);
		if (n <= 160)
			return v->valuestring;
		size_t cut = 160;
		while (cut > 0 && ((unsigned char)v->valuestring[cut] & 0xC0) == 0x80)
			cut--; /* never inside a character */
		return mq_arena_printf(req->arena, "%.*s…", (int)cut, v->valuestring);
	}
	mq_buf out = MQ_BUF_INIT;
	const cJSON *m;
	const char *comma = mq_page_message(req, "admin.list_separator");
	int shown = 0;
	cJSON_ArrayForEach(m, v) {
		const char *name = cJSON_IsString(m) ? (!strcmp(field, "locked_fields") ? admin_field_label(req, m->valuestring)
											  : m->valuestring)
						     : cJSON_GetStringValue(cJSON_GetObjectItemCaseSensitive(m, "name"));
		if (!name)
			continue;
		if (shown++ == 12) {
			mq_buf_printf(&out, "%s…", comma);
			break;
		}
		mq_buf_printf(&out, "%s%s", shown > 1 ? comma : "", name);
	}
	if (shown)
		return kept(req, &out);
	mq_buf_free(&out);
	return cJSON_GetArraySize(v) == 0 ? mq_page_message(req, "admin.empty")
					  : admin_text(req, "admin.items", admin_number(req, cJSON_GetArraySize(v)), NULL);
}

/* Appends {label, before, after} to view when the two read differently. */
static void add_change(mq_req *req, cJSON *view, const char *label, const char *field, const cJSON *before,
		       const cJSON *after)
{
	const char *b = value_text(req, field, before), *a = value_text(req, field, after);
	if (!strcmp(a, b))
		return;
	cJSON *c = cJSON_CreateObject();
	cJSON_AddStringToObject(c, "label", label);
	cJSON_AddStringToObject(c, "before", b);
	cJSON_AddStringToObject(c, "after", a);
	cJSON_AddItemToArray(view, c);
}

/* An audit entry's changes as rows to read: only those that change what a person sees, a text
 * per language (titles, overviews) a row of its own (the English overview once, though movies
 * keep it twice); a new movie by its few defining fields. */
static cJSON *changes_view(mq_req *req, const cJSON *changes, int created)
{
	int has_overviews = 0;
	const cJSON *c;
	cJSON_ArrayForEach(c, changes) {
		const char *field = cJSON_GetStringValue(cJSON_GetObjectItemCaseSensitive(c, "field"));
		has_overviews |= field && !strcmp(field, "overviews");
	}
	static const char *const skip[] = { "id", "updated_at", "created_at", "hidden_at", "tmdb_synced_at",
					    "search_keys", "title_key", "rating_sum", "rating_count", NULL };
	static const char *const defining[] = { "title", "original_title", "release_date", "runtime", "tmdb_id", NULL };
	cJSON *view = cJSON_CreateArray();
	cJSON_ArrayForEach(c, changes) {
		const char *field = cJSON_GetStringValue(cJSON_GetObjectItemCaseSensitive(c, "field"));
		const cJSON *before = cJSON_GetObjectItemCaseSensitive(c, "before");
		const cJSON *after = cJSON_GetObjectItemCaseSensitive(c, "after");
		int skipped = !field || (has_overviews && !strcmp(field, "overview"));
		for (int i = 0; field && skip[i]; i++)
			skipped |= !strcmp(skip[i], field);
		for (int i = 0; created && field && !skipped; i++) {
			if (!defining[i]) {
				skipped = 1;
				break;
			}
			if (!strcmp(defining[i], field))
				break;
		}
		if (skipped)
			continue;
		const char *label = admin_field_label(req, field);
		if (cJSON_IsObject(before) || cJSON_IsObject(after)) { /* {"en": …, "fa": …} */
			const cJSON *sides[2] = { after, before }, *m;
			for (int side = 0; side < 2; side++)
				cJSON_ArrayForEach(m, sides[side]) {
					if (side == 1 && cJSON_GetObjectItemCaseSensitive(after, m->string))
						continue;
					const char *lang = !strcmp(m->string, "en")   ? mq_page_message(req, "admin.english")
							   : !strcmp(m->string, "fa") ? mq_page_message(req, "admin.persian")
										      : m->string;
					add_change(req, view, mq_arena_printf(req->arena, "%s (%s)", label, lang), field,
						   cJSON_GetObjectItemCaseSensitive(before, m->string),
						   cJSON_GetObjectItemCaseSensitive(after, m->string));
				}
			continue;
		}
		add_change(req, view, label, field, before, after);
	}
	return view;
}

static const char *const actions[] = { "movie.create", "movie.edit", "movie.unlock", "movie.hide", "movie.restore",
				       "movie.sync", "movie.image", "user.role", "cache.invalidate", "sync.start", NULL };
static const char *const target_kinds[] = { "movie", "user", "sync", "cache", NULL };

void admin_view_audit(mq_req *req, cJSON *items)
{
	mq_admin_audit_names(mq_ctx_of(req)->db, items); /* without names, the entries say "no longer there" */
	cJSON *e;
	cJSON_ArrayForEach(e, items) {
		const char *action = cJSON_GetStringValue(cJSON_GetObjectItemCaseSensitive(e, "action"));
		const char *kind = cJSON_GetStringValue(cJSON_GetObjectItemCaseSensitive(e, "kind"));
		const char *target = cJSON_GetStringValue(cJSON_GetObjectItemCaseSensitive(e, "target"));
		const char *actor = cJSON_GetStringValue(cJSON_GetObjectItemCaseSensitive(e, "actor_name"));
		if (action && !strcmp(action, "movie.delete")) /* hiding, as it was audited before movie.hide */
			action = "movie.hide";
		cJSON_AddStringToObject(e, "action_label", label_of(req, "admin_actions", "", actions, action));
		cJSON_AddStringToObject(e, "kind_label", label_of(req, "admin_audit", "kind_", target_kinds, kind));
		add_time(req, e, "at");
		cJSON_AddStringToObject(e, "actor_label", actor ? actor : mq_page_message(req, "admin_audit.gone"));
		const char *title = cJSON_GetStringValue(cJSON_GetObjectItemCaseSensitive(e, "target_title"));
		const char *name = cJSON_GetStringValue(cJSON_GetObjectItemCaseSensitive(e, "target_name"));
		const char *label = title ? title : name;
		if (!label && kind && !strcmp(kind, "sync"))
			label = admin_kind_label(req, target);
		else if (!label && kind && !strcmp(kind, "cache"))
			label = target && strcmp(target, "*") ? target : mq_page_message(req, "admin_audit.all_cache");
		cJSON_AddStringToObject(e, "target_label", label ? label : mq_page_message(req, "admin_audit.gone"));
		if (title && target)
			cJSON_AddStringToObject(e, "target_href", mq_arena_printf(req->arena, "/admin/movies/%s", target));
		/* starting a run records the run, which the target says already */
		cJSON *view = action && !strcmp(action, "sync.start")
				      ? cJSON_CreateArray()
				      : changes_view(req, cJSON_GetObjectItemCaseSensitive(e, "changes"),
						     action && !strcmp(action, "movie.create"));
		cJSON_AddBoolToObject(e, "has_changes", cJSON_GetArraySize(view) > 0);
		cJSON_AddItemToObject(e, "changes_view", view);
	}
}

void admin_view_pagination(mq_req *req, cJSON *pagination)
{
	static const char *const numbers[] = { "page", "total_pages", NULL };
	for (int i = 0; numbers[i]; i++) {
		const cJSON *n = cJSON_GetObjectItemCaseSensitive(pagination, numbers[i]);
		if (cJSON_IsNumber(n))
			cJSON_ReplaceItemInObjectCaseSensitive(pagination, numbers[i],
							       cJSON_CreateString(admin_digits(req, (long long)n->valuedouble)));
	}
}

void admin_view_notifications(mq_req *req, cJSON *items)
{
	static const char *const kinds[] = { "tmdb_change", "tmdb_missing", NULL };
	cJSON *n;
	cJSON_ArrayForEach(n, items) {
		cJSON_AddStringToObject(n, "kind_label", label_of(req, "admin_notifications", "kind_", kinds,
								  cJSON_GetStringValue(cJSON_GetObjectItemCaseSensitive(n, "kind"))));
		add_time(req, n, "at");
		const cJSON *id = cJSON_GetObjectItemCaseSensitive(n, "tmdb_id");
		if (cJSON_IsNumber(id))
			cJSON_AddStringToObject(n, "tmdb_id_text", admin_digits(req, (long long)id->valuedouble));
		cJSON *view = cJSON_CreateArray();
		const cJSON *f;
		cJSON_ArrayForEach(f, cJSON_GetObjectItemCaseSensitive(n, "fields")) {
			const char *field = cJSON_GetStringValue(cJSON_GetObjectItemCaseSensitive(f, "field"));
			if (field)
				add_change(req, view, admin_field_label(req, field), field,
					   cJSON_GetObjectItemCaseSensitive(f, "before"), cJSON_GetObjectItemCaseSensitive(f, "after"));
		}
		cJSON_AddItemToObject(n, "changes_view", view);
	}
}

/* The key of a phase's label: "popular pages" and the like are all TMDB's lists. */
static const char *phase_key(const char *phase)
{
	size_t n = phase ? strlen(phase) : 0;
	if (n > 6 && !strcmp(phase + n - 6, " pages"))
		return "admin_sync.phase_pages";
	return !phase				? NULL
	       : !strcmp(phase, "genres")	? "admin_sync.phase_genres"
	       : !strcmp(phase, "movies")	? "admin_sync.phase_movies"
	       : !strcmp(phase, "neighbours") ? "admin_sync.phase_neighbours"
					      : NULL;
}

void admin_view_run(mq_req *req, cJSON *run)
{
	static const char *const statuses[] = { "in-progress", "success", "partial", "failed", NULL };
	static const char *const counted[] = { "fetched", "inserted", "updated", "failed", NULL };
	const char *status = cJSON_GetStringValue(cJSON_GetObjectItemCaseSensitive(run, "status"));
	cJSON_AddStringToObject(run, "kind_label", admin_kind_label(req, cJSON_GetStringValue(
									      cJSON_GetObjectItemCaseSensitive(run, "kind"))));
	cJSON_AddStringToObject(run, "status_label", label_of(req, "admin_sync", "status_", statuses, status));
	cJSON_AddBoolToObject(run, "running", status && !strcmp(status, "in-progress"));
	add_time(req, run, "started_at");
	add_time(req, run, "finished_at");
	const cJSON *counts = cJSON_GetObjectItemCaseSensitive(run, "counts");
	cJSON *text = cJSON_AddObjectToObject(run, "counts_text");
	for (int i = 0; counted[i]; i++) {
		const cJSON *n = cJSON_GetObjectItemCaseSensitive(counts, counted[i]);
		cJSON_AddStringToObject(text, counted[i], cJSON_IsNumber(n) ? admin_number(req, n->valuedouble) : "");
	}
	const cJSON *progress = cJSON_GetObjectItemCaseSensitive(run, "progress");
	const cJSON *done = cJSON_GetObjectItemCaseSensitive(progress, "done");
	const cJSON *total = cJSON_GetObjectItemCaseSensitive(progress, "total");
	const char *phase = phase_key(cJSON_GetStringValue(cJSON_GetObjectItemCaseSensitive(progress, "phase")));
	if (cJSON_IsNumber(done) && cJSON_IsNumber(total)) {
		cJSON *view = cJSON_AddObjectToObject(run, "progress_view");
		cJSON_AddStringToObject(view, "phase", phase ? mq_page_message(req, phase) : "");
		cJSON_AddNumberToObject(view, "done", done->valuedouble);
		cJSON_AddNumberToObject(view, "total", total->valuedouble > 0 ? total->valuedouble : 1);
		cJSON_AddStringToObject(view, "text", admin_text(req, "admin_sync.done_of", admin_number(req, done->valuedouble),
								 admin_number(req, total->valuedouble)));
	}
}
