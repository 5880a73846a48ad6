/* check_recs.c — unit tests for lib/core/recs.c and lib/domain/recommend.c: item neighbours, scores, the
 * diverse top list and the priors. */
#include "suites.h"

#include "core/recs.h"
#include "domain/recommend.h"

#include <check.h>
#include <math.h>

/* users 0-2 watched items 0 and 1; user 3 watched 1 and 2; item 3 nobody */
static const mq_recs_event events[] = {
	{ 0, 0, 1 }, { 0, 1, 1 }, { 1, 0, 1 }, { 1, 1, 1 }, { 2, 0, 1 }, { 2, 1, 1 }, { 2, 1, 1 } /* a repeat */,
	{ 3, 1, 1 }, { 3, 2, 1 }, { 3, 3, 0 } /* weight 0: left out */,
};

START_TEST(neighbours_are_shrunk_cosines)
{
	mq_recs_model *m = mq_recs_train(events, sizeof events / sizeof events[0], 4, 4, 5, 1);
	ck_assert_int_eq(m->popularity[0], 3);
	ck_assert_int_eq(m->popularity[1], 4);
	ck_assert_int_eq(m->popularity[3], 0);
	/* item 0: only item 1, cos = 3 / sqrt(3 * 4), shrunk by 3 / (3 + 1) */
	ck_assert_int_eq(m->count[0], 1);
	ck_assert_int_eq(m->neighbours[0].item, 1);
	ck_assert_double_eq_tol(m->neighbours[0].sim, 3 / sqrt(12.0) * 0.75, 1e-6);
	/* item 1: item 0 first (3 shared), then item 2 (1 shared) */
	ck_assert_int_eq(m->count[1], 2);
	ck_assert_int_eq(m->neighbours[5].item, 0);
	ck_assert_int_eq(m->neighbours[6].item, 2);
	ck_assert_double_eq_tol(m->neighbours[6].sim, 1 / sqrt(4.0) * 0.5, 1e-6);
	ck_assert_int_eq(m->count[3], 0);
	mq_recs_model_free(m);
}
END_TEST

START_TEST(scores_leave_out_own_and_excluded_and_name_the_reason)
{
	mq_recs_model *m = mq_recs_train(events, sizeof events / sizeof events[0], 4, 4, 5, 1);
	int mine[] = { 0 };
	float weights[] = { 1 }, scores[4];
	int because[4];
	mq_recs_score(m, mine, weights, 1, NULL, NULL, NULL, (mq_recs_weights){ 1, 0, 0 }, scores, because);
	ck_assert(isinf(scores[0]) && scores[0] < 0);
	ck_assert_double_eq_tol(scores[1], 1.0, 1e-6); /* the best neighbour scores 1 (normalised) */
	ck_assert_int_eq(because[1], 0);
	ck_assert_double_eq(scores[2], 0);
	unsigned char excluded[4] = { 0, 1, 0, 0 };
	mq_recs_score(m, mine, weights, 1, NULL, NULL, excluded, (mq_recs_weights){ 1, 0, 0 }, scores, NULL);
	ck_assert(isinf(scores[1]));
	/* a dislike pushes its neighbours down */
	float against[] = { -1 };
	float quality[4] = { 0.5f, 0.5f, 0.5f, 0.5f };
	mq_recs_score(m, mine, against, 1, NULL, quality, NULL, (mq_recs_weights){ 1, 0, 1 }, scores, NULL);
	ck_assert(scores[1] < scores[2]);
	mq_recs_model_free(m);
}
END_TEST

START_TEST(top_lists_are_diverse)
{
	float scores[] = { 9, 8, 7, 6, 5, -INFINITY };
	int groups[] = { 0, 0, 0, 1, 1, 1 };
	int out[6];
	size_t n = mq_recs_top(scores, 6, NULL, 0, out, 6);
	ck_assert_uint_eq(n, 5);
	ck_assert_int_eq(out[0], 0);
	ck_assert_int_eq(out[4], 4);
	n = mq_recs_top(scores, 6, groups, 2, out, 5);
	ck_assert_uint_eq(n, 5);
	/* 0, 1 (group 0 twice), then 3 (group 1) before 2 */
	ck_assert_int_eq(out[2], 3);
	ck_assert_int_eq(out[3], 2);
	ck_assert_int_eq(out[4], 4);
}
END_TEST

START_TEST(priors)
{
	ck_assert_double_eq_tol(mq_recs_weighted_rating(9, 10, 6, 10), 7.5, 1e-9);
	ck_assert_double_eq_tol(mq_recs_weighted_rating(9, 0, 6, 10), 6, 1e-9);
	ck_assert_double_eq_tol(mq_recommend_rating_weight(10, 10), 1, 1e-6);
	ck_assert_double_eq_tol(mq_recommend_rating_weight(5, 10), 0, 1e-6);
	ck_assert(mq_recommend_rating_weight(2, 10) < 0);
	ck_assert_double_eq_tol(mq_recommend_recency(0), 1, 1e-6);
	ck_assert(mq_recommend_recency(3650) < 0.2);
	ck_assert(mq_recommend_recency(3650) >= MQ_RECOMMEND_OLD_TASTE);
}
END_TEST

Suite *recs_suite(void)
{
	Suite *s = suite_create("recs");
	TCase *tc = tcase_create("recs");
	tcase_add_test(tc, neighbours_are_shrunk_cosines);
	tcase_add_test(tc, scores_leave_out_own_and_excluded_and_name_the_reason);
	tcase_add_test(tc, top_lists_are_diverse);
	tcase_add_test(tc, priors);
	suite_add_tcase(s, tc);
	return s;
}
