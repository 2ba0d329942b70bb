/* SPDX-License-Identifier: MIT */
/*
 * `bpfhost map ...`: pinned maps.
 *
 *   map show [MAP]
 *   map dump MAP
 *   map lookup MAP [key DATA]
 *   map getnext MAP [key DATA]
 *   map update MAP [key DATA] [value DATA] [UPDATE_FLAGS]
 *   map delete MAP key DATA
 *   MAP := { pinned PATH | name NAME }   (NAME: the file NAME under the pin root)
 *   DATA := { [hex] BYTES }
 *   UPDATE_FLAGS := { any | exist | noexist }
 *
 * There are no map ids: a map outlives a bpfhost invocation only as a
 * pinned file-backed region (prog load, or a loader using the object
 * API). This file opens such a file without knowing its definition
 * (bh_map_open_pinned reads and checks it from the region header), gives
 * it an fd in the CLI's runtime instance and lists pinned maps; the
 * element commands are in map_elem.c.
 */
#include <dirent.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "main.h"
#include "maps/map.h"
#include "runtime/runtime.h"

static int do_help(int argc, char **argv)
{
	if (json_output) {
		json_null(json_wtr);
		return 0;
	}
	fprintf(stdout,
		"Usage: %s map show [MAP]\n"
		"       %s map dump MAP\n"
		"       %s map lookup MAP [key DATA]\n"
		"       %s map getnext MAP [key DATA]\n"
		"       %s map update MAP [key DATA] [value DATA] [UPDATE_FLAGS]\n"
		"       %s map delete MAP key DATA\n"
		"       %s map help\n"
		"\n"
		"       MAP := { pinned PATH | name NAME }\n"
		"       DATA := { [hex] BYTES }\n"
		"       UPDATE_FLAGS := { any | exist | noexist }\n"
		"\n"
		"Maps are the pinned ones: 'pinned PATH' names the pin file, 'name NAME' the\n"
		"file NAME under the pin root ($BPFHOST_PIN_ROOT, else %s).\n"
		"BYTES are one byte per word: decimal, 0x hex or 0 octal, or two hex digits\n"
		"after 'hex' (key 0x01 0 0 0, key hex 01 00 00 00).\n",
		bin_name, bin_name, bin_name, bin_name, bin_name, bin_name, bin_name,
		BPFHOST_PIN_ROOT_DEFAULT);
	return 0;
}

const char *cli_pin_root(void)
{
	const char *root = getenv("BPFHOST_PIN_ROOT");

	return root && *root ? root : BPFHOST_PIN_ROOT_DEFAULT;
}

bool map_is_percpu(uint32_t type)
{
	return type == BPFHOST_MAP_TYPE_PERCPU_ARRAY || type == BPFHOST_MAP_TYPE_PERCPU_HASH ||
	       type == BPFHOST_MAP_TYPE_LRU_PERCPU_HASH;
}

/* Open the region at path into m (fd in cli_rt). quiet: no report, just -1. */
static int open_path(struct cli_map *m, const char *path, const char *label, bool quiet)
{
	struct bh_log log = BH_LOG_INIT;
	struct bh_map *map = NULL;
	char prefix[512];
	int err, fd;

	memset(m, 0, sizeof(*m));
	m->fd = -1;
	err = bh_map_open_pinned(path, &map, &log);
	if (err) {
		if (!quiet) {
			snprintf(prefix, sizeof(prefix), "map '%s': ", label);
			p_err_log(prefix, bh_log_text(&log), "cannot open map '%s' at %s (%s)",
				  label, path, strerror(-err));
		}
		bh_log_free(&log);
		return -1;
	}
	bh_log_free(&log);
	m->type = map->def.type;
	m->key_size = map->def.key_size;
	m->value_size = map->def.value_size;
	m->max_entries = map->def.max_entries;
	m->flags = map->def.map_flags;
	m->region_size = map->region_size;
	m->ncpus = map->ncpus;
	memcpy(m->name, map->def.name, sizeof(m->name));
	m->name[sizeof(m->name) - 1] = '\0';
	fd = bh_fd_install(cli_rt, BH_FD_MAP, map); /* takes our reference */
	if (fd < 0) {
		bh_map_put(map);
		if (!quiet)
			p_err("map '%s': no free bpfhost fd: %s", label, strerror(-fd));
		return -1;
	}
	m->fd = fd;
	m->path = strdup(path);
	m->label = strdup(label);
	if (!m->path || !m->label) {
		cli_map_close(m);
		if (!quiet)
			p_err("out of memory");
		return -1;
	}
	return 0;
}

void cli_map_close(struct cli_map *m)
{
	if (m->fd >= 0)
		bpfhost_close(m->fd);
	m->fd = -1;
	free(m->path);
	free(m->label);
	m->path = m->label = NULL;
}

static const char *base_name(const char *path)
{
	const char *s = strrchr(path, '/');

	return s && s[1] ? s + 1 : path;
}

int cli_map_parse(int argc, char **argv, struct cli_map *m, const char *cmd)
{
	static const char *const how[] = { "pinned", "name", "id", NULL };
	char what[64], *path = NULL;
	int k, ret;

	if (argc < 2) {
		p_err("%s: expected a map: 'pinned PATH' or 'name NAME'", cmd);
		return -1;
	}
	snprintf(what, sizeof(what), "%s map reference", cmd);
	k = match_word(argv[0], how, what);
	if (k < 0)
		return -1;
	if (k == 2) {
		p_err("%s: maps have no ids in bpfhost (no system-wide registry): use 'pinned "
		      "PATH' or 'name NAME'",
		      cmd);
		return -1;
	}
	if (!*argv[1]) {
		p_err("%s: '%s' needs a non-empty value", cmd, how[k]);
		return -1;
	}
	if (k == 0)
		return open_path(m, argv[1], base_name(argv[1]), false);
	if (strchr(argv[1], '/') || !strcmp(argv[1], ".") || !strcmp(argv[1], "..")) {
		p_err("%s: map name '%s' is not a file name (use 'pinned PATH' for a path)", cmd,
		      argv[1]);
		return -1;
	}
	if (asprintf(&path, "%s/%s", cli_pin_root(), argv[1]) < 0) {
		p_err("out of memory");
		return -1;
	}
	if (access(path, F_OK) && errno == ENOENT) {
		p_err("no map named '%s' is pinned under %s", argv[1], cli_pin_root());
		free(path);
		return -1;
	}
	ret = open_path(m, path, argv[1], false);
	free(path);
	return ret;
}

/* ---- map show ---- */

static void show_map(const struct cli_map *m)
{
	if (json_output) {
		json_start_object(json_wtr);
		json_string_field(json_wtr, "type", map_type_str(m->type));
		json_string_field(json_wtr, "name", m->name);
		json_uint_field(json_wtr, "flags", m->flags);
		json_uint_field(json_wtr, "bytes_key", m->key_size);
		json_uint_field(json_wtr, "bytes_value", m->value_size);
		json_uint_field(json_wtr, "max_entries", m->max_entries);
		json_uint_field(json_wtr, "bytes_region", m->region_size);
		json_name(json_wtr, "pinned");
		json_start_array(json_wtr);
		json_string(json_wtr, m->path);
		json_end_array(json_wtr);
		json_end_object(json_wtr);
		return;
	}
	printf("%s  name %s  flags 0x%x\n", map_type_str(m->type), m->name, m->flags);
	printf("\tkey %uB  value %uB  max_entries %u  region %zuB\n", m->key_size, m->value_size,
	       m->max_entries, m->region_size);
	printf("\tpinned %s\n", m->path);
}

static int cmp_names(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

/* Every pinned map under the pin root, by file name. */
static int show_all(void)
{
	const char *root = cli_pin_root();
	char **names = NULL;
	size_t n = 0, cap = 0, i;
	struct dirent *de;
	DIR *d = opendir(root);

	if (!d && errno != ENOENT) {
		p_err("cannot list the pin root %s: %s", root, strerror(errno));
		return -1;
	}
	if (json_output)
		json_start_array(json_wtr);
	/* no pin root yet: nothing is pinned */
	while (d && (de = readdir(d))) {
		if (de->d_name[0] == '.')
			continue;
		if (n == cap) {
			size_t nc = cap ? cap * 2 : 32;
			char **nn = realloc(names, nc * sizeof(*names));

			if (!nn)
				break;
			names = nn;
			cap = nc;
		}
		names[n] = strdup(de->d_name);
		if (names[n])
			n++;
	}
	if (d)
		closedir(d);
	if (n)
		qsort(names, n, sizeof(*names), cmp_names);
	for (i = 0; i < n; i++) {
		struct cli_map m;
		char *path = NULL;

		if (asprintf(&path, "%s/%s", root, names[i]) >= 0 &&
		    !open_path(&m, path, names[i], true)) {
			show_map(&m);
			cli_map_close(&m);
		} else if (!json_output) {
			fprintf(stderr, "skipping %s/%s: not a bpfhost map\n", root, names[i]);
		}
		free(path);
		free(names[i]);
	}
	free(names);
	if (json_output)
		json_end_array(json_wtr);
	return 0;
}

static int do_show(int argc, char **argv)
{
	struct cli_map m;

	if (argc == 0)
		return show_all();
	if (cli_map_parse(argc, argv, &m, "map show"))
		return -1;
	if (argc > 2) {
		p_err("map show: unexpected argument '%s'", argv[2]);
		cli_map_close(&m);
		return -1;
	}
	show_map(&m);
	cli_map_close(&m);
	return 0;
}

static const struct cmd map_cmds[] = {
	{ "show", do_show, 0 },
	{ "list", do_show, 0 },
	{ "dump", do_map_dump, 0 },
	{ "lookup", do_map_lookup, 0 },
	{ "getnext", do_map_getnext, 0 },
	{ "update", do_map_update, 0 },
	{ "delete", do_map_delete, 0 },
	{ "help", do_help, 0 },
	{ 0 },
};

int do_map(int argc, char **argv)
{
	return cmd_select(map_cmds, "map", argc, argv, do_help);
}
