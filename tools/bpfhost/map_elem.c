/* SPDX-License-Identifier: MIT */
/*
 * Element commands of `bpfhost map`: dump, lookup, getnext, update,
 * delete, on a pinned map opened by map.c, through the public fd calls
 * (bpfhost_map_*_elem).
 *
 * Keys and values are given as bpftool takes them: after `key` / `value`,
 * one byte per word, a number in C syntax (`0x01 2 0 0`), or after `hex`
 * two hex digits per word (`hex 01 02 00 00`). The byte list ends at the
 * next keyword; a word that is neither a byte nor a keyword is an error
 * naming it. Sizes are checked against the map's definition before the
 * map is touched. Per-CPU maps take one value, stored for every CPU, and
 * print one value per CPU.
 *
 * Output follows bpftool: `key: 05 00 00 00  value: 01 00 00 00 00 00 00 00`
 * (on separate lines for longer data, 16 bytes per line), per-CPU values
 * as `value (CPU 00): ...`, `Found N elements` after a dump; JSON entries
 * are {"key": ["0x05", ...], "value": [...]} (per-CPU: "values": [{"cpu",
 * "value"}]). A lookup of a missing key prints `Not found` (JSON null) and
 * exits with status 1, as bpftool does; update and delete print nothing
 * (JSON null).
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "main.h"

/* ---- printing ---- */

static void print_hex(const uint8_t *d, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++) {
		const char *sep = "";

		if (!i)
			sep = "";
		else if (!(i % 16))
			sep = "\n";
		else if (!(i % 8))
			sep = "  ";
		else
			sep = " ";
		printf("%s%02x", sep, d[i]);
	}
}

static void json_hex(const uint8_t *d, size_t n)
{
	char b[8];
	size_t i;

	json_start_array(json_wtr);
	for (i = 0; i < n; i++) {
		snprintf(b, sizeof(b), "0x%02x", d[i]);
		json_string(json_wtr, b);
	}
	json_end_array(json_wtr);
}

static size_t value_buf_size(const struct cli_map *m)
{
	if (map_is_percpu(m->type))
		return (size_t)((m->value_size + 7) & ~7u) * m->ncpus;
	return m->value_size;
}

static void print_entry(const struct cli_map *m, const uint8_t *key, const uint8_t *value)
{
	size_t stride = (m->value_size + 7) & ~7u;
	unsigned i;

	if (json_output) {
		json_start_object(json_wtr);
		if (m->key_size) {
			json_name(json_wtr, "key");
			json_hex(key, m->key_size);
		}
		if (!map_is_percpu(m->type)) {
			json_name(json_wtr, "value");
			json_hex(value, m->value_size);
		} else {
			json_name(json_wtr, "values");
			json_start_array(json_wtr);
			for (i = 0; i < m->ncpus; i++) {
				json_start_object(json_wtr);
				json_uint_field(json_wtr, "cpu", i);
				json_name(json_wtr, "value");
				json_hex(value + i * stride, m->value_size);
				json_end_object(json_wtr);
			}
			json_end_array(json_wtr);
		}
		json_end_object(json_wtr);
		return;
	}
	if (!map_is_percpu(m->type)) {
		bool break_names = m->key_size > 16 || m->value_size > 16;
		bool single_line = m->key_size + m->value_size <= 24 && !break_names;

		if (m->key_size) {
			printf("key:%c", break_names ? '\n' : ' ');
			print_hex(key, m->key_size);
			printf(single_line ? "  " : "\n");
		}
		if (m->value_size) {
			printf("value:%c", break_names ? '\n' : ' ');
			print_hex(value, m->value_size);
		}
		printf("\n");
		return;
	}
	if (m->key_size) {
		printf("key:\n");
		print_hex(key, m->key_size);
		printf("\n");
	}
	for (i = 0; i < m->ncpus; i++) {
		printf("value (CPU %02u):%c", i, m->value_size > 16 ? '\n' : ' ');
		print_hex(value + i * stride, m->value_size);
		printf("\n");
	}
}

/* ---- arguments ---- */

#define EA_KEY 0x1
#define EA_VALUE 0x2
#define EA_FLAGS 0x4

struct elem_args {
	uint8_t *key, *value;
	size_t key_len, value_len;
	bool has_key, has_value;
	uint64_t flags;
	bool has_flags;
};

enum { W_KEY, W_VALUE, W_ANY, W_EXIST, W_NOEXIST, NR_WORDS };
static const char *const elem_words[] = { "key", "value", "any", "exist", "noexist", NULL };

/* Is word a keyword this command takes (exactly or as a prefix)? */
static bool is_keyword(const char *word, unsigned allowed)
{
	int i;

	for (i = 0; i < NR_WORDS; i++) {
		unsigned bit = i == W_KEY ? EA_KEY : i == W_VALUE ? EA_VALUE : EA_FLAGS;

		if ((allowed & bit) && is_prefix(word, elem_words[i]))
			return true;
	}
	return false;
}

static int hex_digit(char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}

/*
 * Parse the bytes after `key`/`value` (argv[*i] is the first word after
 * it) into out; *i ends at the first word that is not a byte. 0 or -1.
 */
static int parse_bytes(int argc, char **argv, int *i, const char *what, unsigned allowed,
		       uint8_t *out, size_t *len, const char *cmd)
{
	bool hex = false;

	*len = 0;
	if (*i < argc && !strcmp(argv[*i], "hex")) {
		hex = true;
		(*i)++;
	}
	for (; *i < argc; (*i)++) {
		const char *w = argv[*i];

		if (hex) {
			int hi = hex_digit(w[0]), lo = w[0] ? hex_digit(w[1]) : -1;

			if (hi >= 0 && (!w[1] || (lo >= 0 && !w[2]))) {
				out[(*len)++] = (uint8_t)(w[1] ? hi << 4 | lo : hi);
				continue;
			}
			if (is_keyword(w, allowed))
				break;
			p_err("%s: invalid hex byte '%s' in %s (expected 1 or 2 hex digits)", cmd,
			      w, what);
			return -1;
		}
		if ((w[0] >= '0' && w[0] <= '9') || w[0] == '-' || w[0] == '+') {
			unsigned long v;
			char *end;

			errno = 0;
			v = (w[0] >= '0' && w[0] <= '9') ? strtoul(w, &end, 0) : 256;
			if (errno || *end || v > 255) {
				p_err("%s: invalid byte '%s' in %s (expected 0 to 255: decimal, 0x "
				      "hex or 0 octal; or 'hex' then hex digits)",
				      cmd, w, what);
				return -1;
			}
			out[(*len)++] = (uint8_t)v;
			continue;
		}
		break;
	}
	return 0;
}

static int parse_elem(int argc, char **argv, const struct cli_map *m, unsigned allowed,
		      const char *cmd, struct elem_args *a)
{
	static const uint64_t flag_of[] = {
		[W_ANY] = BPFHOST_ANY, [W_EXIST] = BPFHOST_EXIST, [W_NOEXIST] = BPFHOST_NOEXIST
	};
	const char *words[NR_WORDS + 1];
	char what[64];
	int i = 0, n = 0, k;

	memset(a, 0, sizeof(*a));
	a->key = calloc((size_t)argc + 1, 1);
	a->value = calloc((size_t)argc + 1, 1);
	if (!a->key || !a->value) {
		p_err("out of memory");
		return -1;
	}
	for (k = 0; k < NR_WORDS; k++)
		if (is_keyword(elem_words[k], allowed))
			words[n++] = elem_words[k];
	words[n] = NULL;
	snprintf(what, sizeof(what), "%s keyword", cmd);
	while (i < argc) {
		const char *w = argv[i];
		int idx = match_word(w, words, what);

		if (idx < 0)
			return -1;
		for (k = 0; strcmp(elem_words[k], words[idx]); k++)
			;
		i++;
		if (k == W_KEY || k == W_VALUE) {
			bool *seen = k == W_KEY ? &a->has_key : &a->has_value;

			if (*seen) {
				p_err("%s: '%s' given more than once", cmd, elem_words[k]);
				return -1;
			}
			*seen = true;
			if (parse_bytes(argc, argv, &i, elem_words[k], allowed,
					k == W_KEY ? a->key : a->value,
					k == W_KEY ? &a->key_len : &a->value_len, cmd))
				return -1;
			continue;
		}
		if (a->has_flags) {
			p_err("%s: more than one of any, exist, noexist", cmd);
			return -1;
		}
		a->has_flags = true;
		a->flags = flag_of[k];
	}
	if (a->has_key && !m->key_size) {
		p_err("%s: map '%s' (%s) has no keys", cmd, m->label, map_type_str(m->type));
		return -1;
	}
	if (a->has_key && a->key_len != m->key_size) {
		p_err("key has %zu byte%s, map '%s' expects %u", a->key_len,
		      a->key_len == 1 ? "" : "s", m->label, m->key_size);
		return -1;
	}
	if (a->has_value && a->value_len != m->value_size) {
		p_err("value has %zu byte%s, map '%s' expects %u%s", a->value_len,
		      a->value_len == 1 ? "" : "s", m->label, m->value_size,
		      map_is_percpu(m->type) ? " (one value, stored for every CPU)" : "");
		return -1;
	}
	return 0;
}

static void free_elem(struct elem_args *a)
{
	free(a->key);
	free(a->value);
}

static int need_key(const struct cli_map *m, const struct elem_args *a, const char *cmd)
{
	if (m->key_size && !a->has_key) {
		p_err("%s: map '%s' needs 'key DATA' (%u bytes)", cmd, m->label, m->key_size);
		return -1;
	}
	return 0;
}

static int opened(int argc, char **argv, struct cli_map *m, const char *cmd)
{
	return cli_map_parse(argc, argv, m, cmd);
}

/* Error text of a failed element call. */
static void elem_error(const struct cli_map *m, const char *op, int err)
{
	const char *why = strerror(-err);

	if (err == -EOPNOTSUPP || err == -ENOTSUP)
		why = "not supported by this map type";
	p_err("%s in map '%s' (%s) failed: %s", op, m->label, map_type_str(m->type), why);
}

/* ---- map lookup ---- */

int do_map_lookup(int argc, char **argv)
{
	struct elem_args a;
	struct cli_map m;
	uint8_t *value = NULL;
	int err, ret = -1;

	if (opened(argc, argv, &m, "map lookup"))
		return -1;
	if (parse_elem(argc - 2, argv + 2, &m, EA_KEY, "map lookup", &a) ||
	    need_key(&m, &a, "map lookup"))
		goto out;
	value = calloc(1, value_buf_size(&m) + 8);
	if (!value) {
		p_err("out of memory");
		goto out;
	}
	err = bpfhost_map_lookup_elem(m.fd, m.key_size ? a.key : NULL, value);
	if (err == -ENOENT) {
		/* bpftool's answer: not an error message, but a failed status */
		if (json_output) {
			json_null(json_wtr);
		} else {
			if (m.key_size) {
				printf("key:\n");
				print_hex(a.key, m.key_size);
				printf("\n\n");
			}
			printf("Not found\n");
		}
		goto out;
	}
	if (err) {
		elem_error(&m, "lookup", err);
		goto out;
	}
	print_entry(&m, a.key, value);
	ret = 0;
out:
	free(value);
	free_elem(&a);
	cli_map_close(&m);
	return ret;
}

/* ---- map getnext ---- */

int do_map_getnext(int argc, char **argv)
{
	struct elem_args a;
	struct cli_map m;
	uint8_t *next = NULL;
	int err, ret = -1;

	if (opened(argc, argv, &m, "map getnext"))
		return -1;
	if (parse_elem(argc - 2, argv + 2, &m, EA_KEY, "map getnext", &a))
		goto out;
	if (!m.key_size) {
		p_err("map getnext: map '%s' (%s) has no keys", m.label, map_type_str(m.type));
		goto out;
	}
	next = calloc(1, m.key_size);
	if (!next) {
		p_err("out of memory");
		goto out;
	}
	err = bpfhost_map_get_next_key(m.fd, a.has_key ? a.key : NULL, next);
	if (err == -ENOENT) {
		if (a.has_key)
			p_err("map '%s': no key after the given one (end of the map)", m.label);
		else
			p_err("map '%s' is empty", m.label);
		goto out;
	}
	if (err) {
		elem_error(&m, "getnext", err);
		goto out;
	}
	if (json_output) {
		json_start_object(json_wtr);
		json_name(json_wtr, "key");
		if (a.has_key)
			json_hex(a.key, m.key_size);
		else
			json_null(json_wtr);
		json_name(json_wtr, "next_key");
		json_hex(next, m.key_size);
		json_end_object(json_wtr);
	} else {
		if (a.has_key) {
			printf("key:\n");
			print_hex(a.key, m.key_size);
			printf("\n");
		} else {
			printf("key: None\n");
		}
		printf("next key:\n");
		print_hex(next, m.key_size);
		printf("\n");
	}
	ret = 0;
out:
	free(next);
	free_elem(&a);
	cli_map_close(&m);
	return ret;
}

/* ---- map update ---- */

int do_map_update(int argc, char **argv)
{
	struct elem_args a;
	struct cli_map m;
	uint8_t *value = NULL;
	unsigned i;
	int err, ret = -1;

	if (opened(argc, argv, &m, "map update"))
		return -1;
	if (parse_elem(argc - 2, argv + 2, &m, EA_KEY | EA_VALUE | EA_FLAGS, "map update", &a) ||
	    need_key(&m, &a, "map update"))
		goto out;
	if (!a.has_value && m.value_size) {
		p_err("map update: map '%s' needs 'value DATA' (%u bytes)", m.label, m.value_size);
		goto out;
	}
	value = calloc(1, value_buf_size(&m) + 8);
	if (!value) {
		p_err("out of memory");
		goto out;
	}
	if (map_is_percpu(m.type)) {
		size_t stride = (m.value_size + 7) & ~7u;

		for (i = 0; i < m.ncpus; i++)
			memcpy(value + i * stride, a.value, m.value_size);
	} else {
		memcpy(value, a.value, m.value_size);
	}
	err = bpfhost_map_update_elem(m.fd, m.key_size ? a.key : NULL, value, a.flags);
	if (err == -EEXIST) {
		p_err("update of map '%s' failed: the key exists (noexist)", m.label);
		goto out;
	}
	if (err == -ENOENT && a.flags == BPFHOST_EXIST) {
		p_err("update of map '%s' failed: the key does not exist (exist)", m.label);
		goto out;
	}
	if (err == -E2BIG) {
		if (m.type == BPFHOST_MAP_TYPE_ARRAY || m.type == BPFHOST_MAP_TYPE_PERCPU_ARRAY)
			p_err("update of map '%s' failed: index past max_entries %u", m.label,
			      m.max_entries);
		else
			p_err("update of map '%s' failed: the map is full (max_entries %u)",
			      m.label, m.max_entries);
		goto out;
	}
	if (err) {
		elem_error(&m, "update", err);
		goto out;
	}
	if (json_output)
		json_null(json_wtr);
	ret = 0;
out:
	free(value);
	free_elem(&a);
	cli_map_close(&m);
	return ret;
}

/* ---- map delete ---- */

int do_map_delete(int argc, char **argv)
{
	struct elem_args a;
	struct cli_map m;
	int err, ret = -1;

	if (opened(argc, argv, &m, "map delete"))
		return -1;
	if (parse_elem(argc - 2, argv + 2, &m, EA_KEY, "map delete", &a))
		goto out;
	if (!m.key_size) {
		p_err("map delete: map '%s' (%s) has no keys", m.label, map_type_str(m.type));
		goto out;
	}
	if (need_key(&m, &a, "map delete"))
		goto out;
	err = bpfhost_map_delete_elem(m.fd, a.key);
	if (err == -ENOENT) {
		p_err("delete in map '%s' failed: the key is not in the map", m.label);
		goto out;
	}
	if (err == -EINVAL &&
	    (m.type == BPFHOST_MAP_TYPE_ARRAY || m.type == BPFHOST_MAP_TYPE_PERCPU_ARRAY)) {
		p_err("delete in map '%s' failed: elements of array maps cannot be deleted",
		      m.label);
		goto out;
	}
	if (err) {
		elem_error(&m, "delete", err);
		goto out;
	}
	if (json_output)
		json_null(json_wtr);
	ret = 0;
out:
	free_elem(&a);
	cli_map_close(&m);
	return ret;
}

/* ---- map dump ---- */

/*
 * The walk collects every element first and prints afterwards, so that an
 * error half-way through is reported alone (JSON stays one document).
 */
int do_map_dump(int argc, char **argv)
{
	uint8_t *key = NULL, *next = NULL, *elems = NULL;
	size_t vsize, esize, cap = 0, n = 0, i;
	uint64_t steps = 0, limit;
	struct cli_map m;
	bool first = true;
	int err, ret = -1;

	if (opened(argc, argv, &m, "map dump"))
		return -1;
	if (argc > 2) {
		p_err("map dump: unexpected argument '%s'", argv[2]);
		goto out;
	}
	if (!m.key_size) {
		p_err("map dump: map '%s' (%s) has no keys to iterate (use 'map lookup' to peek)",
		      m.label, map_type_str(m.type));
		goto out;
	}
	vsize = value_buf_size(&m) + 8;
	esize = m.key_size + vsize;
	key = calloc(1, m.key_size);
	next = calloc(1, m.key_size);
	if (!key || !next)
		goto oom;
	/* a map changed while we walk it could send get_next_key round forever */
	limit = (uint64_t)m.max_entries * 2 + 16;
	for (;;) {
		err = bpfhost_map_get_next_key(m.fd, first ? NULL : key, next);
		if (err == -ENOENT)
			break;
		if (err) {
			elem_error(&m, "dump", err);
			goto out;
		}
		if (++steps > limit) {
			p_err("map dump: map '%s' keeps changing; stopped after %llu keys", m.label,
			      (unsigned long long)limit);
			goto out;
		}
		first = false;
		memcpy(key, next, m.key_size);
		if (n == cap) {
			size_t nc = cap ? cap * 2 : 64;
			uint8_t *ne = realloc(elems, nc * esize);

			if (!ne)
				goto oom;
			elems = ne;
			cap = nc;
		}
		memset(elems + n * esize, 0, esize);
		memcpy(elems + n * esize, key, m.key_size);
		err = bpfhost_map_lookup_elem(m.fd, key, elems + n * esize + m.key_size);
		if (err == -ENOENT)
			continue; /* deleted meanwhile */
		if (err) {
			elem_error(&m, "dump", err);
			goto out;
		}
		n++;
	}
	if (json_output)
		json_start_array(json_wtr);
	for (i = 0; i < n; i++)
		print_entry(&m, elems + i * esize, elems + i * esize + m.key_size);
	if (json_output)
		json_end_array(json_wtr);
	else
		printf("Found %zu element%s\n", n, n == 1 ? "" : "s");
	ret = 0;
	goto out;
oom:
	p_err("out of memory");
out:
	free(key);
	free(next);
	free(elems);
	cli_map_close(&m);
	return ret;
}
