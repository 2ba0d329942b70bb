# The "noheader" test extension (refused by design): linked into the unit
# tests, and built as a shared object (libbpfhost_noheader.so) to show the
# refusal through bpfhost_extension__load and the CLI's --ext. Included by
# the main Makefile with the other build.mk files.

NOHEADER_OBJS := $(call obj,extensions/noheader/noheader.c)
NOHEADER_SO := $(BUILD)/extensions/libbpfhost_noheader.so
TEST_OBJS += $(NOHEADER_OBJS)
$(UNIT): $(NOHEADER_OBJS)

$(NOHEADER_SO): $(NOHEADER_OBJS) $(call obj,extensions/noheader/entry.c)
	@mkdir -p $(dir $@)
	$(CC) -shared $(ALL_LDFLAGS) -o $@ $^
tests: $(NOHEADER_SO)
all: $(NOHEADER_SO)
