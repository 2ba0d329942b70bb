/* SPDX-License-Identifier: MIT */
/*
 * bpf_perf_event_output through the helper ABI, with the samples checked on
 * the consumer side. BPF_F_CTXLEN_MASK capture is exercised with hand-built
 * header-prefixed contexts: the packet bytes are found through header slot
 * 1 (the context descriptor) and the data/data_end fields it points at.
 */
#include <errno.h>
#include <stdlib.h>
#include <sys/mman.h>

#include "helpers/helpers.h"
#include "maps/map.h"
#include "maps/perf_event.h"
#include "../lib/harness.h"

#define U(p) ((uint64_t)(uintptr_t)(p))
#define R(x) ((int64_t)(x))

static struct bh_map *mk(uint32_t type, uint32_t ks, uint32_t vs, uint32_t max)
{
	struct bh_map_def def = {
		.type = type, .key_size = ks, .value_size = vs, .max_entries = max
	};
	struct bh_log log = BH_LOG_INIT;
	struct bh_map *m = NULL;
	int err = bh_map_create(&def, NULL, &m, NULL, &log);

	CHECK_MSG(!err, "create type %u: %d %s", type, err, bh_log_text(&log));
	bh_log_free(&log);
	return m;
}

/*
 * A perf event array: through bh_map_create once the map layer knows the
 * type, else built by hand around its ops the way the map layer does
 * (anonymous region, header, init, open). *by_hand says how to release it.
 */
static struct bh_map *mk_perf(uint32_t slots, struct bh_map *storage, bool *by_hand)
{
	struct bh_map_def def = { .type = BPFHOST_MAP_TYPE_PERF_EVENT_ARRAY,
				  .key_size = 4,
				  .value_size = 4,
				  .max_entries = slots };
	const struct bh_map_ops *ops = &bh_perf_event_array_map_ops;
	struct bh_map_region_hdr *hdr;
	struct bh_map *m = NULL;

	*by_hand = false;
	if (bh_map_create(&def, NULL, &m, NULL, NULL) == 0)
		return m;
	*by_hand = true;
	m = storage;
	memset(m, 0, sizeof(*m));
	m->ops = ops;
	m->def = def;
	m->ncpus = bh_map_ncpus();
	m->value_stride = 8;
	m->refcnt = 1;
	m->shm_fd = -1;
	if (ops->check_def && ops->check_def(&m->def, NULL))
		return NULL;
	m->region_size = ops->region_size(&m->def, m->ncpus);
	m->region = mmap(NULL, m->region_size, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS,
			 -1, 0);
	if (m->region == MAP_FAILED)
		return NULL;
	hdr = m->region;
	hdr->magic = BH_MAP_REGION_MAGIC;
	hdr->version = BH_MAP_REGION_VERSION;
	hdr->ncpus = m->ncpus;
	hdr->total_size = m->region_size;
	hdr->def = m->def;
	if ((ops->init && ops->init(m)) || (ops->open && ops->open(m))) {
		munmap(m->region, m->region_size);
		return NULL;
	}
	__atomic_store_n(&hdr->ready, 1, __ATOMIC_RELEASE);
	return m;
}

static void put_perf(struct bh_map *m, bool by_hand)
{
	if (!by_hand) {
		bh_map_put(m);
		return;
	}
	if (m->ops->release)
		m->ops->release(m);
	free(m->priv);
	munmap(m->region, m->region_size);
}

/* ---- perf_event_output ---- */

/* A program type's context: packet pointers, as the sample extension has. */
struct pkt_ctx {
	uint64_t data;
	uint64_t data_end;
	uint32_t len;
	uint32_t mark;
};

struct wrapped {
	BPFHOST_CTX_HEADER_MEMBER;
	struct pkt_ctx ctx;
};

static const struct bpfhost_ctx_desc pkt_desc = {
	.version = BPFHOST_CTX_DESC_VERSION,
	.size = sizeof(struct bpfhost_ctx_desc),
	.ctx_size = sizeof(struct pkt_ctx),
	.data_off = 0,
	.data_end_off = 8,
	.data_meta_off = -1,
};

static const struct bpfhost_ctx_desc nodata_desc = {
	.version = BPFHOST_CTX_DESC_VERSION,
	.size = sizeof(struct bpfhost_ctx_desc),
	.ctx_size = sizeof(struct pkt_ctx),
	.data_off = -1,
	.data_end_off = -1,
	.data_meta_off = -1,
};

static void wrap(struct wrapped *w, const struct bpfhost_ctx_desc *desc, const void *pkt,
		 size_t len)
{
	memset(w, 0, sizeof(*w));
	w->bpfhost_hdr.slot[BPFHOST_CTX_SLOT_DESC] = U(desc);
	w->bpfhost_hdr.slot[BPFHOST_CTX_SLOT_SELF] = BPFHOST_CTX_SELF(sizeof(struct pkt_ctx));
	w->ctx.data = U(pkt);
	w->ctx.data_end = U(pkt) + len;
	w->ctx.len = (uint32_t)len;
}

struct pe_seen {
	int n;
	int cpu;
	uint32_t size;
	unsigned char data[64];
};

static void pe_sample(void *ctx, int cpu, void *data, uint32_t size)
{
	struct pe_seen *s = ctx;

	s->n++;
	s->cpu = cpu;
	s->size = size;
	memcpy(s->data, data, size < 64 ? size : 64);
}

#define PEO(ctx, map, flags, data, size) \
	R(bh_helper_perf_event_output(U(ctx), U(map), (flags), U(data), (size), (ctx)))
#define CTXLEN(n) ((uint64_t)(n) << 32)

TEST(helpers_perf_event_output_ctxlen_capture)
{
	unsigned slots = bh_map_ncpus();
	struct bh_map storage;
	bool by_hand;
	struct bh_map *pe = mk_perf(slots, &storage, &by_hand);
	const unsigned char pkt[10] = { 0xde, 0xad, 0xbe, 0xef, 1, 2, 3, 4, 5, 6 };
	struct bh_perf_consumer *c = NULL;
	struct pe_seen seen = { 0 };
	struct wrapped w;
	const char meta[4] = { 'M', 'E', 'T', 'A' };

	CHECK(pe);
	if (!pe)
		return;
	c = bh_perf_consumer_new(pe, 1, pe_sample, NULL, &seen, NULL);
	CHECK(c);
	if (!c)
		goto out;
	wrap(&w, &pkt_desc, pkt, sizeof(pkt));

	/* plain output to slot 0 */
	CHECK_EQ(PEO(&w.ctx, pe, 0, meta, 4), 0);
	CHECK_EQ(bh_perf_consumer_consume(c), 1);
	CHECK_EQ(seen.cpu, 0);
	CHECK_EQ(seen.size, 4);
	CHECK(!memcmp(seen.data, meta, 4));

	/* 4 bytes of packet appended after the data, read through slot 1 */
	CHECK_EQ(PEO(&w.ctx, pe, CTXLEN(4) | 0, meta, 4), 0);
	CHECK_EQ(bh_perf_consumer_consume(c), 1);
	CHECK_EQ(seen.size, 8);
	CHECK(!memcmp(seen.data, "META\xde\xad\xbe\xef", 8));

	/* the whole packet, no data, current CPU */
	CHECK_EQ(PEO(&w.ctx, pe, CTXLEN(sizeof(pkt)) | BH_F_CURRENT_CPU, NULL, 0), 0);
	CHECK_EQ(bh_perf_consumer_consume(c), 1);
	CHECK_EQ(seen.size, sizeof(pkt));
	CHECK(!memcmp(seen.data, pkt, sizeof(pkt)));
	CHECK_EQ(seen.cpu, (int)bh_helper_get_smp_processor_id(0, 0, 0, 0, 0, NULL));

	/* more than the packet holds */
	CHECK_EQ(PEO(&w.ctx, pe, CTXLEN(sizeof(pkt) + 1), meta, 4), -EFAULT);
	/* data_end before data */
	w.ctx.data_end = w.ctx.data - 1;
	CHECK_EQ(PEO(&w.ctx, pe, CTXLEN(1), meta, 4), -EFAULT);
	/* a context type without packet data refuses CTXLEN, not plain output */
	wrap(&w, &nodata_desc, pkt, sizeof(pkt));
	CHECK_EQ(PEO(&w.ctx, pe, CTXLEN(1), meta, 4), -EINVAL);
	CHECK_EQ(PEO(&w.ctx, pe, 0, meta, 4), 0);
	/* no descriptor in slot 1 */
	wrap(&w, &pkt_desc, pkt, sizeof(pkt));
	w.bpfhost_hdr.slot[BPFHOST_CTX_SLOT_DESC] = 0;
	CHECK_EQ(PEO(&w.ctx, pe, CTXLEN(1), meta, 4), -EINVAL);
	CHECK_EQ(bh_perf_consumer_consume(c), 1);
	CHECK_EQ(seen.n, 4); /* nothing delivered for the refusals */
out:
	if (c)
		bh_perf_consumer_free(c);
	put_perf(pe, by_hand);
}

TEST(helpers_perf_event_output_errors)
{
	unsigned slots = bh_map_ncpus();
	struct bh_map storage;
	bool by_hand;
	struct bh_map *pe = mk_perf(slots, &storage, &by_hand);
	struct bh_map *arr = mk(BPFHOST_MAP_TYPE_ARRAY, 4, 4, 1);
	const unsigned char pkt[4] = { 1, 2, 3, 4 };
	struct wrapped w;
	uint64_t v = 7;

	CHECK(pe);
	if (!pe || !arr)
		goto out;
	wrap(&w, &pkt_desc, pkt, sizeof(pkt));
	/* unknown flag bits (above BPF_F_CTXLEN_MASK) */
	CHECK_EQ(PEO(&w.ctx, pe, 1ull << 52, &v, 8), -EINVAL);
	CHECK_EQ(PEO(&w.ctx, pe, 1ull << 63, &v, 8), -EINVAL);
	/* slot index out of range */
	CHECK_EQ(PEO(&w.ctx, pe, slots, &v, 8), -E2BIG);
	/* no consumer: the slot has no buffer */
	CHECK_EQ(PEO(&w.ctx, pe, 0, &v, 8), -ENOENT);
	/* not a perf event array */
	CHECK_EQ(PEO(&w.ctx, arr, 0, &v, 8), -EINVAL);
	CHECK_EQ(PEO(&w.ctx, NULL, 0, &v, 8), -EINVAL);
out:
	if (pe)
		put_perf(pe, by_hand);
	if (arr)
		bh_map_put(arr);
}
