/* check_recs_models.c — unit tests for lib/core/recs_models.c: EASE on a matrix small enough to
 * invert by hand, its stored lists, and ALS on two groups of members. */
#include "suites.h"

#include "core/recs_models.h"

#include <check.h>
#include <math.h>

/* member 0 has items 0 and 1, member 1 item 0, member 2 item 1: XᵀX = [[2, 1], [1, 2]]; with
 * λ = 1, P = [[3, 1], [1, 3]]⁻¹ = [[3, −1], [−1, 3]] / 8, so B01 = B10 = −P01 / P11 = 1/3 */
static const mq_recs_event tiny[] = { { 0, 0, 1 }, { 0, 1, 1 }, { 1, 0, 1 }, { 2, 1, 1 }, { 2, 1, 1 }, { 1, 2, 0 } };

START_TEST(ease_has_the_known_answer)
{
	mq_recs_ease *e = mq_recs_ease_fit(tiny, N_CASES(tiny), 3, 3, 10, 1);
	ck_assert_ptr_nonnull(e);
	ck_assert_int_eq(e->n, 2); /* item 2 only has a weight-0 event */
	ck_assert_int_eq(e->dense[2], -1);
	int a0 = e->dense[0], a1 = e->dense[1];
	ck_assert_double_eq_tol(e->B[a0 * 2 + a1], 1.0 / 3, 1e-6);
	ck_assert_double_eq_tol(e->B[a1 * 2 + a0], 1.0 / 3, 1e-6);
	ck_assert_double_eq(e->B[a0 * 2 + a0], 0);
	mq_recs_model *m = mq_recs_ease_lists(e, tiny, N_CASES(tiny), 3, 3, 5, 1);
	ck_assert_int_eq(m->count[0], 1);
	ck_assert_int_eq(m->neighbours[0].item, 1);
	ck_assert_double_eq_tol(m->neighbours[0].sim, 1.0 / 3, 1e-6);
	ck_assert_int_eq(m->count[2], 0);
	ck_assert_int_eq(m->popularity[0], 2);
	mq_recs_model_free(m);
	mq_recs_ease_free(e);
}
END_TEST

/* a dense set of one: the others are the long tail, with cosine lists on EASE's scale */
START_TEST(ease_keeps_the_most_interacted_dense)
{
	static const mq_recs_event ev[] = { { 0, 0, 1 }, { 1, 0, 1 }, { 2, 0, 1 }, { 0, 1, 1 }, { 1, 1, 1 }, { 0, 2, 1 } };
	mq_recs_ease *e = mq_recs_ease_fit(ev, N_CASES(ev), 3, 3, 1, 1);
	ck_assert_int_eq(e->n, 1);
	ck_assert_int_eq(e->items[0], 0);
	mq_recs_model *m = mq_recs_ease_lists(e, ev, N_CASES(ev), 3, 3, 5, 0);
	ck_assert_int_eq(m->count[0], 0); /* alone in the dense set */
	ck_assert_int_gt(m->count[1], 0); /* the tail keeps its cosine neighbours */
	ck_assert_int_eq(m->neighbours[5].item, 0);
	mq_recs_model_free(m);
	mq_recs_ease_free(e);
}
END_TEST

START_TEST(als_separates_two_groups)
{
	/* members 0-9 take items 0-4, members 10-19 items 5-9 */
	mq_recs_event ev[200];
	int n = 0;
	for (int u = 0; u < 20; u++)
		for (int i = 0; i < 5; i++)
			if ((u + i) % 5 != 0) /* each leaves one of their group's items out */
				ev[n++] = (mq_recs_event){ u, (u < 10 ? 0 : 5) + i, 1 };
	float users[20 * 4], items[10 * 4];
	ck_assert_int_eq(mq_recs_als_fit(ev, (size_t)n, 20, 10, 4, 10, 0.1f, 10, 1, users, items), 0);
	/* member 0 left item 0 out: it scores above every item of the other group */
	double own = 0, other = 0;
	for (int f = 0; f < 4; f++) {
		own += users[f] * items[0 * 4 + f];
		other += users[f] * items[7 * 4 + f];
	}
	ck_assert(own > other);
	float YtY[16], again[4];
	mq_recs_als_gram(items, 10, 4, YtY);
	int mine[] = { 1, 2, 3, 4 };
	ck_assert_int_eq(mq_recs_als_fold_in(items, YtY, 4, 10, 0.1f, mine, 4, again), 0);
	double folded = 0;
	for (int f = 0; f < 4; f++)
		folded += again[f] * items[0 * 4 + f];
	ck_assert(folded > 0.5);
}
END_TEST

Suite *recs_models_suite(void)
{
	Suite *s = suite_create("recs_models");
	TCase *tc = tcase_create("recs_models");
	tcase_add_test(tc, ease_has_the_known_answer);
	tcase_add_test(tc, ease_keeps_the_most_interacted_dense);
	tcase_add_test(tc, als_separates_two_groups);
	suite_add_tcase(s, tc);
	return s;
}
