/* check_media.c — tests for lib/media.c: magic bytes, storage under random names, removal. */
#include "media.h"
#include "suites.h"

#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
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

static int count_files(const char *dir)
{
	DIR *d = opendir(dir);
	int n = 0;
	if (!d)
		return 0;
	for (struct dirent *e; (e = readdir(d));)
		n += e->d_name[0] != '.';
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

Suite *media_suite(void)
{
	Suite *s = suite_create("media");
	TCase *t = tcase_create("media");
	tcase_add_test(t, image_types);
	tcase_add_test(t, store_and_remove);
	tcase_add_test(t, unwritable_directory);
	suite_add_tcase(s, t);
	return s;
}
