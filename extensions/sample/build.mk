# The sample extension, built like a third-party one: a static archive
# linked into the unit tests and a shared object for bpfhost_extension__load.
# Included by the main Makefile after $(UNIT) is defined:
#   include $(wildcard extensions/*/build.mk)

SAMPLE_OBJS := $(call obj,extensions/sample/sample.c)
SAMPLE_A := $(BUILD)/extensions/libbpfhost_sample.a
SAMPLE_SO := $(BUILD)/extensions/libbpfhost_sample.so

$(SAMPLE_A): $(SAMPLE_OBJS)
	@mkdir -p $(dir $@)
	@rm -f $@
	ar rcs $@ $^

# The .so resolves bpfhost_* against the process that loads it.
$(SAMPLE_SO): $(SAMPLE_OBJS) $(call obj,extensions/sample/entry.c)
	@mkdir -p $(dir $@)
	$(CC) -shared $(ALL_LDFLAGS) -o $@ $^

# Tests link the archive (-u: the tests refer to it weakly, which alone does
# not pull an archive member), load the .so, and export the library's
# symbols to it (-rdynamic).
TEST_OBJS += $(SAMPLE_A)
$(UNIT): $(SAMPLE_A)
$(UNIT): private ALL_LDFLAGS += -rdynamic -Wl,-u,bpfhost_sample_extension
tests: $(SAMPLE_SO)
all: $(SAMPLE_A) $(SAMPLE_SO)
