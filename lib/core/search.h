/* search.h — how text is folded for matching: the keys titles (and names) are stored under and
 * the patterns searches look them up with. */
#ifndef MQ_SEARCH_H
#define MQ_SEARCH_H

#include "core/buf.h"

/* The key titles are matched by: lower-case, accents folded for Latin ("Amélie" → "amelie"),
 * punctuation and runs of spaces as one space ("Spider-Man" → "spider man"), Arabic yeh and
 * kaf as their Persian letters, zero-width non-joiners as spaces, tatweel and harakat dropped.
 * Appended to out. A movie document stores the key of each of its titles from every word on. */
void mq_search_key(const char *s, mq_buf *out);

/* The anchored regex that finds search text q among the search keys ("^fight club"), metacharacters
 * escaped; appended to out. Returns -1 when q has no letters or digits. */
int mq_search_pattern(const char *q, mq_buf *out);

/* What a pattern of mq_search_pattern looks for, unescaped, in text[512] (cut there); its length.
 * Keys starting with it match: the pattern's regex, answered by a binary search among sorted keys. */
size_t mq_search_pattern_text(const char *pattern, char text[512]);

#endif
