/* template.c — Mustache compiler (source to a flat node array) and read-only renderer over cJSON. */
#include "core/template.h"
#include "core/buf.h"
#include "core/log.h"
#include "core/mem.h"

#include <assert.h>
#include <dirent.h>
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#define MAX_NEST 64       /* sections nested inside one template (bounds the render recursion) */
#define MAX_DIR_LEVELS 16 /* directory levels load_dir descends (bounds symlink loops) */

enum node_type { N_TEXT, N_VAR, N_RAW, N_SECTION, N_INVERTED, N_PARTIAL };

/* A template is a flat array of nodes; a section's body is the `body` nodes right after it. */
struct node {
	enum node_type type;
	int bol;      /* starts a template line: a standalone partial's indentation goes first */
	int nparts;   /* VAR, RAW, SECTION, INVERTED: name parts in str; 0 for "." */
	char *str;    /* owned. TEXT: the bytes; VAR..INVERTED: the name parts, each NUL-terminated;
	                 PARTIAL: the partial's name */
	size_t len;   /* TEXT: byte count */
	size_t body;  /* SECTION, INVERTED: number of nodes after this one forming the body */
	char *indent; /* owned. PARTIAL alone on its line: that line's indentation; else NULL */
};

struct tmpl {
	char *name;         /* owned */
	struct node *nodes; /* owned, n of them */
	size_t n;
};

struct mq_tmpl_set {
	struct tmpl *t; /* owned, sorted by name (strcmp) */
	size_t n, cap;
};

static void set_err(mq_buf *err, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static void set_err(mq_buf *err, const char *fmt, ...)
{
	va_list ap;
	if (!err)
		return;
	mq_buf_reset(err);
	va_start(ap, fmt);
	mq_buf_vprintf(err, fmt, ap);
	va_end(ap);
}

static void tmpl_free(struct tmpl *t)
{
	for (size_t i = 0; i < t->n; i++) {
		free(t->nodes[i].str);
		free(t->nodes[i].indent);
	}
	free(t->nodes);
	free(t->name);
}

/* Binary search: returns 1 and sets *at to the match, or 0 and *at to the insertion point. */
static int locate(const mq_tmpl_set *set, const char *name, size_t *at)
{
	size_t lo = 0, hi = set->n;
	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		int c = strcmp(name, set->t[mid].name);
		if (c == 0) {
			*at = mid;
			return 1;
		}
		if (c < 0)
			hi = mid;
		else
			lo = mid + 1;
	}
	*at = lo;
	return 0;
}

static const struct tmpl *find(const mq_tmpl_set *set, const char *name)
{
	size_t at;
	return locate(set, name, &at) ? &set->t[at] : NULL;
}

/* ---- compiler ---- */

struct parser {
	const char *src;
	size_t len;
	const char *label; /* template name or file path, for messages */
	mq_buf *err;
	struct tmpl *t;
	size_t cap;
};

struct open_section {
	size_t node;      /* index of the SECTION/INVERTED node */
	const char *name; /* points into the source */
	size_t nlen;
	size_t pos;       /* where its tag starts */
};

static int fail(struct parser *p, size_t pos, const char *fmt, ...) __attribute__((format(printf, 3, 4)));
static int fail(struct parser *p, size_t pos, const char *fmt, ...)
{
	va_list ap;
	int line = 1;
	if (!p->err)
		return -1;
	for (size_t i = 0; i < pos; i++)
		line += p->src[i] == '\n';
	mq_buf_reset(p->err);
	mq_buf_printf(p->err, "%s:%d: ", p->label, line);
	va_start(ap, fmt);
	mq_buf_vprintf(p->err, fmt, ap);
	va_end(ap);
	return -1;
}

static struct node *push(struct parser *p, enum node_type type, int bol)
{
	if (p->t->n == p->cap) {
		p->cap = p->cap ? 2 * p->cap : 16;
		p->t->nodes = mq_xrealloc(p->t->nodes, p->cap * sizeof *p->t->nodes);
	}
	struct node *nd = &p->t->nodes[p->t->n++];
	memset(nd, 0, sizeof *nd);
	nd->type = type;
	nd->bol = bol;
	return nd;
}

static int at_bol(const struct parser *p, size_t pos)
{
	return pos == 0 || p->src[pos - 1] == '\n';
}

static void add_text(struct parser *p, size_t from, size_t to)
{
	if (to <= from)
		return;
	struct node *nd = push(p, N_TEXT, at_bol(p, from));
	nd->len = to - from;
	nd->str = mq_xmalloc(nd->len);
	memcpy(nd->str, p->src + from, nd->len);
}

static int is_blank(char c)
{
	return c == ' ' || c == '\t';
}

static int is_space(char c)
{
	return is_blank(c) || c == '\r' || c == '\n';
}

/* Names hold no control characters, whitespace or braces. */
static int valid_chars(const char *s, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if ((unsigned char)s[i] <= ' ' || s[i] == '{' || s[i] == '}' || s[i] == 0x7f)
			return 0;
	return 1;
}

/* Stores name as NUL-separated parts: "a.b" -> "a\0b\0", nparts 2; "." -> nparts 0. */
static int set_name(struct parser *p, struct node *nd, const char *s, size_t n, size_t pos)
{
	nd->str = mq_xstrndup(s, n);
	if (n == 1 && s[0] == '.')
		return 0;
	if (!valid_chars(s, n))
		goto bad;
	nd->nparts = 1;
	for (size_t i = 0; i < n; i++) {
		if (s[i] != '.')
			continue;
		if (i == 0 || i == n - 1 || s[i - 1] == '.')
			goto bad;
		nd->str[i] = '\0';
		nd->nparts++;
	}
	return 0;
bad:
	return fail(p, pos, "invalid name '%.*s'", (int)n, s);
}

/* Fills t (zeroed by the caller, which frees it either way) from src. */
static int compile(struct tmpl *t, const char *label, const char *src, size_t len, mq_buf *err)
{
	struct parser p = { src, len, label, err, t, 0 };
	struct open_section open[MAX_NEST];
	int depth = 0;
	size_t pos = 0, text = 0; /* scan position; start of literal text not yet stored */

	for (;;) {
		const char *hit = memmem(src + pos, len - pos, "{{", 2);
		if (!hit)
			break;
		size_t ts = (size_t)(hit - src), cs, ce, te; /* tag start, content start/end, tag end */
		int triple = ts + 2 < len && src[ts + 2] == '{';
		size_t delim = triple ? 3 : 2;
		char sigil = triple ? '&' : 0;
		const char *close = memmem(src + ts + delim, len - ts - delim, "}}}", delim);
		if (!close)
			return fail(&p, ts, "unclosed tag");
		cs = ts + delim;
		ce = (size_t)(close - src);
		te = ce + delim;
		while (cs < ce && is_space(src[cs]))
			cs++;
		if (!sigil && cs < ce && memchr("!#^/>&=", src[cs], 7))
			sigil = src[cs++];
		while (cs < ce && is_space(src[cs]))
			cs++;
		while (ce > cs && is_space(src[ce - 1]))
			ce--;
		const char *name = src + cs;
		size_t nlen = ce - cs;
		if (sigil == '=')
			return fail(&p, ts, "set-delimiter tags are not supported");
		if (sigil != '!' && nlen == 0)
			return fail(&p, ts, "empty tag");

		/* Standalone: a block, comment or partial tag with only blanks around it on its line
		 * loses the whole line, newline included. */
		size_t ls = ts, le = te, after = te, text_end = ts;
		int standalone = 0;
		if (sigil && sigil != '&') {
			while (ls > text && is_blank(src[ls - 1]))
				ls--;
			while (le < len && is_blank(src[le]))
				le++;
			if (at_bol(&p, ls) && (le == len || src[le] == '\n' ||
					       (src[le] == '\r' && le + 1 < len && src[le + 1] == '\n'))) {
				standalone = 1;
				text_end = ls;
				after = le == len ? len : le + (src[le] == '\r' ? 2 : 1);
			}
		}
		int bol = !standalone && at_bol(&p, ts);
		add_text(&p, text, text_end);

		struct node *nd;
		struct open_section *o;
		switch (sigil) {
		case 0:
		case '&':
			nd = push(&p, sigil ? N_RAW : N_VAR, bol);
			if (set_name(&p, nd, name, nlen, ts))
				return -1;
			break;
		case '#':
		case '^':
			if (depth == MAX_NEST)
				return fail(&p, ts, "sections nested deeper than %d", MAX_NEST);
			nd = push(&p, sigil == '#' ? N_SECTION : N_INVERTED, bol);
			if (set_name(&p, nd, name, nlen, ts))
				return -1;
			open[depth++] = (struct open_section){ t->n - 1, name, nlen, ts };
			break;
		case '/':
			if (!valid_chars(name, nlen))
				return fail(&p, ts, "invalid name '%.*s'", (int)nlen, name);
			if (depth == 0)
				return fail(&p, ts, "closing tag '%.*s' without an open section", (int)nlen, name);
			o = &open[--depth];
			if (o->nlen != nlen || memcmp(o->name, name, nlen) != 0)
				return fail(&p, ts, "closing tag '%.*s' does not match section '%.*s'",
					    (int)nlen, name, (int)o->nlen, o->name);
			if (bol) /* the indentation before an inline closing tag is part of the body */
				push(&p, N_TEXT, 1);
			t->nodes[o->node].body = t->n - o->node - 1;
			break;
		case '!':
			if (bol)
				push(&p, N_TEXT, 1);
			break;
		case '>':
			if (!valid_chars(name, nlen))
				return fail(&p, ts, "invalid partial name '%.*s'", (int)nlen, name);
			nd = push(&p, N_PARTIAL, bol);
			nd->str = mq_xstrndup(name, nlen);
			if (standalone)
				nd->indent = mq_xstrndup(src + ls, ts - ls);
			break;
		default:
			assert(0 && "sigil outside the set searched above");
		}
		pos = text = after;
	}
	add_text(&p, text, len);
	if (depth)
		return fail(&p, open[depth - 1].pos, "unclosed section '%.*s'",
			    (int)open[depth - 1].nlen, open[depth - 1].name);
	return 0;
}

/* Compiles under name, reporting errors under label. */
static int add(mq_tmpl_set *set, const char *name, const char *label, const char *src, size_t len,
	       mq_buf *err)
{
	struct tmpl t = { NULL, NULL, 0 };
	size_t at;

	assert(set && name && (src || len == 0));
	if (compile(&t, label, src ? src : "", len, err)) {
		tmpl_free(&t);
		return -1;
	}
	t.name = mq_xstrdup(name);
	if (locate(set, name, &at)) {
		tmpl_free(&set->t[at]);
		set->t[at] = t;
		return 0;
	}
	if (set->n == set->cap) {
		set->cap = set->cap ? 2 * set->cap : 16;
		set->t = mq_xrealloc(set->t, set->cap * sizeof *set->t);
	}
	memmove(&set->t[at + 1], &set->t[at], (set->n - at) * sizeof *set->t);
	set->t[at] = t;
	set->n++;
	return 0;
}

/* ---- set ---- */

mq_tmpl_set *mq_tmpl_set_new(void)
{
	return mq_xcalloc(1, sizeof(mq_tmpl_set));
}

void mq_tmpl_set_free(mq_tmpl_set *set)
{
	if (!set)
		return;
	for (size_t i = 0; i < set->n; i++)
		tmpl_free(&set->t[i]);
	free(set->t);
	free(set);
}

int mq_tmpl_set_add(mq_tmpl_set *set, const char *name, const char *src, size_t len, mq_buf *err)
{
	return add(set, name, name, src, len, err);
}

int mq_tmpl_exists(const mq_tmpl_set *set, const char *name)
{
	return find(set, name) != NULL;
}

/* Loads the *.mustache files under path (a directory; restored before returning). */
static int load_tree(mq_tmpl_set *set, mq_buf *path, size_t root_len, int level, mq_buf *err)
{
	static const char ext[] = ".mustache";
	const size_t ext_len = sizeof ext - 1, keep = path->len;
	struct dirent **ents = NULL;
	int rc = 0, n = scandir(path->data, &ents, NULL, alphasort);

	if (n < 0) {
		set_err(err, "%s: %s", path->data, mq_strerror(errno).s);
		return -1;
	}
	for (int i = 0; i < n; i++) {
		const char *nm = ents[i]->d_name;
		size_t nlen = strlen(nm);
		struct stat st;
		if (rc || nm[0] == '.')
			goto next;
		path->len = keep;
		mq_buf_putc(path, '/');
		mq_buf_append(path, nm, nlen);
		if (stat(path->data, &st) != 0) {
			set_err(err, "%s: %s", path->data, mq_strerror(errno).s);
			rc = -1;
		} else if (S_ISDIR(st.st_mode)) {
			if (level == MAX_DIR_LEVELS) {
				set_err(err, "%s: directories nested deeper than %d", path->data, MAX_DIR_LEVELS);
				rc = -1;
			} else {
				rc = load_tree(set, path, root_len, level + 1, err);
			}
		} else if (S_ISREG(st.st_mode) && nlen > ext_len && !strcmp(nm + nlen - ext_len, ext)) {
			mq_buf src = MQ_BUF_INIT;
			char *name = mq_xstrndup(path->data + root_len + 1, path->len - root_len - 1 - ext_len);
			if (err)
				mq_buf_reset(err);
			rc = mq_buf_read_file(&src, path->data, MQ_TMPL_MAX_FILE, err);
			if (!rc)
				rc = add(set, name, path->data, src.data, src.len, err);
			free(name);
			mq_buf_free(&src);
		}
next:
		free(ents[i]);
	}
	free(ents);
	path->len = keep;
	path->data[keep] = '\0';
	return rc;
}

int mq_tmpl_set_load_dir(mq_tmpl_set *set, const char *dir, mq_buf *err)
{
	mq_buf path = MQ_BUF_INIT;
	size_t n = strlen(dir);
	while (n > 1 && dir[n - 1] == '/')
		n--;
	mq_buf_append(&path, dir, n);
	int rc = load_tree(set, &path, path.len, 0, err);
	mq_buf_free(&path);
	return rc;
}

/* ---- renderer ---- */

struct ctx {
	const cJSON *val;     /* borrowed from the caller's data */
	const struct ctx *up; /* enclosing context, NULL at the root */
};

struct render {
	const mq_tmpl_set *set;
	mq_buf *out;
	mq_buf *err;
	int depth; /* partials currently being rendered */
};

/* First part up the context stack, the rest only inside what it found. */
static const cJSON *lookup(const struct ctx *c, const struct node *nd)
{
	const char *part = nd->str;
	const cJSON *v = NULL;

	if (nd->nparts == 0)
		return c->val;
	for (; c && !v; c = c->up)
		if (cJSON_IsObject(c->val))
			v = cJSON_GetObjectItemCaseSensitive(c->val, part);
	for (int i = 1; v && i < nd->nparts; i++) {
		part += strlen(part) + 1;
		v = cJSON_IsObject(v) ? cJSON_GetObjectItemCaseSensitive(v, part) : NULL;
	}
	return v;
}

static int truthy(const cJSON *v)
{
	return v && !cJSON_IsFalse(v) && !cJSON_IsNull(v) && !(cJSON_IsArray(v) && !v->child);
}

static void put_value(mq_buf *out, const cJSON *v, int escape)
{
	char num[40];
	const char *s = NULL;

	if (cJSON_IsString(v)) {
		s = v->valuestring;
	} else if (cJSON_IsNumber(v)) {
		double d = v->valuedouble;
		if (d >= -9007199254740992.0 && d <= 9007199254740992.0 && d == (double)(long long)d) {
			snprintf(num, sizeof num, "%lld", (long long)d);
		} else {
			snprintf(num, sizeof num, "%.15g", d);
			if (strtod(num, NULL) != d)
				snprintf(num, sizeof num, "%.17g", d);
		}
		s = num;
	} else if (cJSON_IsTrue(v)) {
		s = "true";
	}
	if (!s)
		return;
	if (escape)
		mq_buf_html(out, s, strlen(s));
	else
		mq_buf_puts(out, s);
}

/* Template text; the indentation goes after each newline that has more text after it. */
static void put_text(mq_buf *out, const char *s, size_t n, const char *ind, size_t ilen)
{
	if (n == 0)
		return; /* an empty text: s may be NULL */
	size_t from = 0;
	for (size_t i = 0; ilen && i + 1 < n; i++) {
		if (s[i] != '\n')
			continue;
		mq_buf_append(out, s + from, i + 1 - from);
		mq_buf_append(out, ind, ilen);
		from = i + 1;
	}
	mq_buf_append(out, s + from, n - from);
}

static int render_nodes(struct render *r, const struct node *nd, size_t n, const struct ctx *c,
			const char *ind, size_t ilen);

static int render_partial(struct render *r, const struct node *x, const struct ctx *c,
			  const char *ind, size_t ilen)
{
	const struct tmpl *t = find(r->set, x->str);
	mq_buf sub = MQ_BUF_INIT;
	int rc;

	if (!t)
		return 0;
	if (r->depth == MQ_TMPL_MAX_DEPTH) {
		set_err(r->err, "partial '%s': partials nested deeper than %d levels", x->str,
			MQ_TMPL_MAX_DEPTH);
		return -1;
	}
	r->depth++;
	if (x->indent) {
		mq_buf_append(&sub, ind, ilen);
		mq_buf_puts(&sub, x->indent);
		rc = render_nodes(r, t->nodes, t->n, c, sub.data, sub.len);
	} else {
		rc = render_nodes(r, t->nodes, t->n, c, NULL, 0);
	}
	r->depth--;
	mq_buf_free(&sub);
	return rc;
}

static int render_nodes(struct render *r, const struct node *nd, size_t n, const struct ctx *c,
			const char *ind, size_t ilen)
{
	for (size_t i = 0; i < n; i++) {
		const struct node *x = &nd[i];
		const cJSON *v, *el;
		struct ctx sub = { NULL, c };

		if (x->bol && ilen)
			mq_buf_append(r->out, ind, ilen);
		switch (x->type) {
		case N_TEXT:
			put_text(r->out, x->str, x->len, ind, ilen);
			break;
		case N_VAR:
		case N_RAW:
			put_value(r->out, lookup(c, x), x->type == N_VAR);
			break;
		case N_SECTION:
		case N_INVERTED:
			assert(i + x->body < n);
			v = lookup(c, x);
			i += x->body;
			if (x->type == N_INVERTED) {
				if (!truthy(v) && render_nodes(r, x + 1, x->body, c, ind, ilen))
					return -1;
			} else if (cJSON_IsArray(v)) {
				cJSON_ArrayForEach(el, v) {
					sub.val = el;
					if (render_nodes(r, x + 1, x->body, &sub, ind, ilen))
						return -1;
				}
			} else if (truthy(v)) {
				sub.val = v;
				if (render_nodes(r, x + 1, x->body, &sub, ind, ilen))
					return -1;
			}
			break;
		case N_PARTIAL:
			if (render_partial(r, x, c, ind, ilen))
				return -1;
			break;
		}
	}
	return 0;
}

int mq_tmpl_render(const mq_tmpl_set *set, const char *name, const cJSON *data, mq_buf *out, mq_buf *err)
{
	const struct tmpl *t = find(set, name);
	struct render r = { set, out, err, 0 };
	struct ctx root = { data, NULL };
	size_t keep = out->len;

	if (!t) {
		set_err(err, "no template '%s'", name);
		return -1;
	}
	if (render_nodes(&r, t->nodes, t->n, &root, NULL, 0)) {
		out->len = keep;
		if (out->data)
			out->data[keep] = '\0';
		return -1;
	}
	return 0;
}
