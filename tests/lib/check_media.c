/* check_media.c — tests for lib/web/media.c: magic bytes, storage under random names, removal. */
#include "suites.h"
#include "web/media.h"

#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <signal.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <unistd.h>

START_TEST(image_types)
{
	ck_assert_str_eq(mq_image_type("\x89PNG\r\n\x1a\nrest", 12), "png");
	ck_assert_str_eq(mq_image_type("\xff\xd8\xff\xe0", 4), "jpg");
	ck_assert_str_eq(mq_image_type("RIFF\0\0\0\0WEBPVP8 ", 16), "webp");
	ck_assert_ptr_null(mq_image_type("\x89PNG\r\n\x1a", 7));
	ck_assert_ptr_null(mq_image_type("RIFF\0\0\0\0WAVE", 12));
	ck_assert_ptr_null(mq_image_type("GIF89a", 6));
	ck_assert_ptr_null(mq_image_type("<svg/>", 6));
	ck_assert_ptr_null(mq_image_type("", 0));
}
END_TEST

/* Every entry but . and .., hidden ones (a left-over .part) included. */
static int count_files(const char *dir)
{
	DIR *d = opendir(dir);
	int n = 0;
	if (!d)
		return 0;
	for (struct dirent *e; (e = readdir(d));)
		n += strcmp(e->d_name, ".") && strcmp(e->d_name, "..");
	closedir(d);
	return n;
}

START_TEST(store_and_remove)
{
	char root[] = "/tmp/mq-media-XXXXXX", sub[64], url[128], path[256];
	ck_assert_ptr_nonnull(mkdtemp(root));
	snprintf(sub, sizeof sub, "%s/avatars", root);
	ck_assert_int_eq(mq_media_store(root, "avatars", "png", "data", 4, url, sizeof url), MQ_OK);
	ck_assert_int_eq((int)strlen(url), (int)strlen("/media/avatars/") + 32 + 4);
	ck_assert_int_eq(strncmp(url, "/media/avatars/", 15), 0);
	snprintf(path, sizeof path, "%s/%s", root, url + 7);
	struct stat st;
	ck_assert_int_eq(stat(path, &st), 0);
	ck_assert_int_eq((int)st.st_size, 4);
	char other[128];
	ck_assert_int_eq(mq_media_store(root, "avatars", "jpg", "x", 1, other, sizeof other), MQ_OK);
	ck_assert_str_ne(url, other);
	ck_assert_int_eq(count_files(sub), 2);

	/* only exact stored-file paths are removed */
	mq_media_remove(root, "/media/avatars/../../etc/passwd");
	mq_media_remove(root, "/media/avatars/abc.png");
	mq_media_remove(root, NULL);
	ck_assert_int_eq(count_files(sub), 2);
	mq_media_remove(root, url);
	mq_media_remove(root, other);
	ck_assert_int_eq(count_files(sub), 0);
	rmdir(sub);
	rmdir(root);
}
END_TEST

START_TEST(unwritable_directory)
{
	char url[128];
	if (geteuid() == 0) /* root writes anywhere: use a path under a regular file instead */
		ck_assert_int_eq(mq_media_store("/dev/null/x", "avatars", "png", "d", 1, url, sizeof url), MQ_EINTERNAL);
	else
		ck_assert_int_eq(mq_media_store("/proc/mq", "avatars", "png", "d", 1, url, sizeof url), MQ_EINTERNAL);
}
END_TEST

/* A full disk, as a file-size limit: 507's error, and no file, whole or partial, left behind. */
START_TEST(full_disk_leaves_nothing)
{
	char root[] = "/tmp/mq-media-XXXXXX", sub[64], url[128] = "";
	ck_assert_ptr_nonnull(mkdtemp(root));
	snprintf(sub, sizeof sub, "%s/posters", root);
	static char data[64 * 1024];
	memset(data, 'x', sizeof data);
	struct rlimit old, small = { 16 * 1024, 16 * 1024 };
	ck_assert_int_eq(getrlimit(RLIMIT_FSIZE, &old), 0);
	signal(SIGXFSZ, SIG_IGN); /* as the workers do */
	small.rlim_max = old.rlim_max; /* keep the hard limit so the old soft one can come back */
	ck_assert_int_eq(setrlimit(RLIMIT_FSIZE, &small), 0);
	mq_err rc = mq_media_store(root, "posters", "png", data, sizeof data, url, sizeof url);
	ck_assert_int_eq(setrlimit(RLIMIT_FSIZE, &old), 0);
	ck_assert_int_eq(rc, MQ_ESTORAGE);
	ck_assert_str_eq(url, "");
	ck_assert_int_eq(count_files(sub), 0);
	ck_assert_int_eq(mq_media_store(root, "posters", "png", data, sizeof data, url, sizeof url), MQ_OK);
	ck_assert_int_eq(count_files(sub), 1);
	mq_media_remove(root, url);
	rmdir(sub);
	rmdir(root);
}
END_TEST

Suite *media_suite(void)
{
	Suite *s = suite_create("media");
	TCase *t = tcase_create("media");
	tcase_add_test(t, image_types);
	tcase_add_test(t, store_and_remove);
	tcase_add_test(t, unwritable_directory);
	tcase_add_test(t, full_disk_leaves_nothing);
	suite_add_tcase(s, t);
	return s;
}
