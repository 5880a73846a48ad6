/* check_arena.c — unit tests for lib/core/arena.c: alignment, chunking, big blocks, strings, cleanups. */
#include "suites.h"

#include "core/arena.h"

#include <check.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

static int is_aligned(const void *p)
{
	return ((uintptr_t)p % 16) == 0;
}

static const size_t alloc_sizes[] = { 0, 1, 7, 15, 16, 17, 31, 100, 4096, 8191, 8192, 8193, 16384,
				      16385, 100000 };

START_TEST(alloc_aligned_writable)
{
	size_t n = alloc_sizes[_i];
	mq_arena *a = mq_arena_new();
	/* allocate twice so the second block's position depends on the first's rounding */
	for (int round = 0; round < 2; round++) {
		unsigned char *p = mq_arena_alloc(a, n);
		ck_assert_msg(p != NULL, "mq_arena_alloc(%zu) returned NULL", n);
		ck_assert_msg(is_aligned(p), "mq_arena_alloc(%zu) returned %p, not 16-byte aligned", n,
			      (void *)p);
		memset(p, 0xA5, n); /* ASan catches any block shorter than n */
	}
	mq_arena_free(a);
}
END_TEST

START_TEST(zero_size_blocks_are_distinct)
{
	mq_arena *a = mq_arena_new();
	void *p = mq_arena_alloc(a, 0);
	void *q = mq_arena_alloc(a, 0);
	ck_assert_ptr_nonnull(p);
	ck_assert_ptr_nonnull(q);
	ck_assert_msg(p != q, "two zero-size allocations share the address %p", p);
	mq_arena_free(a);
}
END_TEST

/* Many small blocks over several chunks: none overlaps another (each keeps its own pattern). */
START_TEST(small_blocks_do_not_overlap)
{
	enum { COUNT = 2000, SIZE = 40 };
	mq_arena *a = mq_arena_new();
	unsigned char **blocks = calloc(COUNT, sizeof *blocks);
	ck_assert_ptr_nonnull(blocks);
	for (int i = 0; i < COUNT; i++) {
		blocks[i] = mq_arena_alloc(a, SIZE);
		ck_assert(is_aligned(blocks[i]));
		memset(blocks[i], i & 0xff, SIZE);
	}
	for (int i = 0; i < COUNT; i++)
		for (int k = 0; k < SIZE; k++)
			ck_assert_msg(blocks[i][k] == (unsigned char)(i & 0xff),
				      "block %d byte %d was overwritten (0x%02x)", i, k, blocks[i][k]);
	free(blocks);
	mq_arena_free(a);
}
END_TEST

/* A big block gets its own chunk; small allocations before and after it stay intact. */
START_TEST(big_block_between_small_ones)
{
	mq_arena *a = mq_arena_new();
	char *before = mq_arena_strdup(a, "before");
	size_t big_n = 64 * 1024;
	unsigned char *big = mq_arena_alloc(a, big_n);
	ck_assert(is_aligned(big));
	memset(big, 0x5A, big_n);
	char *after = mq_arena_strdup(a, "after");
	ck_assert_str_eq(before, "before");
	ck_assert_str_eq(after, "after");
	for (size_t i = 0; i < big_n; i++)
		ck_assert_msg(big[i] == 0x5A, "big block byte %zu changed", i);
	mq_arena_free(a);
}
END_TEST

START_TEST(zalloc_zeroes_reused_memory)
{
	mq_arena *a = mq_arena_new();
	unsigned char *p = mq_arena_alloc(a, 256);
	memset(p, 0xFF, 256);
	mq_arena_reset(a);
	unsigned char *z = mq_arena_zalloc(a, 256);
	for (size_t i = 0; i < 256; i++)
		ck_assert_msg(z[i] == 0, "mq_arena_zalloc byte %zu is 0x%02x", i, z[i]);
	unsigned char *bz = mq_arena_zalloc(a, 50000);
	for (size_t i = 0; i < 50000; i++)
		ck_assert_msg(bz[i] == 0, "big mq_arena_zalloc byte %zu is 0x%02x", i, bz[i]);
	mq_arena_free(a);
}
END_TEST

START_TEST(strdup_and_strndup)
{
	mq_arena *a = mq_arena_new();
	ck_assert_str_eq(mq_arena_strdup(a, ""), "");
	ck_assert_str_eq(mq_arena_strdup(a, "سلام marquee"), "سلام marquee");
	char src[] = "abcdef";
	char *d = mq_arena_strdup(a, src);
	src[0] = 'X';
	ck_assert_msg(d[0] == 'a', "mq_arena_strdup did not copy");
	ck_assert_str_eq(mq_arena_strndup(a, "abcdef", 3), "abc");
	ck_assert_str_eq(mq_arena_strndup(a, "abcdef", 0), "");
	/* strndup copies exactly n bytes, even past an embedded NUL */
	char *e = mq_arena_strndup(a, "ab\0cd", 5);
	ck_assert_mem_eq(e, "ab\0cd", 6);
	mq_arena_free(a);
}
END_TEST

START_TEST(printf_formats)
{
	mq_arena *a = mq_arena_new();
	ck_assert_str_eq(mq_arena_printf(a, "%s-%d-%05.1f", "x", 42, 3.14159), "x-42-003.1");
	ck_assert_str_eq(mq_arena_printf(a, "%s", ""), "");
	/* longer than a whole chunk */
	char *big = mq_arena_printf(a, "[%*s]", 40000, "z");
	ck_assert_uint_eq(strlen(big), 40002);
	ck_assert(big[0] == '[' && big[40000] == 'z' && big[40001] == ']');
	mq_arena_free(a);
}
END_TEST

static int order[8];
static int n_order;

static void record(void *p)
{
	order[n_order++] = *(int *)p;
}

START_TEST(cleanups_run_newest_first_once)
{
	static int ids[3] = { 1, 2, 3 };
	mq_arena *a = mq_arena_new();
	n_order = 0;
	for (int i = 0; i < 3; i++)
		ck_assert_ptr_eq(mq_arena_defer(a, record, &ids[i]), &ids[i]);
	ck_assert_int_eq(n_order, 0);
	mq_arena_reset(a);
	ck_assert_int_eq(n_order, 3);
	ck_assert_int_eq(order[0], 3);
	ck_assert_int_eq(order[1], 2);
	ck_assert_int_eq(order[2], 1);
	mq_arena_reset(a);
	ck_assert_msg(n_order == 3, "cleanups ran again on a second reset (%d calls)", n_order);
	mq_arena_free(a);
	ck_assert_int_eq(n_order, 3);
}
END_TEST

START_TEST(free_runs_pending_cleanups)
{
	static int id = 7;
	mq_arena *a = mq_arena_new();
	n_order = 0;
	mq_arena_defer(a, record, &id);
	/* a heap object tied to the arena: LeakSanitizer fails the test if it is not freed */
	mq_arena_defer(a, free, malloc(100));
	mq_arena_free(a);
	ck_assert_int_eq(n_order, 1);
	ck_assert_int_eq(order[0], 7);
}
END_TEST

START_TEST(free_accepts_null)
{
	mq_arena_free(NULL);
}
END_TEST

/* The first chunk is kept across resets: a request after a reset reuses the same memory. */
START_TEST(reset_reuses_first_chunk)
{
	mq_arena *a = mq_arena_new();
	void *first = mq_arena_alloc(a, 32);
	for (int i = 0; i < 100; i++)
		memset(mq_arena_alloc(a, 1000), i, 1000);
	mq_arena_alloc(a, 100000);
	mq_arena_reset(a);
	void *again = mq_arena_alloc(a, 32);
	ck_assert_ptr_eq(again, first);
	/* and the arena is fully usable afterwards */
	for (int i = 0; i < 100; i++)
		memset(mq_arena_alloc(a, 1000), i, 1000);
	mq_arena_reset(a);
	ck_assert_ptr_eq(mq_arena_alloc(a, 32), first);
	mq_arena_free(a);
}
END_TEST

/* Cleanups registered after big and small allocations over several chunks all run. */
START_TEST(many_cleanups_across_chunks)
{
	mq_arena *a = mq_arena_new();
	for (int i = 0; i < 500; i++) {
		mq_arena_defer(a, free, malloc(16));
		mq_arena_alloc(a, i % 50 == 0 ? 20000 : 200);
	}
	mq_arena_reset(a);
	mq_arena_free(a);
}
END_TEST

Suite *arena_suite(void)
{
	Suite *s = suite_create("arena");
	TCase *tc = tcase_create("arena");
	tcase_add_loop_test(tc, alloc_aligned_writable, 0, N_CASES(alloc_sizes));
	tcase_add_test(tc, zero_size_blocks_are_distinct);
	tcase_add_test(tc, small_blocks_do_not_overlap);
	tcase_add_test(tc, big_block_between_small_ones);
	tcase_add_test(tc, zalloc_zeroes_reused_memory);
	tcase_add_test(tc, strdup_and_strndup);
	tcase_add_test(tc, printf_formats);
	tcase_add_test(tc, cleanups_run_newest_first_once);
	tcase_add_test(tc, free_runs_pending_cleanups);
	tcase_add_test(tc, free_accepts_null);
	tcase_add_test(tc, reset_reuses_first_chunk);
	tcase_add_test(tc, many_cleanups_across_chunks);
	suite_add_tcase(s, tc);
	return s;
}
