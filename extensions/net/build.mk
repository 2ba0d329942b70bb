# The net extension (program type and hook "xdp", pcap replay driver),
# built like a third-party one: a static archive linked into the unit tests
# and a shared object for bpfhost_extension__load / the CLI's --ext.
# It needs libpcap (libpcap-dev, listed in scripts/install-deps.sh): -lpcap
# is added to the links that take the extension, nowhere else.
# Included by the main Makefile: include $(wildcard extensions/*/build.mk)

NET_SRCS := $(filter-out extensions/net/entry.c,$(sort $(wildcard extensions/net/*.c)))
NET_OBJS := $(call obj,$(NET_SRCS))
NET_A := $(BUILD)/extensions/libbpfhost_net.a
NET_SO := $(BUILD)/extensions/libbpfhost_net.so

$(NET_A): $(NET_OBJS)
	@mkdir -p $(dir $@)
	@rm -f $@
	ar rcs $@ $^

# The .so resolves bpfhost_* against the process that loads it.
$(NET_SO): $(NET_OBJS) $(call obj,extensions/net/entry.c)
	@mkdir -p $(dir $@)
	$(CC) -shared $(ALL_LDFLAGS) -o $@ $^ -lpcap

# Unit tests: the archive (-u pulls it in; the tests refer to it weakly),
# libpcap, and the library's symbols exported to the .so (-rdynamic, set by
# the sample's fragment as well).
TEST_OBJS += $(NET_A)
$(UNIT): $(NET_A)
$(UNIT): private ALL_LDFLAGS += -rdynamic -Wl,-u,bpfhost_net_extension \
	-Wl,-u,bpfhost_net_xdp_run -Wl,-u,bpfhost_net_xdp_run_batch -Wl,-u,bpfhost_net_pcap_replay
$(UNIT): private LDLIBS += -lpcap
tests: $(NET_SO)
all: $(NET_A) $(NET_SO)
