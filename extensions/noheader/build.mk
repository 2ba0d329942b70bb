# The "noheader" test extension (refused by design): linked into the unit
# tests only. Included by the main Makefile with the other build.mk files.

NOHEADER_OBJS := $(call obj,extensions/noheader/noheader.c)
TEST_OBJS += $(NOHEADER_OBJS)
$(UNIT): $(NOHEADER_OBJS)
