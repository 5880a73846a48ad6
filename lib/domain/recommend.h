/* recommend.h — personalised recommendations: the
 * tuning shared by the site and the offline evaluation (tools/eval-recs.c), and serving one
 * member's list from the database.
 *
 * The stored lists are EASE's item-item weights (core/recs_models.h), learnt by marquee-sync
 * neighbours from the positive signals only: ratings of MQ_RECOMMEND_LIKED or more, likes,
 * watches, bookmarks, the watchlist and favourites; each movie keeps its MQ_RECOMMEND_NEIGHBOURS
 * largest weights. A member's taste is their strongest MQ_RECOMMEND_STRONG movies (ties: the
 * earlier first); candidates are scored by those movies' weights, a content match with the
 * member's preferred and liked genres, and a quality prior (the weighted rating); what the member
 * rated, watched, disliked or hid is left out, and no more than MQ_RECOMMEND_MAX_RUN movies of one
 * main genre follow each other. Every number here that the evaluation can measure was chosen by
 * marquee-eval-recs on its validation split (README, Recommendations).
 */
#ifndef MQ_RECOMMEND_H
#define MQ_RECOMMEND_H

#include "core/audience.h"
#include "core/recs.h"
#include "store/db.h"

#include <cjson/cJSON.h>

#define MQ_RECOMMEND_NEIGHBOURS 200  /* neighbours kept per movie (EASE's largest weights) */
#define MQ_RECOMMEND_STRONG 100      /* the member's movies whose neighbours are read */
#define MQ_RECOMMEND_LAMBDA 100.0f   /* EASE's regularisation for the stored lists (validation chose it) */
#define MQ_RECOMMEND_DENSE 10000     /* the most-interacted movies in EASE's dense model */
#define MQ_RECOMMEND_WEIGHTING 1     /* ratings as taste: 0 liked or not, 1 graded -1..1, 2 its positive part */
#define MQ_RECOMMEND_RECENCY 1       /* 1: taste ages (mq_recommend_recency), as validation chose */
#define MQ_RECOMMEND_LIKED 8         /* a rating (of 10) that trains as liked: MovieLens's 4 of 5 */
#define MQ_RECOMMEND_SHRINK 5.0f     /* similarity shrinkage: pairs few members share count less */
#define MQ_RECOMMEND_MAX_RUN 2       /* movies of one main genre in a row, at most */
#define MQ_RECOMMEND_OLD_TASTE 0.05  /* the weight of long-past taste, against 1 for today's */
#define MQ_RECOMMEND_TASTE_DAYS 1500.0 /* how fast taste ages: e^(-age / this) */

/* How the neighbours, the content match and the quality prior are blended. */
extern const mq_recs_weights mq_recommend_weights;

/* A rating graded, for ratings out of max: from 1 for the best down to -1 for the worst. */
float mq_recommend_rating_weight(double rating, double max);

/* How much a rating says of a member's taste on the site: as MQ_RECOMMEND_WEIGHTING says. */
float mq_recommend_taste_weight(double rating, double max);

/* How much another signal says: kind is an interaction type ("liked", "disliked", "watched",
 * "bookmarked") or a list ("watchlist", "favorites"). MovieLens has ratings only, so validation
 * cannot weigh these directly: each counts as the rating it stands for (a like or favourite as a
 * 10, a dislike as a 1, a watch, bookmark or watchlist entry as the least liked rating,
 * MQ_RECOMMEND_LIKED, since training counts them as liked). */
float mq_recommend_signal_weight(const char *kind);

/* How much more recent taste counts: 1 for today, falling towards MQ_RECOMMEND_OLD_TASTE for
 * what is years old (age in days). */
float mq_recommend_recency(double age_days);

/* The weighted rating of a movie (mean out of max over votes, all_mean over all movies), as
 * 0..1. */
float mq_recommend_quality(double mean, double votes, double all_mean, double max);

/* The stored lists learnt from events (positive signals; users 0..n_users-1, items
 * 0..n_items-1): EASE over the MQ_RECOMMEND_DENSE most-interacted items, cosine neighbours for
 * the rest, MQ_RECOMMEND_NEIGHBOURS per item. Caller owns; mq_recs_model_free(). */
mq_recs_model *mq_recommend_learn(const mq_recs_event *events, size_t n, int n_users, int n_items);

/* marquee-sync neighbours: learns the neighbours from every member's ratings, likes, watches,
 * bookmarks and watchlist, and stores each movie's top ones in movie_neighbours ({_id: movie,
 * f, g: [the movie's genre ids], n: its list, members, at}, for every movie a member has a signal
 * for; the others' are removed). Also stores the most popular movies in rec_popular ({_id: "all"
 * or "g<genre id>", f, m: list, at}). Lists are packed entries (recommend_store.h); hidden movies
 * and those gone from TMDB are in none. *movies (those given a list) and *events get the counts. */
mq_err mq_recommend_train(mq_db *db, long *movies, long *events);

/* One member's recommendations: at most limit movie summaries (titles in lang), best first, each
 * with "score" and "reason" ({"kind": "because", "title": …} for the movie of theirs that led to
 * it, {"kind": "genre", "genre": …} for a favourite genre, {"kind": "popular"}). Served from
 * rec_cache while the member's lists version and audience are unchanged; computed from a few
 * small documents otherwise. Only movies audience may see (mq_catalog_audience_filter), so the
 * list may be shorter than limit. known: the member's lists version when the caller knows it (their
 * session check's), else -1. *items: caller owns. */
mq_err mq_recommend_for(mq_db *db, const char *user_id, long long known, const char *lang,
			const mq_audience *audience, int limit, cJSON **items);

#endif
