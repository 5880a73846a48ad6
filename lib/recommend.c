/* recommend.c — personalised recommendations (see recommend.h). */
#include "recommend.h"

#include <math.h>

const mq_recs_weights mq_recommend_weights = { 1.0f, 0.2f, 0.8f };

float mq_recommend_rating_weight(double rating, double max)
{
	double x = rating / max;     /* 0..1 */
	return (float)((x - 0.5) * 2); /* 1 for the best, 0 in the middle, -1 for the worst */
}

float mq_recommend_quality(double mean, double votes, double all_mean, double max)
{
	double wr = mq_recs_weighted_rating(mean, votes, all_mean, 10);
	return max > 0 ? (float)(wr / max) : 0;
}

float mq_recommend_recency(double age_days)
{
	if (age_days < 0)
		age_days = 0;
	return (float)(MQ_RECOMMEND_OLD_TASTE + (1 - MQ_RECOMMEND_OLD_TASTE) * exp(-age_days / MQ_RECOMMEND_TASTE_DAYS));
}
