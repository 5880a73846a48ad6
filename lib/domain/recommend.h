/* recommend.h — personalised recommendations: the
 * tuning shared by the site and the offline evaluation (tools/eval-recs.c), and serving one
 * member's list from the database.
 *
 * A member's taste is what they rated (weighted by how much they liked it), liked, watched,
 * bookmarked or put on their watchlist; dislikes count against. Candidates are scored by their
 * item neighbours (marquee-sync neighbours stores the top MQ_RECOMMEND_NEIGHBOURS per movie), a
 * content match with the member's preferred and liked genres, and a quality prior (the weighted
 * rating); what the member rated, watched, disliked or hid is left out, and no more than
 * MQ_RECOMMEND_MAX_RUN movies of one main genre follow each other.
 */
#ifndef MQ_RECOMMEND_H
#define MQ_RECOMMEND_H

#include "core/recs.h"
#include "store/db.h"

#include <cjson/cJSON.h>

#define MQ_RECOMMEND_NEIGHBOURS 30   /* neighbours kept per movie */
#define MQ_RECOMMEND_SHRINK 5.0f     /* similarity shrinkage: pairs few members share count less */
#define MQ_RECOMMEND_MAX_RUN 2       /* movies of one main genre in a row, at most */
#define MQ_RECOMMEND_OLD_TASTE 0.05  /* the weight of long-past taste, against 1 for today's */
#define MQ_RECOMMEND_TASTE_DAYS 1500.0 /* how fast taste ages: e^(-age / this) */

/* How the neighbours, the content match and the quality prior are blended. */
extern const mq_recs_weights mq_recommend_weights;

/* How much a rating says of a member's taste, for ratings out of max: from 1 for the best down
 * to negative for the worst. */
float mq_recommend_rating_weight(double rating, double max);

/* How much more recent taste counts: 1 for today, falling towards MQ_RECOMMEND_OLD_TASTE for
 * what is years old (age in days). */
float mq_recommend_recency(double age_days);

/* The weighted rating of a movie (mean out of max over votes, all_mean over all movies), as
 * 0..1. */
float mq_recommend_quality(double mean, double votes, double all_mean, double max);

/* marquee-sync neighbours: learns the neighbours from every member's ratings, likes, watches,
 * bookmarks and watchlist, and stores each movie's top ones in movie_neighbours ({_id: movie,
 * n: [{m, s, g: [genre ids], q: quality}], at}); movies with none left are removed. Also stores
 * the most popular movies in rec_popular ({_id: "all" or "g<genre id>", m: [{m, g, q}], at}).
 * Hidden movies and those gone from TMDB are in neither. *movies and *events get the counts. */
mq_err mq_recommend_train(mq_db *db, long *movies, long *events);

/* One member's recommendations: at most limit movie summaries (titles in lang), best first, each
 * with "score" and "reason" ({"kind": "because", "title": …} for the movie of theirs that led to
 * it, {"kind": "genre", "genre": …} for a favourite genre, {"kind": "popular"}). Served from
 * rec_cache while the member's lists version is unchanged; computed from a few small documents
 * otherwise. *items: caller owns. */
mq_err mq_recommend_for(mq_db *db, const char *user_id, const char *lang, int limit, cJSON **items);

#endif
