# judgepipe: build, test, install and benchmark.
#
#   make                 build every command into bin/ (warnings are errors)
#   make test            install missing Debian packages, build with ASan+UBSan,
#                        run every unit and end-to-end test and a short smoke
#                        run of every fuzz target (FUZZ_SMOKE_SECONDS, 2)
#   make fuzz [FUZZ_SECONDS=60] [FUZZ_TARGETS="verdict prompt"]
#                        run each libFuzzer target (clang) for FUZZ_SECONDS and
#                        report CPU time, runs, coverage and crashes
#                        (scripts/fuzz.sh); the corpus grows in
#                        build/fuzz/corpus/<target>, crashing inputs are kept
#                        in build/fuzz/crash/
#   make bench           build optimised and print the benchmark figures
#   make install PREFIX=/usr/local
#   make demo            the main job without API keys (scripts/demo.sh)
#   make arena           a blind test of shipped Korean answers in a browser
#                        [ARENA_PORT=8080] [ARENA_LANG=ko] [VOTES=votes.jsonl]
#   make eval BENCH=ko MODELS="a b" [API_CONFIG=...] [JOBS=4] [ESTIMATE=1]
#                        the incremental pipeline (scripts/eval.mk; BENCH=
#                        mt-bench and v2: scripts/eval-mt-bench.mk, eval-v2.mk);
#                        with ESTIMATE=1 what it would send and cost, sending
#                        nothing (BENCH=ko)
#   make release BENCH=ko DATE=YYYYMMDD [RELEASES=leaderboard] [FORCE=1]
#                        a dated release of the boards (scripts/release)
#
# Sources are discovered: common/*.c (minus *_test.c and *_fuzz.c) form
# libjudgepipe, cmd/<name>/main.c becomes bin/<name>, common/<x>_test.c a
# cmocka binary, common/<x>_fuzz.c a libFuzzer binary (build/fuzz/bin/).
# The web files of common/web/ and cmd/<name>/web/ are embedded into the
# library (scripts/embed.c writes build/gen/assets.c; see common/asset.h).

VERSION   = 0.1.0
PREFIX   ?= /usr/local
DESTDIR  ?=
CC       ?= cc
PKGS      = libcurl libzstd jansson yaml-0.1 libpcre2-8 libcrypto libmicrohttpd \
	zlib
PKG_CFLAGS := $(shell pkg-config --cflags $(PKGS) 2>/dev/null)
PKG_LIBS   := $(shell pkg-config --libs $(PKGS) 2>/dev/null)
CMOCKA_LIBS := $(shell pkg-config --libs cmocka 2>/dev/null)

WARN      = -Wall -Wextra -Werror -Wno-unused-parameter
BASE_CFLAGS = -std=c11 -D_GNU_SOURCE -g $(WARN) -Icommon $(PKG_CFLAGS) \
	-DJUDGEPIPE_VERSION='"$(VERSION)"' \
	-DJUDGEPIPE_DATADIR='"$(PREFIX)/share/judgepipe"'
OPT       = -O2
SAN       = -O1 -fsanitize=address,undefined -fno-omit-frame-pointer \
	-fno-sanitize-recover=undefined
LDLIBS    = $(PKG_LIBS) -lm

LIB_SRC   := $(filter-out %_test.c %_fuzz.c,$(wildcard common/*.c))
TEST_SRC  := $(wildcard common/*_test.c)
FUZZ_SRC  := $(wildcard common/*_fuzz.c)
CMDS      := $(notdir $(patsubst %/,%,$(dir $(wildcard cmd/*/main.c))))
HDRS      := $(wildcard common/*.h)

REL       = build/rel
# V=1 shows the compiler command lines.
Q         = $(if $(V),,@)
ASAN      = build/asan
FUZZ      = build/fuzz
# libFuzzer needs clang; the library is instrumented for coverage too.
FUZZ_CC   = clang
FUZZ_SAN  = -O1 -fsanitize=address,undefined -fno-omit-frame-pointer \
	-fno-sanitize-recover=undefined

GEN       = build/gen
WEB_SRC   := $(sort $(wildcard $(foreach e,html css js,common/web/*.$(e) \
	cmd/*/web/*.$(e))))
# The list of web files, rewritten only when it changes, so that adding or
# removing one regenerates the assets.
$(shell mkdir -p $(GEN) && echo '$(WEB_SRC)' | cmp -s - $(GEN)/assets.list \
	|| echo '$(WEB_SRC)' > $(GEN)/assets.list)

REL_OBJ   := $(LIB_SRC:common/%.c=$(REL)/common/%.o) $(REL)/gen/assets.o
ASAN_OBJ  := $(LIB_SRC:common/%.c=$(ASAN)/common/%.o) $(ASAN)/gen/assets.o
BINS      := $(CMDS:%=bin/%)
ASAN_BINS := $(CMDS:%=$(ASAN)/bin/%)
UNIT_BINS := $(TEST_SRC:common/%_test.c=$(ASAN)/test/%_test)
FUZZ_OBJ  := $(LIB_SRC:common/%.c=$(FUZZ)/common/%.o) $(FUZZ)/gen/assets.o
FUZZ_BINS := $(FUZZ_SRC:common/%_fuzz.c=$(FUZZ)/bin/%_fuzz)

.PHONY: all bins test check-deps asan fuzzers fuzz bench install clean demo \
	eval release arena
# The first step installs what is missing; the sub-make then sees pkg-config.
all:
	@scripts/deps.sh build
	@$(MAKE) --no-print-directory bins

bins: $(BINS)

$(GEN)/embed: scripts/embed.c
	@mkdir -p $(dir $@)
	$(Q)$(CC) -std=c11 -O2 $(WARN) -o $@ $<
$(GEN)/assets.c: $(GEN)/embed $(GEN)/assets.list $(WEB_SRC)
	$(Q)$(GEN)/embed $@ $(WEB_SRC)
$(REL)/gen/assets.o: $(GEN)/assets.c common/asset.h
	@mkdir -p $(dir $@)
	$(Q)$(CC) $(BASE_CFLAGS) $(OPT) -c -o $@ $<
$(ASAN)/gen/assets.o: $(GEN)/assets.c common/asset.h
	@mkdir -p $(dir $@)
	$(Q)$(CC) $(BASE_CFLAGS) $(SAN) -c -o $@ $<

$(REL)/common/%.o: common/%.c $(HDRS)
	@mkdir -p $(dir $@)
	$(Q)$(CC) $(BASE_CFLAGS) $(OPT) -c -o $@ $<
$(REL)/cmd/%.o: cmd/%/main.c $(HDRS)
	@mkdir -p $(dir $@)
	$(Q)$(CC) $(BASE_CFLAGS) $(OPT) -c -o $@ $<
$(REL)/libjudgepipe.a: $(REL_OBJ)
	$(Q)ar rcs $@ $^
bin/%: $(REL)/cmd/%.o $(REL)/libjudgepipe.a
	@mkdir -p bin
	$(Q)$(CC) $(OPT) -o $@ $^ $(LDLIBS)

$(ASAN)/common/%.o: common/%.c $(HDRS)
	@mkdir -p $(dir $@)
	$(Q)$(CC) $(BASE_CFLAGS) $(SAN) -c -o $@ $<
$(ASAN)/cmd/%.o: cmd/%/main.c $(HDRS)
	@mkdir -p $(dir $@)
	$(Q)$(CC) $(BASE_CFLAGS) $(SAN) -c -o $@ $<
$(ASAN)/libjudgepipe.a: $(ASAN_OBJ)
	$(Q)ar rcs $@ $^
$(ASAN)/bin/%: $(ASAN)/cmd/%.o $(ASAN)/libjudgepipe.a
	@mkdir -p $(dir $@)
	$(Q)$(CC) $(SAN) -o $@ $^ $(LDLIBS)
$(ASAN)/test/%_test: common/%_test.c $(ASAN)/libjudgepipe.a $(HDRS)
	@mkdir -p $(dir $@)
	$(Q)$(CC) $(BASE_CFLAGS) $(SAN) -o $@ $< $(ASAN)/libjudgepipe.a \
		$(CMOCKA_LIBS) $(LDLIBS)

asan: $(ASAN_BINS) $(UNIT_BINS)

$(FUZZ)/gen/assets.o: $(GEN)/assets.c common/asset.h
	@mkdir -p $(dir $@)
	$(Q)$(FUZZ_CC) $(BASE_CFLAGS) $(FUZZ_SAN) -c -o $@ $<
$(FUZZ)/common/%.o: common/%.c $(HDRS)
	@mkdir -p $(dir $@)
	$(Q)$(FUZZ_CC) $(BASE_CFLAGS) $(FUZZ_SAN) -fsanitize=fuzzer-no-link \
		-c -o $@ $<
$(FUZZ)/libjudgepipe.a: $(FUZZ_OBJ)
	$(Q)ar rcs $@ $^
$(FUZZ)/bin/%_fuzz: common/%_fuzz.c $(FUZZ)/libjudgepipe.a $(HDRS)
	@mkdir -p $(dir $@)
	$(Q)$(FUZZ_CC) $(BASE_CFLAGS) $(FUZZ_SAN) -fsanitize=fuzzer -o $@ $< \
		$(FUZZ)/libjudgepipe.a $(LDLIBS)

fuzzers: $(FUZZ_BINS)

check-deps:
	@scripts/deps.sh test

# The suite runs the sanitizer build; bin/ is built too so that scripts and
# the README commands are exercised as users run them.
test: check-deps
	@$(MAKE) --no-print-directory bins asan fuzzers
	@scripts/run-tests.sh

FUZZ_SECONDS ?= 60
fuzz: check-deps
	@$(MAKE) --no-print-directory fuzzers
	@FUZZ_SECONDS=$(FUZZ_SECONDS) scripts/fuzz.sh run $(FUZZ_TARGETS)

bench: check-deps
	@$(MAKE) --no-print-directory bins
	@scripts/bench.sh

demo:
	@scripts/demo.sh

# make release BENCH=ko DATE=YYYYMMDD: leaderboard/<bench>_<date>/ (see
# scripts/release for RELEASES, OUT, JUDGMENTS, ANSWERS, FORCE=1 ...).
release: all
	@scripts/deps.sh release
	@scripts/release

ARENA_PORT ?= 8080
ARENA_LANG ?= ko
VOTES ?= votes.jsonl
arena: all
	bin/arena --questions data/ko-arena-hard-v0.1/question.jsonl \
	    --answers data/ko-arena-hard-v0.1/arena-sample --votes $(VOTES) \
	    --listen 127.0.0.1:$(ARENA_PORT) --lang $(ARENA_LANG)

JOBS ?= 2
# MT-Bench and Arena-Hard v2.0 have pipelines of their own.
EVAL_MK = scripts/eval$(if $(filter mt-bench v2,$(BENCH)),-$(BENCH)).mk
eval: all
	@$(MAKE) --no-print-directory -f $(EVAL_MK) -j$(JOBS)

install: all
	install -d $(DESTDIR)$(PREFIX)/bin $(DESTDIR)$(PREFIX)/share/man/man1 \
		$(DESTDIR)$(PREFIX)/share/man/man5 \
		$(DESTDIR)$(PREFIX)/share/man/man7 \
		$(DESTDIR)$(PREFIX)/share/judgepipe
	install -m 0755 $(BINS) $(DESTDIR)$(PREFIX)/bin/
	install -m 0644 man/*.1 $(DESTDIR)$(PREFIX)/share/man/man1/
	install -m 0644 man/*.5 $(DESTDIR)$(PREFIX)/share/man/man5/
	install -m 0644 man/*.7 $(DESTDIR)$(PREFIX)/share/man/man7/
	install -m 0644 data/tokenizer/cl100k_base.tiktoken \
		$(DESTDIR)$(PREFIX)/share/judgepipe/
	cp -R prompts configs $(DESTDIR)$(PREFIX)/share/judgepipe/
	install -d $(DESTDIR)$(PREFIX)/share/judgepipe/data
	cp -R data/mt-bench $(DESTDIR)$(PREFIX)/share/judgepipe/data/

clean:
	rm -rf build bin

.SECONDARY:
