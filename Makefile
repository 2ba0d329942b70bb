# bpfhost build. Plain GNU make; see README.md.
#
#   make                 library (static + shared), CLI, conformance plugin
#   make check           build and run every test tier (tests/run.sh)
#   make check SANITIZE=address,undefined    same, sanitized, in build/san
#   make bench           benchmarks (medians of several runs)
#   make demo            the main job on an embedded default
#   make fuzz            build libFuzzer targets (clang) in build/fuzz
#   make format / format-check
#   make CC=clang BUILD=build/clang   another compiler in its own folder

CC ?= cc
ifeq ($(origin CC),default)
CC := cc
endif
SANITIZE ?=
ifneq ($(SANITIZE),)
BUILD ?= build/san
SAN_FLAGS := -fsanitize=$(SANITIZE) -fno-omit-frame-pointer -fno-sanitize-recover=all
else
BUILD ?= build
SAN_FLAGS :=
endif
# Interpreter dispatch: computed goto (default) or portable switch.
DISPATCH ?= goto

OPT ?= -O2
WARNINGS := -Wall -Wextra -Werror -Wshadow -Wstrict-prototypes -Wmissing-prototypes \
	-Wno-unused-parameter
BASE_CFLAGS := -std=gnu11 $(OPT) -g $(WARNINGS) -fPIC -fvisibility=hidden \
	-D_GNU_SOURCE -Iinclude -Isrc $(SAN_FLAGS)
ifeq ($(DISPATCH),switch)
BASE_CFLAGS += -DBH_DISPATCH_SWITCH
endif
ALL_CFLAGS := $(BASE_CFLAGS) $(CFLAGS)
ALL_LDFLAGS := $(SAN_FLAGS) $(LDFLAGS)
LDLIBS := -lpthread -lm

LIB_SRCS := $(sort $(wildcard src/*/*.c))
CLI_SRCS := $(sort $(wildcard tools/bpfhost/*.c))
PLUGIN_SRCS := $(sort $(wildcard tools/bpf_conformance_plugin/*.c))
TEST_SRCS := $(sort $(wildcard tests/unit/*.c tests/lib/*.c))
BENCH_SRCS := $(sort $(wildcard bench/*.c))

obj = $(patsubst %.c,$(BUILD)/obj/%.o,$(1))
LIB_OBJS := $(call obj,$(LIB_SRCS))
CLI_OBJS := $(call obj,$(CLI_SRCS))
PLUGIN_OBJS := $(call obj,$(PLUGIN_SRCS))
TEST_OBJS := $(call obj,$(TEST_SRCS))
BENCH_OBJS := $(call obj,$(BENCH_SRCS))

LIB_A := $(BUILD)/libbpfhost.a
LIB_SO := $(BUILD)/libbpfhost.so
CLI := $(BUILD)/bpfhost
PLUGIN := $(BUILD)/bpf_conformance_plugin
UNIT := $(BUILD)/tests/unit_tests
BENCH := $(BUILD)/bench/bench

# Extensions shipped in the tree, each built like a third-party one.
include $(wildcard extensions/*/build.mk)

# `make` alone builds `all`, whatever rules included fragments define first.
.DEFAULT_GOAL := all

.PHONY: all check bench demo fuzz format format-check clean deps tests
all: $(LIB_A) $(LIB_SO) $(CLI) $(PLUGIN)

# Rebuild everything when the compiler or flags change.
FLAGS_STAMP := $(BUILD)/.flags
FLAGS_NOW := $(CC) $(ALL_CFLAGS) $(ALL_LDFLAGS)
$(shell mkdir -p $(BUILD) && { [ "`cat $(FLAGS_STAMP) 2>/dev/null`" = "$(FLAGS_NOW)" ] || echo "$(FLAGS_NOW)" > $(FLAGS_STAMP); })

$(BUILD)/obj/%.o: %.c $(FLAGS_STAMP)
	@mkdir -p $(dir $@)
	$(CC) $(ALL_CFLAGS) -MMD -MP -c $< -o $@

$(LIB_A): $(LIB_OBJS)
	@rm -f $@
	ar rcs $@ $^

$(LIB_SO): $(LIB_OBJS) src/libbpfhost.map
	$(CC) -shared -Wl,-soname,libbpfhost.so.0 -Wl,--version-script=src/libbpfhost.map -Wl,--no-undefined \
		$(ALL_LDFLAGS) -o $@ $(LIB_OBJS) $(LDLIBS)
	ln -sf libbpfhost.so $(BUILD)/libbpfhost.so.0

# The CLI loads extension shared objects (--ext) that call bpfhost_*
# functions resolved against it: the whole library goes in, its public
# symbols exported.
$(CLI): $(CLI_OBJS) $(LIB_A)
	$(CC) $(ALL_LDFLAGS) -rdynamic -o $@ $(CLI_OBJS) -Wl,--whole-archive $(LIB_A) \
		-Wl,--no-whole-archive $(LDLIBS)

$(PLUGIN): $(PLUGIN_OBJS) $(LIB_A)
	$(CC) $(ALL_LDFLAGS) -o $@ $(PLUGIN_OBJS) $(LIB_A) $(LDLIBS)

$(UNIT): $(TEST_OBJS) $(LIB_A)
	@mkdir -p $(dir $@)
	$(CC) $(ALL_LDFLAGS) -o $@ $(TEST_OBJS) $(LIB_A) $(LDLIBS)

$(BENCH): $(BENCH_OBJS) $(LIB_A)
	@mkdir -p $(dir $@)
	$(CC) $(ALL_LDFLAGS) -o $@ $(BENCH_OBJS) $(LIB_A) $(LDLIBS)

tests: all $(UNIT)

# check and demo first install missing packages (a no-op when all are
# there), then build in a sub-make so that nothing compiles before that.
check:
	@bash scripts/install-deps.sh --quiet
	@$(MAKE) --no-print-directory tests
	@BUILD=$(BUILD) CC="$(CC)" SANITIZE="$(SANITIZE)" bash tests/run.sh

bench: $(BENCH)
	$(BENCH)

demo:
	@bash scripts/install-deps.sh --quiet
	@$(MAKE) --no-print-directory all
	@bash examples/demo.sh $(BUILD)

# ---- examples --------------------------------------------------------------
# BPF C examples (examples/*.bpf.c), compiled by clang for the bpf target
# whatever CC is (scripts/install-deps.sh installs clang and libbpf-dev), and
# their user-space loaders (examples/user/*.c), linked against libbpfhost.so.
# Used by `make demo` (examples/demo.sh) and tests/cli/test_examples.sh.
BPF_CLANG ?= clang
BPF_CFLAGS := -O2 -g -Wall -Werror -target bpf -I/usr/include/$(shell gcc -print-multiarch 2>/dev/null)
EXAMPLE_OBJS := $(patsubst examples/%.bpf.c,$(BUILD)/examples/%.bpf.o,$(wildcard examples/*.bpf.c))
EXAMPLE_USER := $(patsubst examples/user/%.c,$(BUILD)/examples/%,$(wildcard examples/user/*.c))

$(BUILD)/examples/%.bpf.o: examples/%.bpf.c $(wildcard examples/*.h)
	@mkdir -p $(dir $@)
	$(BPF_CLANG) $(BPF_CFLAGS) -c $< -o $@

$(BUILD)/examples/%: examples/user/%.c $(wildcard examples/*.h) $(LIB_SO) $(FLAGS_STAMP)
	@mkdir -p $(dir $@)
	$(CC) $(ALL_CFLAGS) -Iexamples $(ALL_LDFLAGS) -o $@ $< $(LIB_SO) -Wl,-rpath,'$$ORIGIN/..'

examples: $(EXAMPLE_OBJS) $(EXAMPLE_USER)
all: $(EXAMPLE_OBJS) $(EXAMPLE_USER)
.PHONY: examples
# ---- end of examples -------------------------------------------------------

# ---- verifier soundness fuzzer ---------------------------------------------
# $(BUILD)/tests/vfuzz (tests/vfuzz/*.c): random programs for a given time;
# run for 60 s by tests/run.sh (tier vfuzz), as long as asked by
# `make fuzz-verifier [SECONDS=600]`.
VFUZZ := $(BUILD)/tests/vfuzz
VFUZZ_OBJS := $(call obj,$(sort $(wildcard tests/vfuzz/*.c tests/lib/vfuzz*.c)) \
	tests/unit/test_verifier_util.c)
VFUZZ_SECONDS := $(if $(filter command line,$(origin SECONDS)),$(SECONDS),600)
$(VFUZZ): $(VFUZZ_OBJS) $(LIB_A)
	@mkdir -p $(dir $@)
	$(CC) $(ALL_LDFLAGS) -o $@ $(VFUZZ_OBJS) $(LIB_A) $(LDLIBS)
tests: $(VFUZZ)
fuzz-verifier: $(VFUZZ)
	$(VFUZZ) --seconds $(VFUZZ_SECONDS)
.PHONY: fuzz-verifier
# The verifier benchmark (bench/bench_verifier.c) shares the program
# generators of the unit tests and measures the examples.
BENCH_OBJS += $(call obj,tests/lib/vgen.c tests/unit/test_verifier_util.c)
$(BENCH): $(call obj,tests/lib/vgen.c tests/unit/test_verifier_util.c)
bench: $(EXAMPLE_OBJS)
# the examples' "xdp" type: the net extension's archive, as in the unit tests
BENCH_OBJS += $(NET_A)
$(BENCH): $(NET_A)
$(BENCH): private ALL_LDFLAGS += -Wl,-u,bpfhost_net_extension
$(BENCH): private LDLIBS += -lpcap
# ---- end of verifier soundness fuzzer --------------------------------------

# libFuzzer targets need clang. The library is built once more with
# -fsanitize=fuzzer-no-link (coverage) + ASan/UBSan into its own archive, and
# each target links only the objects it uses from it.
FUZZ_DIR := build/fuzz
FUZZ_TARGETS := $(patsubst tests/fuzz/%.c,$(FUZZ_DIR)/%,$(wildcard tests/fuzz/fuzz_*.c))
FUZZ_CC ?= clang
FUZZ_CFLAGS := -std=gnu11 -O1 -g -D_GNU_SOURCE -Iinclude -Isrc -fno-sanitize-recover=all
FUZZ_SAN := address,undefined
FUZZ_OBJS := $(patsubst %.c,$(FUZZ_DIR)/obj/%.o,$(LIB_SRCS))
FUZZ_LIB := $(FUZZ_DIR)/libbpfhost-fuzz.a
fuzz: $(FUZZ_TARGETS)
$(FUZZ_DIR)/obj/%.o: %.c
	@mkdir -p $(dir $@)
	$(FUZZ_CC) $(FUZZ_CFLAGS) -fsanitize=fuzzer-no-link,$(FUZZ_SAN) -MMD -MP -c $< -o $@
$(FUZZ_LIB): $(FUZZ_OBJS)
	@rm -f $@
	ar rcs $@ $^
$(FUZZ_DIR)/%: tests/fuzz/%.c $(FUZZ_LIB)
	@mkdir -p $(dir $@)
	$(FUZZ_CC) $(FUZZ_CFLAGS) -fsanitize=fuzzer,$(FUZZ_SAN) -o $@ $< $(FUZZ_LIB) $(LDLIBS)
-include $(shell find $(FUZZ_DIR)/obj -name '*.d' 2>/dev/null)

FORMAT_FILES = $(shell git ls-files --cached --others --exclude-standard '*.c' '*.h' 2>/dev/null || find . -name '*.[ch]' -not -path './build/*')
format:
	clang-format -i $(FORMAT_FILES)
format-check:
	@clang-format --dry-run -Werror $(FORMAT_FILES) && echo "format-check: ok"

deps:
	bash scripts/install-deps.sh

clean:
	rm -rf build

-include $(shell find $(BUILD)/obj -name '*.d' 2>/dev/null)
