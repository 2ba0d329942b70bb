/* SPDX-License-Identifier: MIT */
/*
 * bpfhost command-line tool: option parsing and command dispatch.
 *
 * Options may appear anywhere before `--` (as with bpftool); they are
 * described by one table, so adding one is a table row plus its handling.
 * `--ext PATH.so` (repeatable) names extensions loaded into the CLI's
 * runtime instance (ext.c) before the command runs. The JSON flags are looked at first so that even an
 * error about another option comes out in the requested format. Command
 * groups are rows of `cmds` below, each implemented in its own file.
 */
#include <errno.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#include "main.h"

const char *bin_name = "bpfhost";
bool json_output;
bool pretty_output;
struct json_writer *json_wtr;
const char *output_path;
/* the command chosen at the top level, to check command-specific options */
static const struct cmd *top_cmd;

static int do_help(int argc, char **argv)
{
	if (json_output) {
		json_null(json_wtr);
		return 0;
	}
	fprintf(stdout,
		"Usage: %s [OPTIONS] OBJECT { COMMAND | help }\n"
		"       %s help\n"
		"       %s version\n"
		"\n"
		"       OBJECT := { asm | disasm | prog | map | btf | feature }\n"
		"\n"
		"       %s asm FILE.s [-o FILE.bin]\n"
		"       %s disasm FILE.bin [syntax { linux | ubpf }]\n"
		"       %s prog { load | show | dump xlated | run } OBJ ...\n"
		"       %s prog run FILE [data_in FILE] [data_out FILE] [repeat N]\n"
		"       %s map { show | dump | lookup | getnext | update | delete } MAP ...\n"
		"       %s btf dump file OBJ\n"
		"       %s feature\n"
		"\n"
		"       OPTIONS := { -j|--json | -p|--pretty | -d|--debug | -o|--output FILE |\n"
		"                    --ext PATH.so | -h|--help | -V|--version }\n"
		"\n"
		"Objects and commands may be abbreviated to a unique prefix.\n"
		"--ext loads an extension (repeatable) before the command runs.\n"
		"Run '%s OBJECT help' for more about an object.\n",
		bin_name, bin_name, bin_name, bin_name, bin_name, bin_name, bin_name, bin_name,
		bin_name, bin_name, bin_name);
	return 0;
}

static int do_version(int argc, char **argv)
{
	if (argc > 0) {
		p_err("version takes no arguments, got '%s'", argv[0]);
		return -1;
	}
	if (json_output) {
		json_start_object(json_wtr);
		json_string_field(json_wtr, "version", bpfhost_version());
		json_end_object(json_wtr);
		return 0;
	}
	printf("%s v%d.%d\n", bin_name, BPFHOST_VERSION_MAJOR, BPFHOST_VERSION_MINOR);
	printf("using libbpfhost v%s\n", bpfhost_version());
	return 0;
}

static const struct cmd cmds[] = {
	{ "asm", do_asm, CMD_OUTPUT }, { "disasm", do_disasm, 0 },   { "prog", do_prog, 0 },
	{ "map", do_map, 0 },	       { "btf", do_btf, 0 },	     { "feature", do_feature, 0 },
	{ "help", do_help, 0 },	       { "version", do_version, 0 }, { 0 },
};

static bool is_help_word(const char *s)
{
	return !strcmp(s, "help") || !strcmp(s, "--help") || !strcmp(s, "-h");
}

int cmd_select(const struct cmd *table, const char *group, int argc, char **argv,
	       int (*help)(int argc, char **argv))
{
	const struct cmd *found = NULL;
	int i, nfound = 0;

	if (argc < 1 || is_help_word(argv[0]))
		return help(argc, argv);
	for (i = 0; table[i].name; i++) {
		if (!strcmp(argv[0], table[i].name)) {
			found = &table[i];
			nfound = 1;
			break;
		}
		if (is_prefix(argv[0], table[i].name)) {
			found = &table[i];
			nfound++;
		}
	}
	if (nfound != 1) {
		const char **list;
		char what[64];
		int n = 0;

		for (i = 0; table[i].name; i++)
			n++;
		list = calloc((size_t)n + 1, sizeof(*list));
		if (!list) {
			p_err("out of memory");
			return -1;
		}
		for (i = 0; i < n; i++)
			list[i] = table[i].name;
		/* reports unknown or ambiguous, naming the choices */
		snprintf(what, sizeof(what), "%s%scommand", group, *group ? " " : "");
		match_word(argv[0], list, what);
		free(list);
		return -1;
	}
	if (!*group)
		top_cmd = found;
	if (output_path && (!top_cmd || !(top_cmd->flags & CMD_OUTPUT))) {
		p_err("option -o/--output is not used by '%s'", top_cmd ? top_cmd->name : argv[0]);
		return -1;
	}
	return found->func(argc - 1, argv + 1);
}

static int debug_print(enum bpfhost_print_level level, const char *fmt, va_list ap)
{
	if (level != BPFHOST_WARN && !cli_debug)
		return 0;
	return vfprintf(stderr, fmt, ap);
}

enum opt_id { OPT_JSON, OPT_PRETTY, OPT_DEBUG, OPT_OUTPUT, OPT_EXT, OPT_HELP, OPT_VERSION };

struct opt {
	const char *lng;
	char shrt;
	bool has_arg;
	enum opt_id id;
};

static const struct opt opts[] = {
	{ "json", 'j', false, OPT_JSON },
	{ "pretty", 'p', false, OPT_PRETTY },
	{ "debug", 'd', false, OPT_DEBUG },
	{ "output", 'o', true, OPT_OUTPUT },
	{ "ext", 0, true, OPT_EXT },
	{ "help", 'h', false, OPT_HELP },
	{ "version", 'V', false, OPT_VERSION },
};

#define NR_OPTS (sizeof(opts) / sizeof(opts[0]))

static const struct opt *find_long(const char *name, size_t len)
{
	const struct opt *found = NULL;
	size_t i;
	int n = 0;

	for (i = 0; i < NR_OPTS; i++) {
		if (strlen(opts[i].lng) == len && !strncmp(opts[i].lng, name, len))
			return &opts[i];
		if (!strncmp(opts[i].lng, name, len)) {
			found = &opts[i];
			n++;
		}
	}
	return n == 1 ? found : NULL;
}

static const struct opt *find_short(char c)
{
	size_t i;

	for (i = 0; i < NR_OPTS; i++)
		if (opts[i].shrt && opts[i].shrt == c)
			return &opts[i];
	return NULL;
}

/*
 * An option word: "-x..." or "--x...", but not "-" (stdin) nor a negative
 * number, which is a (bad) value for the command to name.
 */
static bool is_option(const char *a)
{
	return a[0] == '-' && a[1] && !(a[1] >= '0' && a[1] <= '9');
}

/* Pre-scan: JSON mode must be known before the first error is printed. */
static void scan_json_flags(int argc, char **argv)
{
	int i;

	for (i = 1; i < argc; i++) {
		const char *a = argv[i];

		if (!strcmp(a, "--"))
			break;
		if (!is_option(a))
			continue;
		if (a[1] == '-') {
			const char *eq = strchr(a + 2, '=');
			const struct opt *o =
				find_long(a + 2, eq ? (size_t)(eq - a - 2) : strlen(a + 2));

			if (o && (o->id == OPT_JSON || o->id == OPT_PRETTY))
				json_output = true;
			if (o && o->id == OPT_PRETTY)
				pretty_output = true;
			if (o && o->has_arg && !eq)
				i++; /* its argument is not an option */
		} else {
			for (a++; *a; a++) {
				const struct opt *o = find_short(*a);

				if (!o)
					break;
				if (o->has_arg) {
					i += !a[1];
					break;
				}
				if (o->id == OPT_JSON || o->id == OPT_PRETTY)
					json_output = true;
				if (o->id == OPT_PRETTY)
					pretty_output = true;
			}
		}
	}
}

/* Apply one option; val is its argument (NULL if none). 0 or -1 (reported). */
static int apply_opt(const struct opt *o, const char *val, bool *help, bool *version)
{
	switch (o->id) {
	case OPT_JSON:
		json_output = true;
		break;
	case OPT_PRETTY:
		json_output = pretty_output = true;
		break;
	case OPT_DEBUG:
		cli_debug = true;
		break;
	case OPT_OUTPUT:
		output_path = val;
		break;
	case OPT_EXT:
		return cli_ext_add(val);
	case OPT_HELP:
		*help = true;
		break;
	case OPT_VERSION:
		*version = true;
		break;
	}
	return 0;
}

/*
 * Move options out of argv, leaving the positional words in args. Returns
 * the number of positional words, or -1 after reporting a bad option.
 */
static int parse_options(int argc, char **argv, char **args, bool *help, bool *version)
{
	bool only_args = false;
	int i, n = 0;

	for (i = 1; i < argc; i++) {
		char *a = argv[i];

		if (only_args || !is_option(a)) {
			args[n++] = a;
			continue;
		}
		if (!strcmp(a, "--")) {
			only_args = true;
			continue;
		}
		if (a[1] == '-') {
			char *eq = strchr(a + 2, '=');
			size_t len = eq ? (size_t)(eq - a - 2) : strlen(a + 2);
			const struct opt *o = find_long(a + 2, len);
			const char *val = NULL;

			if (!o) {
				p_err("unknown or ambiguous option '%s'", a);
				return -1;
			}
			if (o->has_arg) {
				if (eq) {
					val = eq + 1;
				} else if (i + 1 < argc) {
					val = argv[++i];
				} else {
					p_err("option '--%s' needs an argument", o->lng);
					return -1;
				}
			} else if (eq) {
				p_err("option '--%s' takes no argument", o->lng);
				return -1;
			}
			if (apply_opt(o, val, help, version))
				return -1;
			continue;
		}
		/* a cluster of short options: -jp, -oFILE, -o FILE */
		for (a++; *a; a++) {
			const struct opt *o = find_short(*a);

			if (!o) {
				p_err("unknown option '-%c'", *a);
				return -1;
			}
			if (o->has_arg) {
				const char *val = a[1] ? a + 1 : (i + 1 < argc ? argv[++i] : NULL);

				if (!val) {
					p_err("option '-%c' needs an argument", o->shrt);
					return -1;
				}
				if (apply_opt(o, val, help, version))
					return -1;
				break;
			}
			if (apply_opt(o, NULL, help, version))
				return -1;
		}
	}
	args[n] = NULL;
	return n;
}

int main(int argc, char **argv)
{
	bool help = false, version = false;
	char **args;
	int n, ret;

	scan_json_flags(argc, argv);
	args = calloc((size_t)argc + 1, sizeof(*args));
	if (!args) {
		p_err("out of memory");
		return 1;
	}
	n = parse_options(argc, argv, args, &help, &version);
	if (n < 0)
		goto fail;
	if (output_path && !*output_path) {
		p_err("option -o/--output needs a file name, got ''");
		goto fail;
	}
	bpfhost_set_print(debug_print);
	/* the runtime instance, with the --ext extensions loaded */
	if (cli_runtime_init())
		goto fail;
	if (json_output) {
		json_wtr = json_new(stdout, pretty_output);
		if (!json_wtr) {
			json_output = false;
			p_err("out of memory");
			goto fail;
		}
	}
	if (version)
		ret = do_version(0, NULL);
	else if (help || n == 0)
		ret = do_help(0, NULL);
	else
		ret = cmd_select(cmds, "", n, args, do_help);
	/* after an error nothing was written here: the error is its own object */
	if (json_output) {
		json_destroy(json_wtr);
		cli_json_warnings_flush(); /* a success's warnings, as JSON */
	}
	cli_runtime_fini();
	free(args);
	if (fflush(stdout) || ferror(stdout)) {
		fprintf(stderr, "Error: cannot write output: %s\n", strerror(errno));
		return 1;
	}
	return ret ? 1 : 0;
fail:
	cli_runtime_fini();
	free(args);
	return 1;
}
