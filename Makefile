# Marquee — build, test and run. `make` builds everything into build/; `make check` runs every
# test against a freshly started stack; `make run` starts the stack in the foreground.
# Variants: `make SANITIZE=1 …` (ASan + UBSan, build-sanitize/), `make COVERAGE=1 …` (build-coverage/),
# `make FUZZ=1 …` (clang, libFuzzer + ASan + UBSan, build-fuzz/: what `make fuzz` uses).

VERSION    := 0.1.0
PREFIX     ?= /usr/local
DESTDIR    ?=
BINDIR     := $(PREFIX)/bin
LIBEXECDIR := $(PREFIX)/lib/marquee
DATADIR    := $(PREFIX)/share/marquee
MANDIR     := $(PREFIX)/share/man
SYSTEMDUNITDIR ?= $(PREFIX)/lib/systemd/system
TMPFILESDIR    ?= $(PREFIX)/lib/tmpfiles.d
# Where the installed site expects things at run time (`make install` writes none of them; it
# fills them into the production site file and the example configurations).
SYSCONFDIR     ?= /etc/marquee
SOCKDIR        ?= /run/marquee
MEDIADIR       ?= /var/lib/marquee/media
NGINX_CACHEDIR ?= /var/cache/marquee/nginx
NGINX_LISTEN   ?= 443 ssl
NGINX_TLS      ?= include $(DATADIR)/nginx/snippets/tls.conf;
NGINX_AUTH_RATE ?= 10r/s
NGINX_SEARCH_RATE ?= 20r/s
NGINX_SEARCH_BURST ?= 40
# nginx's /img/ cache fetches from TMDB's image host: the secure_base_url of TMDB's /configuration,
# split into origin and path, and every size the configuration lists (README.md, "Images").
NGINX_IMG_ORIGIN ?= https://image.tmdb.org
NGINX_IMG_PATH   ?= /t/p/
NGINX_IMG_SIZES  ?= h632|original|w1280|w154|w185|w300|w342|w45|w500|w780|w92
# the DNS server nginx asks for that host: the first of /etc/resolv.conf where make install runs
NGINX_RESOLVER   ?= $(shell awk '/^nameserver/ { print ($$2 ~ /:/ ? "[" $$2 "]" : $$2); exit }' /etc/resolv.conf 2>/dev/null)

REDOCLY := tests/openapi/node_modules/.bin/redocly
PKGS := fcgi libmongoc-1.0 libbson-1.0 libcjson libcurl openssl libcrypt icu-i18n
# LAPACK/BLAS (Debian's liblapacke-dev, libopenblas-dev): only the recommender's training and
# evaluation fit models with them (lib/core/recs_models.c), so only the tools and the unit tests
# link them; the workers never do.
LA_PKGS := lapacke blas

# `make run` and `make check` on a fresh machine: install what is missing first (tests/deps.sh
# installs Debian packages when root, or prints the command), before any flags are computed.
# Building and installing (`make`, `make install`) need the libraries only; `make dist` and
# `make uninstall` nothing.
ifneq ($(filter check run start bench bench-sync bench-recs bench-scale fuzz-api,$(MAKECMDGOALS)),)
DEPS_OK := $(shell pkg-config --exists $(PKGS) $(LA_PKGS) check 2>/dev/null && command -v nginx >/dev/null && command -v chromium >/dev/null && test -d tests/browser/node_modules/playwright-core && test -d tests/browser/node_modules/axe-core && test -x $(REDOCLY) && echo ok)
ifneq ($(DEPS_OK),ok)
$(info make: prerequisites are missing; running tests/deps.sh first)
DEPS_RC := $(shell tests/deps.sh >&2; echo $$?)
ifneq ($(DEPS_RC),0)
$(error prerequisites are missing: run `make deps` as root, or the apt-get command it printed)
endif
endif
else ifeq ($(filter deps clean ferretdb dist uninstall stop,$(MAKECMDGOALS)),)
ifneq ($(shell pkg-config --exists $(PKGS) $(LA_PKGS) 2>/dev/null && echo ok),ok)
$(error the libraries to build with are missing (pkg-config $(PKGS) $(LA_PKGS)): run `make deps` as root, or see README.md, Prerequisites)
endif
endif

ifeq ($(FUZZ),1)
BUILD       := build-fuzz
CC          := clang
VARIANT     := -O1 -g -fsanitize=fuzzer-no-link,address,undefined -fno-omit-frame-pointer -fno-sanitize-recover=undefined
else ifeq ($(SANITIZE),1)
BUILD       := build-sanitize
VARIANT     := -O1 -fsanitize=address,undefined -fno-omit-frame-pointer -fno-sanitize-recover=undefined
else ifeq ($(COVERAGE),1)
BUILD       := build-coverage
VARIANT     := -O0 --coverage
else
BUILD       := build
VARIANT     :=
endif

CC      ?= cc
CFLAGS  ?= -O2 -g
LDFLAGS ?=
WERROR  ?= -Werror
WARN    := -Wall -Wextra -Wpedantic -Wshadow -Wformat=2 -Wstrict-prototypes -Wmissing-prototypes \
           -Wold-style-definition -Wpointer-arith -Wvla -Wundef -Wwrite-strings -Wimplicit-fallthrough
PKG_CFLAGS := $(shell pkg-config --cflags $(PKGS) $(LA_PKGS) 2>/dev/null)
PKG_LIBS   := $(shell pkg-config --libs $(PKGS) 2>/dev/null)
# Required flags stay apart from the user's CFLAGS, which may be overridden freely.
REQ_CFLAGS := -std=c11 -D_GNU_SOURCE -MMD -MP -Ilib $(WARN) $(WERROR) $(PKG_CFLAGS) \
              -DMQ_VERSION='"$(VERSION)"' -DMQ_DATADIR='"$(DATADIR)"' -DMQ_BINDIR='"$(BINDIR)"'
ALL_CFLAGS  = $(REQ_CFLAGS) $(VARIANT) $(CFLAGS)
ALL_LDFLAGS = $(VARIANT) $(LDFLAGS)
LDLIBS     := $(PKG_LIBS) -lpthread -lm
LA_LIBS    := $(shell pkg-config --libs $(LA_PKGS) 2>/dev/null)

WORKERS   := auth users movies ratings watchlist genres people tmdb admin health
LIB_SRC   := $(wildcard lib/*/*.c)
LIB_OBJ   := $(LIB_SRC:%.c=$(BUILD)/%.o)
LIB_A     := $(BUILD)/libmarquee.a
WORKER_BIN := $(WORKERS:%=$(BUILD)/cgi-bin/%)
TOOL_BIN  := $(BUILD)/marquee-sync $(BUILD)/marquee-render $(BUILD)/marquee-eval-recs
FERRETDB  := build/ferretdb-test

CHECK_LIB_SRC := $(wildcard tests/lib/*.c)
CHECK_HANDLER_SRC := $(wildcard tests/cgi-bin/*.c)
CHECK_BIN := $(BUILD)/tests/check_lib $(BUILD)/tests/check_handlers

# Objects are kept once built (make would delete the workers' as intermediates of their pattern
# rules, and `make check` after `make` would then compile them again).
.SECONDARY:

.PHONY: all check unit deps run start stop install uninstall dist clean ferretdb bench bench-sync bench-recs bench-scale eval-recs fuzz fuzz-build fuzz-run fuzz-api valgrind docs FORCE
.DEFAULT_GOAL := all

all: $(WORKER_BIN) $(TOOL_BIN)

$(BUILD)/%.o: %.c $(BUILD)/.prefix
	@mkdir -p $(dir $@)
	$(CC) $(ALL_CFLAGS) -c $< -o $@

# The compiled-in install paths (TEMPLATE_DIR's default, marquee-sync schema's file, …): objects
# are rebuilt when PREFIX changes, so that `make install PREFIX=…` installs binaries that agree.
$(BUILD)/.prefix: FORCE
	@mkdir -p $(BUILD)
	@[ "$$(cat $@ 2>/dev/null)" = "$(PREFIX)" ] || echo "$(PREFIX)" > $@
FORCE:

# Worker sources compiled for the in-memory handler tests: no main(), tables exported.
$(BUILD)/testing/%.o: %.c $(BUILD)/.prefix
	@mkdir -p $(dir $@)
	$(CC) $(ALL_CFLAGS) -DMQ_TESTING -c $< -o $@

# lib/ is layered, lowest first (each folder's README.md): a file may include headers of its own layer and
# of the layers before it. The library is not built while a file breaks the order.
LAYERS := core web store tmdb domain site
$(BUILD)/.layers: lib/check-layers.sh $(wildcard lib/*.[ch] lib/*/*.[ch])
	@mkdir -p $(dir $@)
	lib/check-layers.sh $(LAYERS)
	@touch $@

$(LIB_A): $(LIB_OBJ) | $(BUILD)/.layers
	@rm -f $@
	ar rcs $@ $^

$(BUILD)/cgi-bin/%: $(BUILD)/cgi-bin/%.o $(LIB_A)
	$(CC) $(ALL_LDFLAGS) $^ $(LDLIBS) -o $@

# The admin worker is one binary of three files: the API and route table (admin.c), the pages
# (admin_pages.c) and what they show of the API's answers (admin_view.c); the handler tests link
# all three.
$(BUILD)/cgi-bin/admin: $(BUILD)/cgi-bin/admin.o $(BUILD)/cgi-bin/admin_pages.o $(BUILD)/cgi-bin/admin_view.o $(LIB_A)
	$(CC) $(ALL_LDFLAGS) $^ $(LDLIBS) -o $@

$(BUILD)/marquee-%: $(BUILD)/tools/%.o $(LIB_A)
	$(CC) $(ALL_LDFLAGS) $^ $(LDLIBS) $(LA_LIBS) -o $@

$(BUILD)/tests/check_lib: $(CHECK_LIB_SRC:%.c=$(BUILD)/%.o) $(LIB_A)
	$(CC) $(ALL_LDFLAGS) $^ $(LDLIBS) $(LA_LIBS) $(shell pkg-config --libs check) -o $@

$(BUILD)/tests/check_handlers: $(CHECK_HANDLER_SRC:%.c=$(BUILD)/%.o) $(BUILD)/tests/lib/testutil.o \
                              $(WORKERS:%=$(BUILD)/testing/cgi-bin/%.o) $(BUILD)/testing/cgi-bin/admin_pages.o $(BUILD)/testing/cgi-bin/admin_view.o $(LIB_A)
	$(CC) $(ALL_LDFLAGS) $^ $(LDLIBS) $(shell pkg-config --libs check) -o $@

# The test database: FerretDB v1.24.2 embedded in a wrapper (tests/ferretdb/main.go explains why),
# with its _id lookups patched to use the _id index (tests/ferretdb/build.sh explains how and why).
# Shared by every variant; built once with the Go toolchain from the module proxy.
ferretdb: $(FERRETDB)
$(FERRETDB): tests/ferretdb/build.sh tests/ferretdb/main.go tests/ferretdb/go.mod tests/ferretdb/go.sum
	@mkdir -p build
	tests/ferretdb/build.sh $(CURDIR)/$@

deps:
	@tests/deps.sh

# The API reference served at /api/docs: rendered offline from the OpenAPI description by Redocly
# (tests/openapi, from npm), scripts inlined. Built by `make run`, `make check` and `make docs`;
# `make install` installs it when it has been built.
API_DOCS := templates/static/api-docs.html
docs: $(API_DOCS)
$(API_DOCS): templates/static/openapi.json
	$(REDOCLY) build-docs $< --inlineBundle --title "Marquee API" -o $@

# Parser fuzzers (tests/fuzz/): one libFuzzer target per parser, each run FUZZ_SECONDS (default
# 30) from its seed corpus (tests/fuzz/corpus/NAME, plus ../shared's TMDB recordings when present,
# read in place); new inputs go to build-fuzz/corpus/NAME, crashes to build-fuzz/crashes/.
FUZZERS      := query json multipart jwt cookie template tmdb
FUZZ_SECONDS ?= 30
fuzz:
	$(MAKE) FUZZ=1 fuzz-run
fuzz-build: $(FUZZERS:%=$(BUILD)/fuzz/%)
$(BUILD)/fuzz/%: $(BUILD)/tests/fuzz/%.o $(LIB_A)
	@mkdir -p $(dir $@)
	$(CC) $(ALL_LDFLAGS) -fsanitize=fuzzer $^ $(LDLIBS) -o $@
fuzz-run: fuzz-build
	BUILD=$(BUILD) FUZZ_SECONDS=$(FUZZ_SECONDS) tests/fuzz/run.sh $(FUZZERS)

# Schemathesis against a stack of its own, as a member and as an admin (tests/fuzz/api.sh);
# FUZZ_API_EXAMPLES bounds the examples per operation (default 50).
fuzz-api: all $(FERRETDB) $(API_DOCS)
	BUILD=$(CURDIR)/$(BUILD) tests/fuzz/api.sh

# The unit and handler tests under valgrind, in one process each (CK_FORK=no): any memory error
# or definite/indirect leak fails.
VALGRIND := valgrind --quiet --leak-check=full --show-leak-kinds=definite,indirect \
            --errors-for-leak-kinds=definite,indirect --error-exitcode=1 --track-origins=yes
valgrind: $(CHECK_BIN)
	CK_FORK=no $(VALGRIND) $(BUILD)/tests/check_lib
	CK_FORK=no TEMPLATE_DIR=$(CURDIR)/templates $(VALGRIND) $(BUILD)/tests/check_handlers

# The C tests alone (tests/unit.sh): unit and handler tests, CGI mode, against the test database
# only (no nginx, no browser), in well under two minutes.
unit: all $(CHECK_BIN) $(FERRETDB)
	BUILD=$(BUILD) tests/unit.sh

# Every test runs against a stack started for the occasion (tests/check.sh): unit tests,
# handler tests through in-memory requests, CGI mode, tools, the stand-in, black-box HTTP tests.
check: all $(CHECK_BIN) $(FERRETDB) $(API_DOCS) $(BUILD)/tests/bench/scale-fill
	BUILD=$(BUILD) tests/check.sh

run: all $(FERRETDB) $(API_DOCS)
	BUILD=$(BUILD) tests/stack.sh run
start: all $(FERRETDB) $(API_DOCS)
	BUILD=$(BUILD) MQ_DEMO=$${MQ_DEMO:-1} tests/stack.sh start
stop:
	BUILD=$(BUILD) tests/stack.sh stop

# make install [PREFIX=/usr/local] [DESTDIR=…] [BUILD=…]: the binaries, templates and static
# assets, the schema, the nginx site (marquee.conf, rendered from site.conf.in for production,
# and its snippets), the systemd units and tmpfiles entry, the example configurations and the
# man page, all under $(PREFIX): no root needed for a prefix of your own. The examples name the
# default paths (/usr/local/…, /etc/marquee, /run/marquee, …); install rewrites them to the ones
# chosen here. `make uninstall` (same variables) removes exactly these files.
TEMPLATE_FILES := $(shell find templates -type f 2>/dev/null | LC_ALL=C sort)
SNIPPET_FILES  := $(sort $(wildcard nginx/snippets/*.conf))
UNIT_FILES     := $(sort $(wildcard nginx/systemd/*.socket nginx/systemd/*.service nginx/systemd/*.target nginx/systemd/*.timer))
HOSTING_FILES  := $(sort $(wildcard nginx/shared-hosting/*))
EXAMPLEDIR     := $(DATADIR)/examples
RENDER = sed -e 's|/usr/local/lib/marquee|$(LIBEXECDIR)|g' -e 's|/usr/local/share/marquee|$(DATADIR)|g' \
             -e 's|/usr/local/lib/systemd/system|$(SYSTEMDUNITDIR)|g' -e 's|/usr/local/bin|$(BINDIR)|g' \
             -e 's|/etc/marquee|$(SYSCONFDIR)|g' -e 's|/run/marquee|$(SOCKDIR)|g' \
             -e 's|/var/lib/marquee/media|$(MEDIADIR)|g' -e 's|/var/cache/marquee/nginx|$(NGINX_CACHEDIR)|g'
RENDER_SITE = sed -e 's|@LISTEN@|$(NGINX_LISTEN)|g' -e 's|@TLS@|$(NGINX_TLS)|g' -e 's|@SOCK_DIR@|$(SOCKDIR)|g' \
             -e 's|@STATIC_DIR@|$(DATADIR)/templates/static|g' -e 's|@MEDIA_DIR@|$(MEDIADIR)|g' \
             -e 's|@CACHE_DIR@|$(NGINX_CACHEDIR)|g' -e 's|@SNIPPETS@|$(DATADIR)/nginx/snippets|g' \
             -e 's|@AUTH_RATE@|$(NGINX_AUTH_RATE)|g' -e 's|@SEARCH_RATE@|$(NGINX_SEARCH_RATE)|g' \
             -e 's|@SEARCH_BURST@|$(NGINX_SEARCH_BURST)|g' -e 's|@IMG_ORIGIN@|$(NGINX_IMG_ORIGIN)|g' \
             -e 's|@IMG_PATH@|$(NGINX_IMG_PATH)|g' -e 's,@IMG_SIZES@,$(NGINX_IMG_SIZES),g' \
             -e 's|@IMG_RESOLVER@|$(if $(NGINX_RESOLVER),resolver $(NGINX_RESOLVER) valid=300s;)|g'
# $(call render,SOURCE,INSTALLED PATH,MODE)
render = @echo "render $(1) > $(DESTDIR)$(2)"; $(RENDER) $(1) > $(DESTDIR)$(2) && chmod $(3) $(DESTDIR)$(2)
INSTALLED_FILES = $(TOOL_BIN:$(BUILD)/%=$(BINDIR)/%) $(WORKERS:%=$(LIBEXECDIR)/cgi-bin/%) \
	$(addprefix $(DATADIR)/,$(wildcard sql/*.json) $(TEMPLATE_FILES)) \
	$(SNIPPET_FILES:nginx/%=$(DATADIR)/nginx/%) $(DATADIR)/nginx/site.conf.in $(DATADIR)/nginx/marquee.conf \
	$(addprefix $(SYSTEMDUNITDIR)/,$(notdir $(UNIT_FILES))) $(TMPFILESDIR)/marquee.conf \
	$(EXAMPLEDIR)/marquee.env $(EXAMPLEDIR)/crontab $(EXAMPLEDIR)/supervisord/marquee.conf \
	$(EXAMPLEDIR)/logrotate/marquee $(HOSTING_FILES:nginx/%=$(EXAMPLEDIR)/%) $(MANDIR)/man1/marquee-sync.1

install: all
	install -d $(DESTDIR)$(BINDIR) $(DESTDIR)$(LIBEXECDIR)/cgi-bin $(DESTDIR)$(DATADIR)/sql \
	    $(DESTDIR)$(DATADIR)/nginx/snippets $(DESTDIR)$(EXAMPLEDIR)/supervisord $(DESTDIR)$(EXAMPLEDIR)/logrotate \
	    $(DESTDIR)$(EXAMPLEDIR)/shared-hosting $(DESTDIR)$(SYSTEMDUNITDIR) $(DESTDIR)$(TMPFILESDIR) \
	    $(DESTDIR)$(MANDIR)/man1
	install -m 0755 $(TOOL_BIN) $(DESTDIR)$(BINDIR)/
	install -m 0755 $(WORKER_BIN) $(DESTDIR)$(LIBEXECDIR)/cgi-bin/
	install -m 0644 sql/*.json $(DESTDIR)$(DATADIR)/sql/
	@for f in $(TEMPLATE_FILES); do install -D -m 0644 $$f $(DESTDIR)$(DATADIR)/$$f || exit 1; done
	install -m 0644 $(SNIPPET_FILES) $(DESTDIR)$(DATADIR)/nginx/snippets/
	install -m 0644 nginx/site.conf.in $(DESTDIR)$(DATADIR)/nginx/
	@echo "render nginx/site.conf.in > $(DESTDIR)$(DATADIR)/nginx/marquee.conf"
	@{ echo "# Marquee's production site, rendered by make install from site.conf.in$(if $(strip $(NGINX_TLS)), and http-redirect.conf).";\
	  echo "# make install overwrites it: change the make variables (README.md, Install), not this file."; \
	  $(RENDER_SITE) nginx/site.conf.in; $(if $(strip $(NGINX_TLS)),echo; cat nginx/http-redirect.conf;) \
	} > $(DESTDIR)$(DATADIR)/nginx/marquee.conf && chmod 0644 $(DESTDIR)$(DATADIR)/nginx/marquee.conf
	@for f in $(UNIT_FILES); do \
	    echo "render $$f > $(DESTDIR)$(SYSTEMDUNITDIR)/$${f##*/}"; $(RENDER) $$f > $(DESTDIR)$(SYSTEMDUNITDIR)/$${f##*/} && chmod 0644 $(DESTDIR)$(SYSTEMDUNITDIR)/$${f##*/} || exit 1; \
	done
	$(call render,nginx/systemd/marquee.tmpfiles,$(TMPFILESDIR)/marquee.conf,0644)
	$(call render,nginx/marquee.env.example,$(EXAMPLEDIR)/marquee.env,0644)
	$(call render,nginx/crontab.example,$(EXAMPLEDIR)/crontab,0644)
	$(call render,nginx/supervisord/marquee.conf,$(EXAMPLEDIR)/supervisord/marquee.conf,0644)
	$(call render,nginx/logrotate/marquee,$(EXAMPLEDIR)/logrotate/marquee,0644)
	@for f in $(HOSTING_FILES); do \
	    echo "render $$f > $(DESTDIR)$(EXAMPLEDIR)/shared-hosting/$${f##*/}"; $(RENDER) $$f > $(DESTDIR)$(EXAMPLEDIR)/shared-hosting/$${f##*/} || exit 1; \
	    if [ -x $$f ]; then mode=0755; else mode=0644; fi; chmod $$mode $(DESTDIR)$(EXAMPLEDIR)/shared-hosting/$${f##*/}; \
	done
	$(call render,tools/marquee-sync.1,$(MANDIR)/man1/marquee-sync.1,0644)

# Removes the files install put (computed the same way), then the directories of Marquee's own
# that are left empty; shared ones (bin, man1, systemd/system, …) stay.
uninstall:
	rm -f $(addprefix $(DESTDIR),$(INSTALLED_FILES))
	@for d in $(DESTDIR)$(DATADIR) $(DESTDIR)$(LIBEXECDIR); do \
	    if [ -d $$d ]; then find $$d -depth -type d -empty -delete; fi; \
	done

# make dist: marquee-$(VERSION).tar.gz of the tracked files (git ls-files in a git checkout; in an
# unpacked tarball, the source directories without what is built or fetched), unpacking into
# marquee-$(VERSION)/: all that `make` and `make check` need besides what `make deps` installs.
DIST_NAME  := marquee-$(VERSION)
DIST_PATHS := .ci .gitignore Makefile README.md cgi-bin lib nginx sql templates tests tools
dist:
	@mkdir -p build
	@if [ "$$(git rev-parse --show-toplevel 2>/dev/null)" = "$(CURDIR)" ]; then git ls-files; \
	else find $(wildcard $(DIST_PATHS)) -type f ! -path '*/node_modules/*' ! -path '*/__pycache__/*' ! -name '*.pyc'; fi | \
	while IFS= read -r f; do [ -f "$$f" ] && printf '%s\n' "$$f"; done | LC_ALL=C sort > build/dist-files
	tar -czf $(DIST_NAME).tar.gz --owner=0 --group=0 --numeric-owner --transform 's|^|$(DIST_NAME)/|S' -T build/dist-files
	@echo "dist: $(DIST_NAME).tar.gz ($$(wc -l < build/dist-files) files)"

clean:
	rm -rf build/cgi-bin build/lib build/tools build/tests build/testing build/*.a build/marquee-* \
	       build/.prefix build/dist-files build-sanitize build-coverage build-fuzz marquee-*.tar.gz

-include $(shell find $(BUILD) -name '*.d' 2>/dev/null)

# Benchmarks print figures; they assert nothing (tests/bench/).
bench-sync: $(BUILD)/marquee-sync $(FERRETDB)
	BUILD=$(CURDIR)/$(BUILD) tests/bench/sync.sh

bench-recs: all $(FERRETDB) $(BUILD)/tests/bench/recs-train
	BUILD=$(CURDIR)/$(BUILD) tests/bench/recs.sh

# Learning the recommender's lists on synthetic events (tests/bench/recs_train.c).
$(BUILD)/tests/bench/recs-train: $(BUILD)/tests/bench/recs_train.o $(LIB_A)
	$(CC) $(ALL_LDFLAGS) $^ $(LDLIBS) $(LA_LIBS) -o $@
# Each catalogue and member read at 100, 1,000 and 10,000 movies (tests/bench/scale.sh; SIZES=…).
bench-scale: all $(FERRETDB) $(BUILD)/tests/bench/scale-fill
	BUILD=$(CURDIR)/$(BUILD) tests/bench/scale.sh

# The bench's fast catalogue fill through the sync's document builder (tests/bench/scale_fill.c).
$(BUILD)/tests/bench/scale-fill: $(BUILD)/tests/bench/scale_fill.o $(LIB_A)
	$(CC) $(ALL_LDFLAGS) $^ $(LDLIBS) $(LA_LIBS) -o $@
# wrk against a stack of its own, beside a FastCGI hello-world (DURATION=60 for the long run).
bench: all $(FERRETDB)
	BUILD=$(CURDIR)/$(BUILD) tests/bench/http.sh

# The recommender against MovieLens (read in place; MOVIELENS=DIR for another copy).
MOVIELENS ?= ../shared/datasets/ml-latest-small
eval-recs: $(BUILD)/marquee-eval-recs
	@if [ -f "$(MOVIELENS)/ratings.csv" ]; then $(BUILD)/marquee-eval-recs "$(MOVIELENS)"; \
	else echo "eval-recs: no MovieLens data at $(MOVIELENS) (set MOVIELENS=DIR); nothing to measure"; fi
