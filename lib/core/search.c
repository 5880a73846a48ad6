/* search.c — folding text into search keys (see search.h). */
#include "core/search.h"

#include <ctype.h>
#include <stdio.h>
#include <string.h>

/* What one character of a title becomes in its key: text (ASCII letters, or a Persian letter),
 * a separator (space), nothing (drop), or else its own bytes. n: its length in bytes. */
struct folded {
	char text[4];
	int space, drop;
	size_t n;
};

static struct folded fold_char(const unsigned char *p)
{
	struct folded f = { "", 0, 0, 1 };
	unsigned char b = p[1];
	int cont = b >= 0x80 && b <= 0xbf;
	const char *text = NULL;
	if (*p < 0x80) {
		if (isalnum(*p))
			f.text[0] = (char)tolower(*p);
		else if (*p == '\'')
			f.drop = 1; /* "schindler's" and "schindlers" alike */
		else
			f.space = 1;
		return f;
	}
	f.n = 2;
	if (*p == 0xc2 && cont) { /* U+0080–U+00BF: signs and punctuation, but ª º µ */
		text = b == 0xaa ? "a" : b == 0xba ? "o" : b == 0xb5 ? "u" : NULL;
		f.space = !text;
	} else if (*p == 0xc3 && cont) {
		static const char letters[] = "aaaaaaaceeeeiiiidnooooo*ouuuuyts" "aaaaaaaceeeeiiiidnooooo*ouuuuyty";
		_Static_assert(sizeof letters == 65, "one letter per code point of U+00C0–U+00FF");
		int i = b - 0x80;
		if (i == 0x06 || i == 0x26)
			text = "ae";
		else if (i == 0x1f)
			text = "ss";
		else if (letters[i] == '*') /* × ÷ */
			f.space = 1;
		else
			f.text[0] = letters[i];
	} else if ((*p == 0xc4 || *p == 0xc5) && cont) {
		static const char letters[] = "aaaaaaccccccccddddeeeeeeeeeegggggggghhhhiiiiiiiiiijjjjkkklllllllllln"
					      "nnnnnnnnoooooooorrrrrrssssssssttttttuuuuuuuuuuuuwwyyyzzzzzzs";
		_Static_assert(sizeof letters == 129, "one letter per code point of U+0100–U+017F");
		int i = (*p - 0xc4) * 64 + (b - 0x80);
		if (i == 0x32 || i == 0x33)
			text = "ij";
		else if (i == 0x52 || i == 0x53)
			text = "oe";
		else
			f.text[0] = letters[i];
	} else if (*p == 0xd8 && (b == 0x8c || b == 0x9b || b == 0x9f)) {
		f.space = 1; /* Arabic comma, semicolon, question mark */
	} else if (*p == 0xd9 && (b == 0x8a || b == 0x89)) {
		text = "\xdb\x8c"; /* Arabic yeh and alef maksura → Persian yeh */
	} else if (*p == 0xd9 && b == 0x83) {
		text = "\xda\xa9"; /* Arabic kaf → Persian kaf */
	} else if (*p == 0xd9 && (b == 0x80 || (b >= 0x8b && b <= 0x92))) {
		f.drop = 1; /* tatweel and harakat: not part of the spelling */
	} else if ((*p == 0xd9 && b >= 0xa0 && b <= 0xa9) || (*p == 0xdb && b >= 0xb0 && b <= 0xb9)) {
		f.text[0] = (char)('0' + (*p == 0xd9 ? b - 0xa0 : b - 0xb0)); /* Arabic-Indic, Persian digits */
	} else if (*p == 0xe2 && b == 0x80 && p[2] >= 0x80 && p[2] <= 0xbf) {
		f.n = 3; /* U+2000–U+203F: spaces, joiners, dashes, quotes, ellipsis */
		f.drop = p[2] == 0x98 || p[2] == 0x99; /* ‘ ’ as apostrophes */
		f.space = !f.drop;
	} else {
		f.n = 1; /* anything else (Persian letters, CJK …) stays as it is, byte by byte */
	}
	if (text)
		snprintf(f.text, sizeof f.text, "%s", text);
	return f;
}

void mq_search_key(const char *s, mq_buf *out)
{
	size_t start = out->len;
	int space = 1; /* at the start, or after a space: spaces are not repeated */
	for (const unsigned char *p = (const unsigned char *)s; *p; ) {
		struct folded f = fold_char(p);
		if (f.text[0]) {
			mq_buf_puts(out, f.text);
			space = 0;
		} else if (f.space) {
			if (!space)
				mq_buf_putc(out, ' ');
			space = 1;
		} else if (!f.drop) {
			mq_buf_putc(out, (char)*p);
			space = 0;
		}
		/* never past the end, even in a truncated sequence */
		for (size_t i = 0; i < f.n && *p; i++)
			p++;
	}
	if (out->len > start && out->data[out->len - 1] == ' ')
		out->len--;
	if (out->data)
		out->data[out->len] = '\0';
}

int mq_search_pattern(const char *q, mq_buf *out)
{
	mq_buf key = MQ_BUF_INIT;
	mq_search_key(q, &key);
	mq_buf_putc(out, '^');
	for (const char *p = mq_buf_cstr(&key); *p; p++) {
		if (strchr("\\^$.|?*+()[]{}", *p))
			mq_buf_putc(out, '\\');
		mq_buf_putc(out, *p);
	}
	int empty = key.len == 0;
	mq_buf_free(&key);
	return empty ? -1 : 0;
}

size_t mq_search_pattern_text(const char *pattern, char text[512])
{
	size_t n = 0;
	for (const char *p = pattern + (*pattern == '^'); *p && n + 1 < 512; p++) {
		if (*p == '\\' && p[1])
			p++;
		text[n++] = *p;
	}
	text[n] = '\0';
	return n;
}
