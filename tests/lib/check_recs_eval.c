/* check_recs_eval.c — unit tests for lib/core/recs_eval.c: the temporal hold-out (nothing after a
 * member's cut, equal timestamps always split the same way), the groups that share a cut, the
 * metrics and the bootstrap intervals. */
#include "suites.h"

#include "core/recs_eval.h"

#include <check.h>
#include <math.h>
#include <string.h>

/* member 0 liked 5 movies, two in the same second as the cut; member 1 liked one; member 2 none */
static const mq_recs_rating ratings[] = {
	{ 0, 5, 5, 300 }, { 0, 1, 4, 100 }, { 0, 2, 4.5f, 200 }, { 0, 3, 4, 300 }, { 0, 4, 2, 400 },
	{ 0, 6, 4, 250 }, { 1, 1, 5, 150 }, { 1, 2, 3, 50 }, { 2, 3, 1, 500 },
};
#define N_RATINGS N_CASES(ratings)

START_TEST(holdout_is_the_latest_liked_with_stable_ties)
{
	mq_recs_rating r[N_RATINGS], shuffled[N_RATINGS];
	unsigned char held[N_RATINGS], held2[N_RATINGS];
	long long cut[3], cut2[3];
	memcpy(r, ratings, sizeof r);
	mq_recs_holdout(r, N_RATINGS, 3, 0.4, 4, NULL, NULL, held, cut);
	/* member 0: 5 liked, 2 held: both at second 300 (items 3 and 5), the later by item first */
	for (int i = 0; i < N_RATINGS; i++) {
		int expect = (r[i].user == 0 && r[i].at == 300) || (r[i].user == 1 && r[i].item == 1);
		ck_assert_int_eq(held[i], expect);
	}
	ck_assert_int_eq(cut[0], 300);
	ck_assert_int_eq(cut[1], 150);
	ck_assert_int_eq(cut[2], MQ_RECS_NO_CUT);
	/* nothing of member 0's that counts as before the cut is at or after it */
	for (int i = 0; i < N_RATINGS; i++)
		if (r[i].user == 0 && !held[i] && r[i].at >= cut[0])
			ck_assert_int_eq(r[i].item, 4); /* the dislike after the cut: not training, by the cut */
	/* the same split whatever order the file had: reversed input */
	for (int i = 0; i < N_RATINGS; i++)
		shuffled[i] = ratings[N_RATINGS - 1 - i];
	mq_recs_holdout(shuffled, N_RATINGS, 3, 0.4, 4, NULL, NULL, held2, cut2);
	ck_assert_mem_eq(shuffled, r, sizeof r);
	ck_assert_mem_eq(held2, held, sizeof held);
	ck_assert_int_eq(cut2[0], cut[0]);
}
END_TEST

/* a share that rounds one tie's way only: of two liked in the same second, the larger item goes */
START_TEST(ties_fall_the_same_way)
{
	mq_recs_rating r[] = { { 0, 9, 5, 100 }, { 0, 7, 5, 100 }, { 0, 8, 5, 50 } };
	unsigned char held[3];
	long long cut[1];
	mq_recs_holdout(r, 3, 1, 0.2, 4, NULL, NULL, held, cut);
	ck_assert_int_eq(r[2].item, 9);
	ck_assert_int_eq(held[2], 1);
	ck_assert_int_eq(held[1] + held[0], 0);
	ck_assert_int_eq(cut[0], 100);
}
END_TEST

static int after_cut(const mq_recs_rating *r, void *arg)
{
	return r->at >= ((const long long *)arg)[r->user];
}

/* validation: the same hold-out again among what is before the test cut */
START_TEST(validation_is_carved_before_the_test)
{
	mq_recs_rating r[N_RATINGS];
	unsigned char held[N_RATINGS], val[N_RATINGS];
	long long cut[3], vcut[3];
	memcpy(r, ratings, sizeof r);
	mq_recs_holdout(r, N_RATINGS, 3, 0.4, 4, NULL, NULL, held, cut);
	mq_recs_holdout(r, N_RATINGS, 3, 0.4, 4, after_cut, cut, val, vcut);
	for (int i = 0; i < N_RATINGS; i++) {
		ck_assert(!(val[i] && held[i]));
		if (val[i])
			ck_assert(r[i].at < cut[r[i].user]);
	}
	ck_assert_int_eq(vcut[0], 250); /* of 100, 200 and 250: 0.4 × 3 rounds to 1, the latest */
}
END_TEST

START_TEST(groups_share_their_earliest_cut)
{
	long long cut[] = { 500, MQ_RECS_NO_CUT, 100, 300, 200 };
	int group[5];
	long long group_cut[2];
	ck_assert_int_eq(mq_recs_cut_groups(cut, 5, 2, group, group_cut), 2);
	ck_assert_int_eq(group[1], -1);
	ck_assert_int_eq(group[2], 0);
	ck_assert_int_eq(group[4], 0);
	ck_assert_int_eq(group[3], 1);
	ck_assert_int_eq(group[0], 1);
	ck_assert_int_eq(group_cut[0], 100);
	ck_assert_int_eq(group_cut[1], 300);
}
END_TEST

START_TEST(metrics_and_bootstrap)
{
	unsigned char relevant[6] = { 0, 1, 0, 1, 0, 0 };
	int recs[] = { 1, 2, 3 };
	double p, r, ndcg;
	mq_recs_metrics(recs, 3, 10, relevant, 2, &p, &r, &ndcg);
	ck_assert_double_eq_tol(p, 0.2, 1e-12);
	ck_assert_double_eq_tol(r, 1.0, 1e-12);
	ck_assert_double_eq_tol(ndcg, (1 + 1 / log2(4.0)) / (1 + 1 / log2(3.0)), 1e-12);
	/* a is twice b for every member: the ratio's interval is exactly 2; the difference's holds the mean */
	double a[50], b[50], lo, hi;
	for (int i = 0; i < 50; i++) {
		b[i] = 1 + i % 5;
		a[i] = 2 * b[i];
	}
	mq_recs_bootstrap(a, b, 50, 1, 500, 7, &lo, &hi);
	ck_assert_double_eq_tol(lo, 2, 1e-12);
	ck_assert_double_eq_tol(hi, 2, 1e-12);
	mq_recs_bootstrap(a, b, 50, 0, 500, 7, &lo, &hi);
	ck_assert(lo < 3 && hi > 3 && lo > 2 && hi < 4);
	double lo2, hi2;
	mq_recs_bootstrap(a, b, 50, 0, 500, 7, &lo2, &hi2); /* a fixed seed: the same interval */
	ck_assert_double_eq(lo, lo2);
	ck_assert_double_eq(hi, hi2);
}
END_TEST

Suite *recs_eval_suite(void)
{
	Suite *s = suite_create("recs_eval");
	TCase *tc = tcase_create("recs_eval");
	tcase_add_test(tc, holdout_is_the_latest_liked_with_stable_ties);
	tcase_add_test(tc, ties_fall_the_same_way);
	tcase_add_test(tc, validation_is_carved_before_the_test);
	tcase_add_test(tc, groups_share_their_earliest_cut);
	tcase_add_test(tc, metrics_and_bootstrap);
	suite_add_tcase(s, tc);
	return s;
}
