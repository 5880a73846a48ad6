/* check_sync.c — unit tests for lib/domain/sync.c's pure parts: what a sync writes of a movie TMDB
 * changed (locks kept, significant changes noted) and when a lease's holder counts as gone. */
#include "suites.h"

#include "domain/sync.h"

#include <check.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cjson/cJSON.h>

/* The catalogue's movie: locked fields as given. */
static cJSON *existing_movie(const char *locked_json)
{
	char text[1024];
	snprintf(text, sizeof text,
		 "{\"tmdb_id\":550,\"title\":\"Fight Club\",\"titles\":{\"en\":\"Fight Club\",\"fa\":\"باشگاه مشت‌زنی\"},"
		 "\"runtime\":139,\"poster_path\":\"/a.jpg\",\"directors\":[{\"tmdb_id\":7467,\"name\":\"David Fincher\"}],"
		 "\"search_keys\":[\"fight club\",\"club\"],\"popularity\":61.4,\"rating_count\":3,\"locked_fields\":%s}",
		 locked_json);
	cJSON *m = cJSON_Parse(text);
	ck_assert_ptr_nonnull(m);
	return m;
}

/* TMDB's version: the existing one with changes merged in. */
static cJSON *tmdb_movie(const char *changes_json)
{
	cJSON *m = existing_movie("[]");
	cJSON_DeleteItemFromObjectCaseSensitive(m, "locked_fields");
	cJSON_DeleteItemFromObjectCaseSensitive(m, "rating_count"); /* ours, never TMDB's */
	cJSON *changes = cJSON_Parse(changes_json);
	ck_assert_ptr_nonnull(changes);
	for (cJSON *c = changes->child; c; c = c->next)
		if (cJSON_GetObjectItemCaseSensitive(m, c->string))
			cJSON_ReplaceItemInObjectCaseSensitive(m, c->string, cJSON_Duplicate(c, 1));
		else
			cJSON_AddItemToObject(m, c->string, cJSON_Duplicate(c, 1));
	cJSON_Delete(changes);
	return m;
}

static char *keys(const cJSON *obj)
{
	static char out[256];
	out[0] = '\0';
	for (const cJSON *c = obj->child; c; c = c->next) {
		strcat(out, c->string);
		if (c->next)
			strcat(out, ",");
	}
	return out;
}

START_TEST(nothing_changed_writes_nothing)
{
	cJSON *existing = existing_movie("[]"), *doc = tmdb_movie("{}"), *notes = NULL;
	cJSON *changed = mq_sync_diff(existing, doc, &notes);
	ck_assert_str_eq(keys(changed), "");
	ck_assert_int_eq(cJSON_GetArraySize(notes), 0);
	cJSON_Delete(changed);
	cJSON_Delete(notes);
	cJSON_Delete(doc);
	cJSON_Delete(existing);
}
END_TEST

START_TEST(only_changed_fields_and_significant_ones_noted)
{
	cJSON *existing = existing_movie("[]"), *notes = NULL;
	cJSON *doc = tmdb_movie("{\"runtime\":151,\"popularity\":70.2,\"imdb_id\":\"tt0137523\"}");
	cJSON *changed = mq_sync_diff(existing, doc, &notes);
	ck_assert_str_eq(keys(changed), "runtime,popularity,imdb_id");
	ck_assert_int_eq(cJSON_GetArraySize(notes), 1); /* popularity and a new imdb_id are not news */
	char *text = cJSON_PrintUnformatted(notes);
	ck_assert_str_eq(text, "[{\"field\":\"runtime\",\"before\":139,\"after\":151}]");
	cJSON_free(text);
	cJSON_Delete(changed);
	cJSON_Delete(notes);
	cJSON_Delete(doc);
	cJSON_Delete(existing);
}
END_TEST

START_TEST(locked_fields_are_never_written)
{
	cJSON *existing = existing_movie("[\"title\",\"poster_path\"]"), *notes = NULL;
	cJSON *doc = tmdb_movie("{\"title\":\"Fight Club (Remastered)\",\"titles\":{\"en\":\"Fight Club (Remastered)\","
				"\"fa\":\"باشگاه مشت‌زنی\"},\"search_keys\":[\"fight club remastered\"],"
				"\"poster_path\":\"/b.jpg\",\"runtime\":140}");
	cJSON *changed = mq_sync_diff(existing, doc, &notes);
	/* the title, its English entry in titles and its search keys stay; the runtime follows */
	ck_assert_str_eq(keys(changed), "runtime");
	ck_assert_int_eq(cJSON_GetArraySize(notes), 1);
	cJSON_Delete(changed);
	cJSON_Delete(notes);
	cJSON_Delete(doc);
	cJSON_Delete(existing);
}
END_TEST

START_TEST(null_at_tmdb_for_an_absent_field_is_no_change)
{
	cJSON *existing = existing_movie("[]"), *notes = NULL;
	cJSON *doc = tmdb_movie("{\"certification\":null,\"directors\":[]}");
	cJSON *changed = mq_sync_diff(existing, doc, &notes);
	ck_assert_str_eq(keys(changed), "directors"); /* the director gone is news; a null nobody had is not */
	ck_assert_int_eq(cJSON_GetArraySize(notes), 1);
	cJSON_Delete(changed);
	cJSON_Delete(notes);
	cJSON_Delete(doc);
	cJSON_Delete(existing);
}
END_TEST

static bson_t *lease(const char *host, long long pid, int64_t heartbeat)
{
	return BCON_NEW("_id", BCON_UTF8("marquee-sync"), "host", BCON_UTF8(host), "pid", BCON_INT64(pid),
			"heartbeat_at", BCON_DATE_TIME(heartbeat));
}

START_TEST(lease_holders)
{
	const int64_t now = 1795000000000LL;
	char holder[200];
	/* a live process on this host, fresh heartbeat: held */
	bson_t *l = lease("here", getpid(), now - 5000);
	ck_assert_int_eq(mq_sync_lease_stale("here", l, now, holder, sizeof holder), 0);
	ck_assert_ptr_nonnull(strstr(holder, "on here"));
	bson_destroy(l);
	/* a pid that no longer exists on this host: gone at once, whatever the heartbeat says */
	pid_t child = fork();
	if (child == 0)
		_exit(0);
	ck_assert_int_gt(child, 0);
	waitpid(child, NULL, 0);
	l = lease("here", child, now - 1000);
	ck_assert_int_eq(mq_sync_lease_stale("here", l, now, holder, sizeof holder), 1);
	bson_destroy(l);
	/* another host: its pids mean nothing here; only the heartbeat decides */
	l = lease("elsewhere", child, now - (MQ_SYNC_LEASE_TIMEOUT - 1) * 1000LL);
	ck_assert_int_eq(mq_sync_lease_stale("here", l, now, holder, sizeof holder), 0);
	bson_destroy(l);
	l = lease("elsewhere", getpid(), now - (MQ_SYNC_LEASE_TIMEOUT + 1) * 1000LL);
	ck_assert_int_eq(mq_sync_lease_stale("here", l, now, holder, sizeof holder), 1);
	bson_destroy(l);
}
END_TEST

Suite *sync_suite(void)
{
	Suite *s = suite_create("sync");
	TCase *tc = tcase_create("diff");
	tcase_add_test(tc, nothing_changed_writes_nothing);
	tcase_add_test(tc, only_changed_fields_and_significant_ones_noted);
	tcase_add_test(tc, locked_fields_are_never_written);
	tcase_add_test(tc, null_at_tmdb_for_an_absent_field_is_no_change);
	suite_add_tcase(s, tc);
	tc = tcase_create("lease");
	tcase_add_test(tc, lease_holders);
	suite_add_tcase(s, tc);
	return s;
}
