# Marquee — build, test and run. `make` builds everything into build/; `make check` runs every
# test against a freshly started stack; `make run` starts the stack in the foreground.
# Variants: `make SANITIZE=1 …` (ASan + UBSan, build-sanitize/), `make COVERAGE=1 …` (build-coverage/).

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

PKGS := fcgi libmongoc-1.0 libbson-1.0 libcjson libcurl openssl libcrypt

# `make run` and `make check` on a fresh machine: install what is missing first (tests/deps.sh
# installs Debian packages when root, or prints the command), before any flags are computed.
# Building and installing (`make`, `make install`) need the libraries only; `make dist` and
# `make uninstall` nothing.
ifneq ($(filter check run start bench-sync,$(MAKECMDGOALS)),)
DEPS_OK := $(shell pkg-config --exists $(PKGS) check 2>/dev/null && command -v nginx >/dev/null && command -v chromium >/dev/null && test -d tests/browser/node_modules/playwright-core && echo ok)
ifneq ($(DEPS_OK),ok)
$(info make: prerequisites are missing; running tests/deps.sh first)
DEPS_RC := $(shell tests/deps.sh >&2; echo $$?)
ifneq ($(DEPS_RC),0)
$(error prerequisites are missing: run `make deps` as root, or the apt-get command it printed)
endif
endif
else ifeq ($(filter deps clean ferretdb dist uninstall stop,$(MAKECMDGOALS)),)
ifneq ($(shell pkg-config --exists $(PKGS) 2>/dev/null && echo ok),ok)
$(error the libraries to build with are missing (pkg-config $(PKGS)): run `make deps` as root, or see README.md, Prerequisites)
endif
endif

ifeq ($(SANITIZE),1)
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
PKG_CFLAGS := $(shell pkg-config --cflags $(PKGS) 2>/dev/null)
PKG_LIBS   := $(shell pkg-config --libs $(PKGS) 2>/dev/null)
# Required flags stay apart from the user's CFLAGS, which may be overridden freely.
REQ_CFLAGS := -std=c11 -D_GNU_SOURCE -MMD -MP -Ilib $(WARN) $(WERROR) $(PKG_CFLAGS) \
              -DMQ_VERSION='"$(VERSION)"' -DMQ_DATADIR='"$(DATADIR)"' -DMQ_BINDIR='"$(BINDIR)"'
ALL_CFLAGS  = $(REQ_CFLAGS) $(VARIANT) $(CFLAGS)
ALL_LDFLAGS = $(VARIANT) $(LDFLAGS)
LDLIBS     := $(PKG_LIBS) -lpthread -lm

WORKERS   := auth users movies ratings watchlist genres tmdb admin health
LIB_SRC   := $(wildcard lib/*.c)
LIB_OBJ   := $(LIB_SRC:%.c=$(BUILD)/%.o)
LIB_A     := $(BUILD)/libmarquee.a
WORKER_BIN := $(WORKERS:%=$(BUILD)/cgi-bin/%)
TOOL_BIN  := $(BUILD)/marquee-sync $(BUILD)/marquee-render $(BUILD)/marquee-eval-recs
FERRETDB  := build/ferretdb-test

CHECK_LIB_SRC := $(wildcard tests/lib/*.c)
CHECK_HANDLER_SRC := $(wildcard tests/cgi-bin/*.c)
CHECK_BIN := $(BUILD)/tests/check_lib $(BUILD)/tests/check_handlers

.PHONY: all check deps run start stop install uninstall dist clean ferretdb bench-sync eval-recs FORCE
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

$(LIB_A): $(LIB_OBJ)
	@rm -f $@
	ar rcs $@ $^

$(BUILD)/cgi-bin/%: $(BUILD)/cgi-bin/%.o $(LIB_A)
	$(CC) $(ALL_LDFLAGS) $^ $(LDLIBS) -o $@

$(BUILD)/marquee-%: $(BUILD)/tools/%.o $(LIB_A)
	$(CC) $(ALL_LDFLAGS) $^ $(LDLIBS) -o $@

$(BUILD)/tests/check_lib: $(CHECK_LIB_SRC:%.c=$(BUILD)/%.o) $(LIB_A)
	$(CC) $(ALL_LDFLAGS) $^ $(LDLIBS) $(shell pkg-config --libs check) -o $@

$(BUILD)/tests/check_handlers: $(CHECK_HANDLER_SRC:%.c=$(BUILD)/%.o) $(BUILD)/tests/lib/testutil.o \
                              $(WORKERS:%=$(BUILD)/testing/cgi-bin/%.o) $(LIB_A)
	$(CC) $(ALL_LDFLAGS) $^ $(LDLIBS) $(shell pkg-config --libs check) -o $@

# The test database: FerretDB v1.24.2 embedded in a wrapper (tests/ferretdb/main.go explains why).
# Shared by every variant; built once with the Go toolchain from the module proxy.
ferretdb: $(FERRETDB)
$(FERRETDB): tests/ferretdb/main.go tests/ferretdb/go.mod tests/ferretdb/go.sum
	@mkdir -p build
	cd tests/ferretdb && GOTOOLCHAIN=local CGO_ENABLED=0 go build -trimpath -o $(CURDIR)/$@ .

deps:
	@tests/deps.sh

# Every test runs against a stack started for the occasion (tests/check.sh): unit tests,
# handler tests through in-memory requests, CGI mode, tools, the stand-in, black-box HTTP tests.
check: all $(CHECK_BIN) $(FERRETDB)
	BUILD=$(BUILD) tests/check.sh

run: all $(FERRETDB)
	BUILD=$(BUILD) tests/stack.sh run
start: all $(FERRETDB)
	BUILD=$(BUILD) tests/stack.sh start
stop:
	BUILD=$(BUILD) tests/stack.sh stop

install: all
	install -d $(DESTDIR)$(BINDIR) $(DESTDIR)$(LIBEXECDIR)/cgi-bin $(DESTDIR)$(DATADIR)/sql
	install -m 0755 $(TOOL_BIN) $(DESTDIR)$(BINDIR)/
	install -m 0755 $(WORKER_BIN) $(DESTDIR)$(LIBEXECDIR)/cgi-bin/
	install -m 0644 sql/*.json $(DESTDIR)$(DATADIR)/sql/
	cp -R templates $(DESTDIR)$(DATADIR)/
	cp -R nginx $(DESTDIR)$(DATADIR)/

uninstall:
	rm -f $(TOOL_BIN:$(BUILD)/%=$(DESTDIR)$(BINDIR)/%)
	rm -rf $(DESTDIR)$(LIBEXECDIR) $(DESTDIR)$(DATADIR)

clean:
	rm -rf build/cgi-bin build/lib build/tools build/tests build/testing build/*.a build/marquee-* \
	       build-sanitize build-coverage

-include $(shell find $(BUILD) -name '*.d' 2>/dev/null)

# Benchmarks print figures; they assert nothing (tests/bench/).
bench-sync: $(BUILD)/marquee-sync $(FERRETDB)
	BUILD=$(CURDIR)/$(BUILD) tests/bench/sync.sh

# The recommender against MovieLens (read in place; MOVIELENS=DIR for another copy).
MOVIELENS ?= ../shared/datasets/ml-latest-small
eval-recs: $(BUILD)/marquee-eval-recs
	@if [ -f "$(MOVIELENS)/ratings.csv" ]; then $(BUILD)/marquee-eval-recs "$(MOVIELENS)"; \
	else echo "eval-recs: no MovieLens data at $(MOVIELENS) (set MOVIELENS=DIR); nothing to measure"; fi
