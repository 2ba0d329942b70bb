/* SPDX-License-Identifier: MIT */
/*
 * `prog load` and `prog show`.
 *
 * There is no system-wide program registry as in the kernel: programs
 * live in the runtime instance of one bpfhost invocation. So `prog load
 * OBJ` loads the object into the CLI's instance to check that it loads
 * (sections resolved to program types, maps created, programs loaded) and
 * leaves behind what outlives the process: its pinned maps. With `pinmaps
 * DIR` every map that can live in a shared region is pinned by name under
 * DIR (programs arrays and maps of maps hold process-local references and
 * are not); without it, the maps the object pins by name
 * (LIBBPF_PIN_BY_NAME) go to the pin root. A map that is already pinned is
 * attached to (same definition required), as a later `prog load` of the
 * same object does in libbpf.
 *
 * `prog show` without an object lists the programs loaded in this
 * invocation's instance, which is none; `prog show OBJ` lists the programs
 * of an object (opened, not loaded): type, section, instruction count and
 * the maps each one uses.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "main.h"

#define LDDW 0x18

static const char *type_or_null(const struct bpfhost_program *p)
{
	return bpfhost_program__type_name(p);
}

static const char *type_str(const struct bpfhost_program *p)
{
	const char *t = bpfhost_program__type_name(p);

	return t ? t : "unknown";
}

static bool can_pin(uint32_t type)
{
	return type != BPFHOST_MAP_TYPE_PROG_ARRAY && type != BPFHOST_MAP_TYPE_ARRAY_OF_MAPS &&
	       type != BPFHOST_MAP_TYPE_HASH_OF_MAPS;
}

/* What a loaded map's pin file was before the load. */
enum pin_state { PIN_NONE, PIN_CREATED, PIN_ATTACHED, PIN_SKIPPED };

static const char *pin_state_str(enum pin_state s)
{
	switch (s) {
	case PIN_CREATED:
		return "created";
	case PIN_ATTACHED:
		return "attached";
	case PIN_SKIPPED:
		return "not pinnable";
	default:
		return NULL;
	}
}

/* ---- prog load ---- */

static void print_loaded_obj(const struct cli_obj *o, const enum pin_state *pins)
{
	struct bpfhost_program *p;
	struct bpfhost_map *m;
	size_t nprogs = 0, nmaps = 0, i = 0;

	bpfhost_object__for_each_program(p, o->obj) nprogs++;
	bpfhost_object__for_each_map(m, o->obj) nmaps++;
	if (json_output) {
		json_start_object(json_wtr);
		json_string_field(json_wtr, "file", o->path);
		json_string_field(json_wtr, "object", bpfhost_object__name(o->obj));
		json_string_field(json_wtr, "license", bpfhost_object__license(o->obj));
		json_name(json_wtr, "programs");
		json_start_array(json_wtr);
		bpfhost_object__for_each_program(p, o->obj)
		{
			json_start_object(json_wtr);
			json_string_field(json_wtr, "name", bpfhost_program__name(p));
			json_string_field(json_wtr, "type", type_str(p));
			json_string_field(json_wtr, "section", bpfhost_program__section_name(p));
			json_uint_field(json_wtr, "insn_cnt", bpfhost_program__insn_cnt(p));
			json_end_object(json_wtr);
		}
		json_end_array(json_wtr);
		json_name(json_wtr, "maps");
		json_start_array(json_wtr);
		bpfhost_object__for_each_map(m, o->obj)
		{
			const char *pin = bpfhost_map__pin_path(m);

			json_start_object(json_wtr);
			json_string_field(json_wtr, "name", bpfhost_map__name(m));
			json_string_field(json_wtr, "type", map_type_str(bpfhost_map__type(m)));
			json_uint_field(json_wtr, "bytes_key", bpfhost_map__key_size(m));
			json_uint_field(json_wtr, "bytes_value", bpfhost_map__value_size(m));
			json_uint_field(json_wtr, "max_entries", bpfhost_map__max_entries(m));
			json_uint_field(json_wtr, "flags", bpfhost_map__map_flags(m));
			if (pin) {
				json_string_field(json_wtr, "pinned", pin);
				json_string_field(json_wtr, "pin", pin_state_str(pins[i]));
			} else {
				json_name(json_wtr, "pinned");
				json_null(json_wtr);
			}
			json_end_object(json_wtr);
			i++;
		}
		json_end_array(json_wtr);
		json_end_object(json_wtr);
		return;
	}
	printf("Loaded '%s' (object %s, license '%s'): %zu program%s, %zu map%s\n", o->path,
	       bpfhost_object__name(o->obj), bpfhost_object__license(o->obj), nprogs,
	       nprogs == 1 ? "" : "s", nmaps, nmaps == 1 ? "" : "s");
	bpfhost_object__for_each_program(p, o->obj)
		printf("prog %s  type %s  section %s  insns %zu\n", bpfhost_program__name(p),
		       type_str(p), bpfhost_program__section_name(p), bpfhost_program__insn_cnt(p));
	bpfhost_object__for_each_map(m, o->obj)
	{
		const char *pin = bpfhost_map__pin_path(m);

		printf("map %s  type %s  key %uB  value %uB  max_entries %u  flags 0x%x",
		       bpfhost_map__name(m), map_type_str(bpfhost_map__type(m)),
		       bpfhost_map__key_size(m), bpfhost_map__value_size(m),
		       bpfhost_map__max_entries(m), bpfhost_map__map_flags(m));
		if (pin)
			printf("  pinned %s (%s)", pin, pin_state_str(pins[i]));
		else if (pins[i] == PIN_SKIPPED)
			printf("  (not pinnable: holds references of this process)");
		printf("\n");
		i++;
	}
}

/* pinmaps DIR: every pinnable map gets DIR/NAME. */
static int pin_all_maps(const struct cli_obj *o, const char *dir, enum pin_state *pins)
{
	struct bpfhost_map *m;
	size_t i = 0;

	bpfhost_object__for_each_map(m, o->obj)
	{
		char *path = NULL;
		int err;

		if (!can_pin(bpfhost_map__type(m))) {
			pins[i++] = PIN_SKIPPED;
			continue;
		}
		if (asprintf(&path, "%s/%s", dir, bpfhost_map__name(m)) < 0) {
			p_err("out of memory");
			return -1;
		}
		err = bpfhost_map__set_pin_path(m, path);
		free(path);
		if (err) {
			p_err("'%s': cannot pin map '%s' under '%s': %s", o->path,
			      bpfhost_map__name(m), dir, strerror(-err));
			return -1;
		}
		i++;
	}
	return 0;
}

static int load_obj(const char *path, const char *pinmaps, const char *type)
{
	struct cli_obj o;
	enum pin_state *pins = NULL;
	struct bpfhost_map *m;
	size_t nmaps = 0, i = 0;
	int ret = -1;

	if (pinmaps && !*pinmaps) {
		p_err("prog load: pinmaps needs a directory, got ''");
		return -1;
	}
	if (cli_obj_open(&o, path, pinmaps))
		return -1;
	if (type && cli_obj_set_type(&o, type))
		goto out;
	bpfhost_object__for_each_map(m, o.obj) nmaps++;
	pins = calloc(nmaps ? nmaps : 1, sizeof(*pins));
	if (!pins) {
		p_err("out of memory");
		goto out;
	}
	if (pinmaps && pin_all_maps(&o, pinmaps, pins))
		goto out;
	bpfhost_object__for_each_map(m, o.obj)
	{
		const char *pin = bpfhost_map__pin_path(m);
		struct stat st;

		if (pin)
			pins[i] = stat(pin, &st) ? PIN_CREATED : PIN_ATTACHED;
		i++;
	}
	if (cli_obj_load(&o))
		goto out;
	print_loaded_obj(&o, pins);
	ret = 0;
out:
	free(pins);
	cli_obj_close(&o);
	return ret;
}

static int load_raw(const char *path, const char *type, const char *name)
{
	struct raw_prog r;
	int ret = -1;

	if (raw_prog_read(&r, path, type, name) || raw_prog_load(&r))
		goto out;
	if (json_output) {
		json_start_object(json_wtr);
		json_string_field(json_wtr, "file", path);
		json_name(json_wtr, "programs");
		json_start_array(json_wtr);
		json_start_object(json_wtr);
		json_string_field(json_wtr, "name", r.name);
		json_string_field(json_wtr, "type", type);
		json_uint_field(json_wtr, "insn_cnt", r.cnt);
		json_end_object(json_wtr);
		json_end_array(json_wtr);
		json_end_object(json_wtr);
	} else {
		printf("Loaded '%s' (raw instructions): 1 program\n", path);
		printf("prog %s  type %s  insns %zu\n", r.name, type, r.cnt);
	}
	ret = 0;
out:
	raw_prog_free(&r);
	return ret;
}

enum { LK_PINMAPS, LK_TYPE, LK_NAME };

int do_prog_load(int argc, char **argv)
{
	struct kw kws[] = {
		[LK_PINMAPS] = KW_VALUE("pinmaps"),
		[LK_TYPE] = KW_VALUE("type"),
		[LK_NAME] = KW_VALUE("name"),
		KW_END,
	};
	const char *path;
	int elf;

	if (argc < 1) {
		p_err("prog load: expected an object FILE");
		return -1;
	}
	path = argv[0];
	if (parse_keywords(argc - 1, argv + 1, kws, "prog load"))
		return -1;
	elf = file_is_elf(path);
	if (elf < 0)
		return -1;
	if (elf) {
		if (kws[LK_NAME].seen) {
			p_err("prog load: 'name' is for raw instruction files (the programs of "
			      "'%s' have their own names)",
			      path);
			return -1;
		}
		return load_obj(path, kws[LK_PINMAPS].value, kws[LK_TYPE].value);
	}
	if (!kws[LK_TYPE].seen) {
		p_err("'%s' is not an ELF object: give 'type TYPE' to load it as raw instructions",
		      path);
		return -1;
	}
	if (kws[LK_PINMAPS].seen) {
		p_err("prog load: pinmaps: raw instructions from '%s' have no maps to pin", path);
		return -1;
	}
	return load_raw(path, kws[LK_TYPE].value, kws[LK_NAME].value);
}

/* ---- prog show ---- */

/* Indices of the maps a program references (lddw src 1/2), in order of first use. */
static size_t maps_used(const struct bpfhost_program *p, uint32_t *idx, size_t max)
{
	const struct bpfhost_insn *insn = bpfhost_program__insns(p);
	size_t i, j, n = 0, cnt = bpfhost_program__insn_cnt(p);

	for (i = 0; insn && i < cnt; i++) {
		if (insn[i].code != LDDW)
			continue;
		if (insn[i].src_reg == 1 || insn[i].src_reg == 2) {
			for (j = 0; j < n && idx[j] != (uint32_t)insn[i].imm; j++)
				;
			if (j == n && n < max)
				idx[n++] = (uint32_t)insn[i].imm;
		}
		i++; /* second slot */
	}
	return n;
}

#define MAX_MAPS_SHOWN 64

static void show_obj_prog(const struct cli_obj *o, struct bpfhost_program *p, size_t idx)
{
	uint32_t used[MAX_MAPS_SHOWN];
	size_t i, n = maps_used(p, used, MAX_MAPS_SHOWN);
	size_t cnt = bpfhost_program__insn_cnt(p);
	const char *type = type_or_null(p);

	if (json_output) {
		json_start_object(json_wtr);
		json_uint_field(json_wtr, "idx", idx);
		json_string_field(json_wtr, "name", bpfhost_program__name(p));
		if (type) {
			json_string_field(json_wtr, "type", type);
		} else {
			json_name(json_wtr, "type");
			json_null(json_wtr);
		}
		json_string_field(json_wtr, "section", bpfhost_program__section_name(p));
		json_string_field(json_wtr, "license", bpfhost_object__license(o->obj));
		json_uint_field(json_wtr, "insn_cnt", cnt);
		json_uint_field(json_wtr, "bytes_xlated", cnt * 8);
		json_name(json_wtr, "maps");
		json_start_array(json_wtr);
		for (i = 0; i < n; i++) {
			struct bpfhost_map *m = cli_obj_map_at(o, used[i]);

			json_string(json_wtr, m ? bpfhost_map__name(m) : "?");
		}
		json_end_array(json_wtr);
		json_end_object(json_wtr);
		return;
	}
	printf("%zu: %s  name %s  section %s  license '%s'\n", idx, type ? type : "unknown",
	       bpfhost_program__name(p), bpfhost_program__section_name(p),
	       bpfhost_object__license(o->obj));
	printf("\txlated %zuB  insns %zu", cnt * 8, cnt);
	for (i = 0; i < n; i++) {
		struct bpfhost_map *m = cli_obj_map_at(o, used[i]);

		printf("%s%s", i ? "," : "  maps ", m ? bpfhost_map__name(m) : "?");
	}
	printf("\n");
}

static int show_obj(const char *path, const char *name, const char *type)
{
	struct bpfhost_program *p;
	struct cli_obj o;
	size_t idx = 0;
	int ret = -1;

	if (cli_obj_open(&o, path, NULL))
		return -1;
	if (type && cli_obj_set_type(&o, type))
		goto out;
	if (name) {
		struct bpfhost_program *want = cli_obj_prog(&o, name);

		if (!want)
			goto out;
		bpfhost_object__for_each_program(p, o.obj)
		{
			if (p == want)
				show_obj_prog(&o, p, idx);
			idx++;
		}
		ret = 0;
		goto out;
	}
	if (json_output)
		json_start_array(json_wtr);
	bpfhost_object__for_each_program(p, o.obj) show_obj_prog(&o, p, idx++);
	if (json_output)
		json_end_array(json_wtr);
	ret = 0;
out:
	cli_obj_close(&o);
	return ret;
}

static int show_raw(const char *path, const char *name, const char *type)
{
	struct raw_prog r;

	if (raw_prog_read(&r, path, type, name))
		return -1;
	if (json_output) {
		json_start_object(json_wtr);
		json_uint_field(json_wtr, "idx", 0);
		json_string_field(json_wtr, "name", r.name);
		json_string_field(json_wtr, "type", type);
		json_uint_field(json_wtr, "insn_cnt", r.cnt);
		json_uint_field(json_wtr, "bytes_xlated", r.cnt * 8);
		json_end_object(json_wtr);
	} else {
		printf("0: %s  name %s  (raw instructions)\n", type, r.name);
		printf("\txlated %zuB  insns %zu\n", r.cnt * 8, r.cnt);
	}
	raw_prog_free(&r);
	return 0;
}

enum { SK_NAME, SK_TYPE };

int do_prog_show(int argc, char **argv)
{
	struct kw kws[] = {
		[SK_NAME] = KW_VALUE("name"),
		[SK_TYPE] = KW_VALUE("type"),
		KW_END,
	};
	const char *path;
	int elf;

	if (argc == 0) {
		/* each invocation is its own runtime: nothing is loaded yet */
		if (json_output) {
			json_start_array(json_wtr);
			json_end_array(json_wtr);
		} else {
			p_info("no programs are loaded in this %s invocation (programs do not "
			       "outlive it); use '%s prog show OBJ' to list an object's programs",
			       bin_name, bin_name);
		}
		return 0;
	}
	path = argv[0];
	if (parse_keywords(argc - 1, argv + 1, kws, "prog show"))
		return -1;
	elf = file_is_elf(path);
	if (elf < 0)
		return -1;
	if (elf)
		return show_obj(path, kws[SK_NAME].value, kws[SK_TYPE].value);
	if (!kws[SK_TYPE].seen) {
		p_err("'%s' is not an ELF object: give 'type TYPE' for raw instructions", path);
		return -1;
	}
	return show_raw(path, kws[SK_NAME].value, kws[SK_TYPE].value);
}
