/* SPDX-License-Identifier: MIT */
/*
 * `bpfhost feature`: what the CLI's runtime instance offers — the program
 * types and hooks registered (by the extensions loaded with --ext), each
 * with its context-header capability, the helpers (the core ones every
 * program type gets, then each type's own) and the map types.
 *
 * Text output is one section per kind; JSON (-j/-p) is one object:
 *   {"prog_types": [{"name", "extension", "linux_prog_type", "ctx_size",
 *     "data_off", "data_end_off", "data_meta_off", "section_prefixes",
 *     "capabilities", "context_header"}],
 *    "hooks": [{"name", "extension", "prog_type", "linux_attach_type",
 *     "verdict_rule", "pass_value", "capabilities", "context_header"}],
 *    "helpers": [{"id", "name", "prog_type" (null: core), "implicit_ctx"}],
 *    "map_types": [{"id", "name"}]}
 */
#include <stdlib.h>
#include <string.h>

#include "main.h"
#include "runtime/feature.h"

static int do_help(int argc, char **argv)
{
	if (json_output) {
		json_null(json_wtr);
		return 0;
	}
	fprintf(stdout,
		"Usage: %s [--ext PATH.so]... feature\n"
		"       %s feature help\n"
		"\n"
		"Lists the program types and hooks registered (by the extensions loaded\n"
		"with --ext), each with its context-header capability, the helpers (core\n"
		"ones, then each program type's own) and the map types.\n",
		bin_name, bin_name);
	return 0;
}

static const char *rule_name(uint32_t rule)
{
	switch (rule) {
	case BPFHOST_VERDICT_UNTIL_NOT_PASS:
		return "until_not_pass";
	case BPFHOST_VERDICT_ALL_NONZERO:
		return "all_nonzero";
	case BPFHOST_VERDICT_LAST:
		return "last";
	}
	return "unknown";
}

static const char *yes_no(uint64_t caps)
{
	return (caps & BPFHOST_CAP_CONTEXT_HEADER) ? "yes" : "no";
}

struct counts {
	size_t types, hooks, type_helpers, core_helpers, map_types;
};

static int count_type(const char *ext, const struct bpfhost_prog_type_desc *d, void *ctx)
{
	struct counts *c = ctx;

	c->types++;
	c->type_helpers += d->nr_helpers;
	return 0;
}

static int count_hook(const char *ext, const struct bpfhost_hook_desc *d, void *ctx)
{
	((struct counts *)ctx)->hooks++;
	return 0;
}

static int count_helper(const struct bpfhost_helper_proto *p, void *ctx)
{
	((struct counts *)ctx)->core_helpers++;
	return 0;
}

static int count_map_type(uint32_t type, const char *name, void *ctx)
{
	((struct counts *)ctx)->map_types++;
	return 0;
}

/* ---- program types ---- */

static int show_type(const char *ext, const struct bpfhost_prog_type_desc *d, void *ctx)
{
	const struct bpfhost_ctx_desc *cd = d->ctx_desc;
	size_t i;

	if (json_output) {
		json_start_object(json_wtr);
		json_string_field(json_wtr, "name", d->name);
		json_string_field(json_wtr, "extension", ext);
		json_uint_field(json_wtr, "linux_prog_type", d->linux_prog_type);
		json_uint_field(json_wtr, "ctx_size", cd->ctx_size);
		json_int_field(json_wtr, "data_off", cd->data_off);
		json_int_field(json_wtr, "data_end_off", cd->data_end_off);
		json_int_field(json_wtr, "data_meta_off", cd->data_meta_off);
		json_name(json_wtr, "section_prefixes");
		json_start_array(json_wtr);
		for (i = 0; d->section_prefixes && d->section_prefixes[i]; i++)
			json_string(json_wtr, d->section_prefixes[i]);
		json_end_array(json_wtr);
		json_uint_field(json_wtr, "capabilities", d->capabilities);
		json_bool_field(json_wtr, "context_header",
				d->capabilities & BPFHOST_CAP_CONTEXT_HEADER);
		json_end_object(json_wtr);
		return 0;
	}
	printf("  %s: extension '%s', Linux program type %u, context %u bytes (data %d, "
	       "data_end %d, data_meta %d), context header: %s\n",
	       d->name, ext, d->linux_prog_type, cd->ctx_size, cd->data_off, cd->data_end_off,
	       cd->data_meta_off, yes_no(d->capabilities));
	if (d->section_prefixes && d->section_prefixes[0]) {
		printf("    section prefixes:");
		for (i = 0; d->section_prefixes[i]; i++)
			printf(" %s", d->section_prefixes[i]);
		printf("\n");
	}
	return 0;
}

/* ---- hooks ---- */

static int show_hook(const char *ext, const struct bpfhost_hook_desc *d, void *ctx)
{
	if (json_output) {
		json_start_object(json_wtr);
		json_string_field(json_wtr, "name", d->name);
		json_string_field(json_wtr, "extension", ext);
		json_string_field(json_wtr, "prog_type", d->prog_type);
		json_uint_field(json_wtr, "linux_attach_type", d->linux_attach_type);
		json_string_field(json_wtr, "verdict_rule", rule_name(d->verdict_rule));
		json_uint_field(json_wtr, "pass_value", d->pass_value);
		json_uint_field(json_wtr, "capabilities", d->capabilities);
		json_bool_field(json_wtr, "context_header",
				d->capabilities & BPFHOST_CAP_CONTEXT_HEADER);
		json_end_object(json_wtr);
		return 0;
	}
	printf("  %s: extension '%s', program type '%s', verdict rule %s (pass value %llu), "
	       "context header: %s\n",
	       d->name, ext, d->prog_type, rule_name(d->verdict_rule),
	       (unsigned long long)d->pass_value, yes_no(d->capabilities));
	return 0;
}

/* ---- helpers ---- */

static void show_helper(const struct bpfhost_helper_proto *p, const char *type)
{
	bool implicit = p->flags & BPFHOST_HELPER_F_IMPLICIT_CTX;

	if (json_output) {
		json_start_object(json_wtr);
		json_uint_field(json_wtr, "id", p->id);
		json_string_field(json_wtr, "name", p->name);
		json_name(json_wtr, "prog_type");
		if (type)
			json_string(json_wtr, type);
		else
			json_null(json_wtr);
		json_bool_field(json_wtr, "implicit_ctx", implicit);
		json_end_object(json_wtr);
		return;
	}
	printf("  %-7u %s", p->id, p->name);
	if (type)
		printf(" (program type '%s'%s)", type,
		       implicit ? ", context passed implicitly" : "");
	printf("\n");
}

static int show_core_helper(const struct bpfhost_helper_proto *p, void *ctx)
{
	show_helper(p, NULL);
	return 0;
}

static int show_type_helpers(const char *ext, const struct bpfhost_prog_type_desc *d, void *ctx)
{
	uint32_t i;

	for (i = 0; i < d->nr_helpers; i++)
		show_helper(&d->helpers[i], d->name);
	return 0;
}

/* ---- map types ---- */

static int show_map_type(uint32_t type, const char *name, void *ctx)
{
	if (json_output) {
		json_start_object(json_wtr);
		json_uint_field(json_wtr, "id", type);
		json_string_field(json_wtr, "name", name ? name : "?");
		json_end_object(json_wtr);
		return 0;
	}
	printf("  %-3u %s\n", type, name ? name : "?");
	return 0;
}

/* Text section header; JSON: the member name and its array. */
static void section(const char *json_name_, const char *title, size_t n, const char *none)
{
	if (json_output) {
		json_name(json_wtr, json_name_);
		json_start_array(json_wtr);
		return;
	}
	if (n)
		printf("%s (%zu):\n", title, n);
	else
		printf("%s: none%s\n", title, none ? none : "");
}

static void section_end(void)
{
	if (json_output)
		json_end_array(json_wtr);
}

int do_feature(int argc, char **argv)
{
	struct counts c = { 0 };
	int err;

	if (argc > 0) {
		if (!strcmp(argv[0], "help") || !strcmp(argv[0], "-h") ||
		    !strcmp(argv[0], "--help"))
			return do_help(argc, argv);
		p_err("feature takes no arguments, got '%s'", argv[0]);
		return -1;
	}
	err = bpfhost__for_each_prog_type(cli_rt, count_type, &c);
	if (!err)
		err = bpfhost__for_each_hook(cli_rt, count_hook, &c);
	if (!err)
		err = bpfhost_for_each_core_helper(count_helper, &c);
	if (!err)
		err = bpfhost_for_each_map_type(count_map_type, &c);
	if (err) {
		p_err("cannot list the runtime's features: %s", strerror(-err));
		return -1;
	}
	if (json_output)
		json_start_object(json_wtr);

	section("prog_types", "Program types", c.types, " (load an extension with --ext PATH.so)");
	bpfhost__for_each_prog_type(cli_rt, show_type, NULL);
	section_end();

	section("hooks", "Hooks", c.hooks, NULL);
	bpfhost__for_each_hook(cli_rt, show_hook, NULL);
	section_end();

	if (!json_output)
		printf("Helpers (%zu core, every program type; %zu of program types):\n",
		       c.core_helpers, c.type_helpers);
	else
		section("helpers", NULL, 0, NULL);
	bpfhost_for_each_core_helper(show_core_helper, NULL);
	bpfhost__for_each_prog_type(cli_rt, show_type_helpers, NULL);
	section_end();

	section("map_types", "Map types", c.map_types, NULL);
	bpfhost_for_each_map_type(show_map_type, NULL);
	section_end();

	if (json_output)
		json_end_object(json_wtr);
	return 0;
}
