/* SPDX-License-Identifier: MIT */
/*
 * Shared declarations of the bpfhost command-line tool.
 *
 * The grammar follows bpftool: `bpfhost [OPTIONS] OBJECT COMMAND ARGS`,
 * where OBJECT and COMMAND come from per-group tables (struct cmd) and may
 * be abbreviated to a unique prefix, and ARGS are mostly `keyword VALUE`
 * pairs. Each command group lives in its own file and exports one do_*()
 * entry point, listed in main.c. Results go to stdout, as text or (with -j
 * or -p) JSON through json_wtr; errors go through p_err().
 */
#ifndef BPFHOST_CLI_MAIN_H
#define BPFHOST_CLI_MAIN_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <bpfhost/bpfhost.h>
#include "json.h"

/* ---- global options (main.c) ---- */
extern const char *bin_name;
extern bool json_output;
extern bool pretty_output;
/* open while json_output is set */
extern struct json_writer *json_wtr;
/* -o FILE, for the commands whose table entry allows it; else NULL */
extern const char *output_path;
/* -d: the library's info and debug messages too */
extern bool cli_debug;

/* ---- the runtime instance and --ext extensions (ext.c) ---- */
/* Created by cli_runtime_init(), with every --ext extension loaded. */
extern struct bpfhost *cli_rt;
/*
 * JSON mode: the instance's warnings of the running command. Write them as
 * a "warnings" array field of w (true) or nothing (false, none kept);
 * _flush writes pending ones to stderr as one {"warnings": [...]} object.
 */
bool cli_json_warnings(struct json_writer *w);
void cli_json_warnings_flush(void);
/* Record an --ext path (loaded by cli_runtime_init); 0 or -1 (reported). */
int cli_ext_add(const char *path);
/* Create cli_rt and load the extensions in order; 0 or -1 (reported). */
int cli_runtime_init(void);
/* Free cli_rt (unregistering the extensions) and the recorded paths. */
void cli_runtime_fini(void);

/* A command of a group: name (abbreviable) and handler. */
struct cmd {
	const char *name;
	int (*func)(int argc, char **argv);
	/* CMD_* flags: which command-specific options the command takes */
	unsigned flags;
};
#define CMD_OUTPUT 0x1 /* accepts -o FILE */

/*
 * Run the command named by argv[0] from cmds (a NULL-terminated table);
 * group names the table in messages ("" for the top level). With no
 * arguments, help() runs. Returns the handler's result: 0 or -1.
 */
int cmd_select(const struct cmd *cmds, const char *group, int argc, char **argv,
	       int (*help)(int argc, char **argv));

/* ---- messages (common.c) ---- */
/* "Error: ..." on stderr, or {"error": "..."} on stdout in JSON mode. */
void p_err(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
/*
 * An error with a library log: a one-line log becomes the message itself
 * (after prefix), a longer one follows the summary line.
 */
void p_err_log(const char *prefix, const char *log, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
/* Informational text on stderr (never in JSON). */
void p_info(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

/* ---- arguments (common.c) ---- */
/* Is arg a (non-empty) prefix of word? */
bool is_prefix(const char *arg, const char *word);
/*
 * Index of the word in words (NULL-terminated) that arg names exactly or as
 * a unique prefix; else p_err() naming arg as `what` and -1.
 */
int match_word(const char *arg, const char *const *words, const char *what);
/* Parse a decimal or 0x-hex unsigned number in [min, max], else p_err(). */
int parse_u64(const char *s, const char *what, uint64_t min, uint64_t max, uint64_t *out);

/* ---- files (common.c) ---- */
/* Size limits of the files read: programs (text or raw) and data. */
#define MAX_PROG_FILE (64ull << 20)
#define MAX_DATA_FILE (1ull << 30)
/*
 * Read a whole file of at most max bytes ("-" is stdin) into a malloc'ed,
 * NUL-terminated buffer; a larger one is an error naming the limit.
 */
int read_file(const char *path, size_t max, char **buf, size_t *len);
/* Write a whole file; "-" is stdout. */
int write_file(const char *path, const void *buf, size_t len);

/* ---- programs (common.c) ---- */
/* Does the name end in .s or .asm (assembly source)? */
bool is_asm_name(const char *path);
/* Raw little-endian instruction bytes <-> slots. */
int insns_from_bytes(const char *path, const void *buf, size_t len, struct bpfhost_insn **insns,
		     size_t *cnt);
void insns_to_bytes(const struct bpfhost_insn *insns, size_t cnt, unsigned char *out);
/* Assemble text into a malloc'ed array; errors (FILE:LINE: ...) via p_err_log(). */
int assemble_text(const char *path, const char *text, size_t len, struct bpfhost_insn **insns,
		  size_t *cnt);
/*
 * Read a program: assembly when the name ends in .s/.asm, raw instruction
 * bytes otherwise. *insns is malloc'ed: release it with free().
 */
int read_prog_file(const char *path, struct bpfhost_insn **insns, size_t *cnt);

/* ---- keyword arguments (kw.c) ---- */
/*
 * One keyword of a command: `name VALUE`, or a bare flag word when
 * has_value is false. parse_keywords() fills value/seen.
 */
struct kw {
	const char *name;
	bool has_value;
	const char *value; /* out: the VALUE word (flags: the keyword itself) */
	bool seen;	   /* out */
};
#define KW_VALUE(n)                            \
	{                                      \
		.name = (n), .has_value = true \
	}
#define KW_FLAG(n)                              \
	{                                       \
		.name = (n), .has_value = false \
	}
#define KW_END               \
	{                    \
		.name = NULL \
	}
/*
 * Parse argv as keywords of kws (terminated by a NULL name), each at most
 * once, names abbreviable; errors name `cmd` ("prog run") and the word.
 * 0 or -1 (reported).
 */
int parse_keywords(int argc, char **argv, struct kw *kws, const char *cmd);

/* ---- guarded program runs (guard.c) ---- */
#define RUN_FAULTED 1
struct run_fault {
	int sig;
	void *addr;
};
/*
 * Run fn(arg) with fault signals caught: returns fn's value, or
 * RUN_FAULTED with *fault filled when the program faulted (the state fn
 * left behind is undefined: report and exit).
 */
int run_guarded(int (*fn)(void *arg), void *arg, struct run_fault *fault);
/* "an invalid memory access" etc. */
const char *fault_desc(int sig);

/* ---- programs from ELF objects or raw files (prog_obj.c) ---- */
/* 1 when the file starts with the ELF magic, 0 if not, -1 (reported) if unreadable. */
int file_is_elf(const char *path);

/* An ELF object opened in cli_rt, with the log buffer of its operations. */
struct cli_obj {
	const char *path;
	struct bpfhost_object *obj;
	char *log;
	size_t log_size;
};
/* Open (parse) an object; pin_root NULL: the default. 0 or -1 (reported). */
int cli_obj_open(struct cli_obj *o, const char *path, const char *pin_root);
/* Load every program as this program type. 0 or -1 (reported). */
int cli_obj_set_type(struct cli_obj *o, const char *type);
/* Load the object (maps, then programs). 0 or -1 (reported). */
int cli_obj_load(struct cli_obj *o);
void cli_obj_close(struct cli_obj *o);
size_t cli_obj_nr_progs(const struct cli_obj *o);
/* The program called name, or (name NULL) the only one. NULL (reported). */
struct bpfhost_program *cli_obj_prog(struct cli_obj *o, const char *name);
/* Map number idx in object order (the index of symbolic map references). */
struct bpfhost_map *cli_obj_map_at(const struct cli_obj *o, uint32_t idx);
/* Name of a map type ("hash", "percpu_array", ...), "unknown" if none. */
const char *map_type_str(uint32_t type);

/* A raw instruction file loaded as a program of a given type. */
struct raw_prog {
	const char *path;
	const char *type;
	char name[16]; /* `name NAME`, else the file's base name */
	struct bpfhost_insn *insns;
	size_t cnt;
	int fd; /* -1 until loaded */
};
/* Read the instructions (assembly when the name ends in .s/.asm). */
int raw_prog_read(struct raw_prog *r, const char *path, const char *type, const char *name);
/* Load into cli_rt as r->type: r->fd. 0 or -1 (reported). */
int raw_prog_load(struct raw_prog *r);
void raw_prog_free(struct raw_prog *r);

/* ---- prog subcommands ---- */
int do_prog_load(int argc, char **argv);
int do_prog_show(int argc, char **argv);
int do_prog_dump(int argc, char **argv);
/* Arguments of `prog run`. */
struct run_args {
	const char *path;
	const char *name, *type;
	const char *data_in, *data_out, *ctx_in, *ctx_out;
	uint64_t repeat;
};
/* prog run of an ELF object, or of a raw file with `type NAME` (prog_run.c) */
int prog_run_typed(const struct run_args *a);
/* "Return value: N, duration (average): Nns" / {"retval", "duration"} */
void print_run_result(uint64_t retval, uint64_t duration);

/* ---- pinned maps (map.c) ---- */
/* A pinned map opened into cli_rt. */
struct cli_map {
	char *path;  /* pin file */
	char *label; /* how messages name it: the pin file's name */
	int fd;	     /* -1 when not open */
	uint32_t type, key_size, value_size, max_entries, flags;
	char name[16]; /* name recorded in the region (at most 15 characters) */
	size_t region_size;
	unsigned ncpus; /* per-CPU slots of per-CPU maps */
};
/* $BPFHOST_PIN_ROOT, else BPFHOST_PIN_ROOT_DEFAULT */
const char *cli_pin_root(void);
/*
 * Open the map named by argv[0..1] (`pinned PATH` or `name NAME`); the
 * caller's arguments go on at argv[2]. 0 or -1 (reported, naming cmd).
 */
int cli_map_parse(int argc, char **argv, struct cli_map *m, const char *cmd);
void cli_map_close(struct cli_map *m);
bool map_is_percpu(uint32_t type);

/* element commands (map_elem.c) */
int do_map_dump(int argc, char **argv);
int do_map_lookup(int argc, char **argv);
int do_map_getnext(int argc, char **argv);
int do_map_update(int argc, char **argv);
int do_map_delete(int argc, char **argv);

/* ---- command groups ---- */
int do_asm(int argc, char **argv);
int do_disasm(int argc, char **argv);
int do_prog(int argc, char **argv);
int do_feature(int argc, char **argv);
int do_btf(int argc, char **argv);
int do_map(int argc, char **argv);

#endif /* BPFHOST_CLI_MAIN_H */
