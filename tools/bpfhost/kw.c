/* SPDX-License-Identifier: MIT */
/*
 * Keyword arguments: the `keyword VALUE` pairs and flag words that follow a
 * command's fixed arguments (`data_in FILE repeat 10 linum`). Keywords
 * may be abbreviated to a unique prefix and appear in any order, each at
 * most once; every problem is reported naming the command and the word.
 */
#include <stdlib.h>

#include "main.h"

int parse_keywords(int argc, char **argv, struct kw *kws, const char *cmd)
{
	const char **names;
	char what[64];
	int i, n = 0, ret = -1;

	while (kws[n].name)
		n++;
	names = calloc((size_t)n + 1, sizeof(*names));
	if (!names) {
		p_err("out of memory");
		return -1;
	}
	for (i = 0; i < n; i++)
		names[i] = kws[i].name;
	snprintf(what, sizeof(what), "%s keyword", cmd);
	for (i = 0; i < argc; i++) {
		int k = match_word(argv[i], names, what);

		if (k < 0)
			goto out;
		if (kws[k].seen) {
			p_err("%s: keyword '%s' given more than once", cmd, kws[k].name);
			goto out;
		}
		kws[k].seen = true;
		if (!kws[k].has_value) {
			kws[k].value = kws[k].name;
			continue;
		}
		if (i + 1 >= argc) {
			p_err("%s: keyword '%s' needs a value", cmd, kws[k].name);
			goto out;
		}
		kws[k].value = argv[++i];
	}
	ret = 0;
out:
	free(names);
	return ret;
}
