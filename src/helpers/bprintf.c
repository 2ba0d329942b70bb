/* SPDX-License-Identifier: MIT */
/*
 * Format strings of bpf_trace_printk, bpf_trace_vprintk and bpf_snprintf.
 *
 * Linux accepts a deliberately small printf subset and checks it before
 * printing anything; we follow its rules (kernel bpf_bprintf_prepare, as
 * documented in bpf-helpers(7) and exercised by the kernel selftests):
 *
 *  - the format ends at its first NUL, which must lie within fmt_size;
 *    ASCII control characters other than white space are refused, bytes
 *    >= 0x80 are accepted in plain text but not right after '%';
 *  - a specifier is '%' [flags from "0+- "] [width: [1-9][0-9]*] then one
 *    of: d i u x X (with l or ll for 64 bits; without, the argument is cut
 *    to 32 bits), c, s, p. No precision, no '#', no '*';
 *  - %p alone (followed by NUL, white space or punctuation) prints the
 *    address; %pK %px print it, %ps %pS %pB print "0x" and 16 hex digits
 *    (the kernel's form for an address without a symbol); %pks %pus read a
 *    string like %s; %pI4 %pi4 %pI6 %pi6 read 4/16 bytes and print an IP
 *    address ("1.2.3.4", "001.002.003.004", eight 4-digit groups with ':',
 *    32 digits). Other letters after %p are refused;
 *  - %s (and %pks/%pus) must be followed by NUL, white space or
 *    punctuation. Strings and addresses are read with fault-safe copies: an
 *    unreadable %s prints as the empty string, an unreadable IP as zeros;
 *  - more specifiers than arguments: -EINVAL. Converted arguments share
 *    BH_BPRINTF_ARG_BYTES bytes (integers 4 or 8 bytes, 4-aligned; strings
 *    with their NUL, truncated to what is left): when an argument does not
 *    fit, -ENOSPC.
 *
 * Two passes, as in Linux: the first validates the whole format and
 * converts every argument (copying strings), the second prints. Nothing is
 * written when the first pass fails.
 */
#include <errno.h>
#include <limits.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>

#include "helpers/helpers.h"

/* Linux's limit on a field width (vsprintf FIELD_WIDTH_MAX) */
#define WIDTH_MAX ((1u << 23) - 1)

struct spec {
	bool left, plus, space, zero, has_width;
	uint32_t width;
	char conv;    /* d i u x X c s p, or 'I' for an IP address */
	uint8_t size; /* 4 or 8: bytes of an integer argument */
	char ptype;   /* for 'p': 0 plain/K/x, 'S' symbol forms; for 'I': 'i' or 'I' */
	char ipver;   /* '4' or '6' */
};

struct arg {
	uint64_t val;
	uint16_t off; /* strings: where in the argument buffer */
	uint16_t len;
};

struct prep {
	char buf[BH_BPRINTF_ARG_BYTES];
	size_t used;
	struct arg a[BH_BPRINTF_MAX_ARGS];
};

static bool is_space(unsigned char c)
{
	return c == ' ' || (c >= '\t' && c <= '\r');
}

static bool is_punct(unsigned char c)
{
	return (c >= '!' && c <= '/') || (c >= ':' && c <= '@') || (c >= '[' && c <= '`') ||
	       (c >= '{' && c <= '~');
}

static bool ends_string_spec(char c)
{
	return c == 0 || is_space((unsigned char)c) || is_punct((unsigned char)c);
}

/*
 * Parse the specifier whose first character (after '%', not a second '%')
 * is fmt[*pi]; fmt is NUL-terminated. On success *pi is the index of its
 * last character.
 */
static int parse_spec(const char *fmt, size_t *pi, struct spec *sp)
{
	size_t i = *pi;
	char c;

	memset(sp, 0, sizeof(*sp));
	if ((unsigned char)fmt[i] >= 0x80)
		return -EINVAL;
	for (;; i++) {
		if (fmt[i] == '0')
			sp->zero = true;
		else if (fmt[i] == '+')
			sp->plus = true;
		else if (fmt[i] == '-')
			sp->left = true;
		else if (fmt[i] == ' ')
			sp->space = true;
		else
			break;
	}
	if (fmt[i] >= '1' && fmt[i] <= '9') {
		sp->has_width = true;
		for (; fmt[i] >= '0' && fmt[i] <= '9'; i++) {
			sp->width = sp->width * 10 + (uint32_t)(fmt[i] - '0');
			if (sp->width > WIDTH_MAX)
				sp->width = WIDTH_MAX;
		}
	}

	c = fmt[i];
	if (c == 'p') {
		char n1 = fmt[i + 1];

		sp->conv = 'p';
		sp->size = 8;
		if (ends_string_spec(n1)) {
			/* plain %p: the next character is ordinary text */
		} else if ((n1 == 'k' || n1 == 'u') && fmt[i + 2] == 's') {
			sp->conv = 's';
			i += 2;
			if (!ends_string_spec(fmt[i + 1]))
				return -EINVAL;
		} else if (n1 == 'K' || n1 == 'x') {
			i++;
		} else if (n1 == 's' || n1 == 'S' || n1 == 'B') {
			sp->ptype = 'S';
			i++;
		} else if ((n1 == 'i' || n1 == 'I') && (fmt[i + 2] == '4' || fmt[i + 2] == '6')) {
			sp->conv = 'I';
			sp->ptype = n1;
			sp->ipver = fmt[i + 2];
			i += 2;
		} else {
			return -EINVAL;
		}
	} else if (c == 's') {
		sp->conv = 's';
		if (!ends_string_spec(fmt[i + 1]))
			return -EINVAL;
	} else if (c == 'c') {
		sp->conv = 'c';
	} else {
		sp->size = 4;
		if (c == 'l') {
			sp->size = 8;
			c = fmt[++i];
			if (c == 'l')
				c = fmt[++i];
		}
		if (c != 'd' && c != 'i' && c != 'u' && c != 'x' && c != 'X')
			return -EINVAL;
		sp->conv = c;
	}
	*pi = i;
	return 0;
}

static int format_ip(char *dst, size_t room, const struct spec *sp, const uint8_t *ip)
{
	int n = 0;

	if (sp->ipver == '4') {
		const char *f = sp->ptype == 'i' ? "%03u.%03u.%03u.%03u" : "%u.%u.%u.%u";

		return snprintf(dst, room, f, ip[0], ip[1], ip[2], ip[3]);
	}
	for (int g = 0; g < 8; g++) {
		const char *f = sp->ptype == 'i' || g == 0 ? "%02x%02x" : ":%02x%02x";
		size_t at = (size_t)n < room ? (size_t)n : room;

		n += snprintf(dst + at, room - at, f, ip[2 * g], ip[2 * g + 1]);
	}
	return n;
}

/* Convert one argument into the argument buffer (Linux's space rules). */
static int prepare_arg(struct prep *p, const struct spec *sp, uint64_t raw, struct arg *a)
{
	size_t room;

	a->val = raw;
	if (sp->conv == 's' || sp->conv == 'c') {
		long n;

		if (p->used == sizeof(p->buf))
			return -ENOSPC;
		if (sp->conv == 'c') {
			p->used++;
			return 0;
		}
		n = bh_probe_read_str(p->buf + p->used, (const void *)(uintptr_t)raw,
				      sizeof(p->buf) - p->used);
		if (n < 0)
			n = 1; /* unreadable: empty string */
		a->off = (uint16_t)p->used;
		a->len = (uint16_t)(n - 1);
		p->used += (size_t)n;
		return 0;
	}
	if (sp->conv == 'I') {
		uint8_t ip[16];
		size_t need = sp->ipver == '4' ? 4 : 16;
		int n;

		if (sizeof(p->buf) - p->used < need)
			return -ENOSPC;
		if (bh_probe_read(ip, (const void *)(uintptr_t)raw, need))
			memset(ip, 0, sizeof(ip));
		room = sizeof(p->buf) - p->used;
		n = format_ip(p->buf + p->used, room, sp, ip);
		if ((size_t)n >= room)
			n = (int)room - 1;
		a->off = (uint16_t)p->used;
		a->len = (uint16_t)n;
		p->used += (size_t)n + 1;
		return 0;
	}
	/* integers and pointers */
	p->used = (p->used + 3) & ~(size_t)3;
	if (p->used > sizeof(p->buf) || sizeof(p->buf) - p->used < sp->size)
		return -ENOSPC;
	p->used += sp->size;
	return 0;
}

/* First pass: check the format, convert the arguments. */
static int prepare(struct prep *p, const char *fmt, size_t len, const uint64_t *args,
		   uint32_t nr_args)
{
	uint32_t nspec = 0;
	struct spec sp;
	int err;

	p->used = 0;
	for (size_t i = 0; i < len; i++) {
		unsigned char c = (unsigned char)fmt[i];

		if (c < 0x80 && !(c >= 0x20 && c <= 0x7e) && !is_space(c))
			return -EINVAL;
		if (c != '%')
			continue;
		if (fmt[i + 1] == '%') {
			i++;
			continue;
		}
		if (nspec >= nr_args)
			return -EINVAL;
		i++;
		err = parse_spec(fmt, &i, &sp);
		if (err)
			return err;
		err = prepare_arg(p, &sp, args[nspec], &p->a[nspec]);
		if (err)
			return err;
		nspec++;
	}
	return 0;
}

struct out {
	char *buf;
	size_t size;
	size_t len; /* bytes the whole output needs (may exceed size) */
};

static void out_mem(struct out *o, const char *s, size_t n)
{
	if (o->size && o->len < o->size - 1) {
		size_t room = o->size - 1 - o->len;

		memcpy(o->buf + o->len, s, n < room ? n : room);
	}
	o->len += n;
}

static void out_fill(struct out *o, char c, size_t n)
{
	if (o->size && o->len < o->size - 1) {
		size_t room = o->size - 1 - o->len;

		memset(o->buf + o->len, c, n < room ? n : room);
	}
	o->len += n;
}

/* A string field: padded with spaces to the width. */
static void out_field(struct out *o, const struct spec *sp, const char *s, size_t n)
{
	size_t pad = sp->width > n ? sp->width - n : 0;

	if (!sp->left)
		out_fill(o, ' ', pad);
	out_mem(o, s, n);
	if (sp->left)
		out_fill(o, ' ', pad);
}

static void out_number(struct out *o, const struct spec *sp, uint64_t v)
{
	const char *dig = sp->conv == 'X' ? "0123456789ABCDEF" : "0123456789abcdef";
	unsigned base = sp->conv == 'x' || sp->conv == 'X' ? 16 : 10;
	char tmp[24];
	size_t nd = 0, len, pad;
	char sign = 0;

	if (sp->conv == 'd' || sp->conv == 'i') {
		int64_t s = sp->size == 4 ? (int64_t)(int32_t)v : (int64_t)v;

		if (s < 0) {
			sign = '-';
			v = 0 - (uint64_t)s;
		} else {
			v = (uint64_t)s;
			if (sp->plus)
				sign = '+';
			else if (sp->space)
				sign = ' ';
		}
	} else if (sp->size == 4) {
		v = (uint32_t)v;
	}
	do {
		tmp[sizeof(tmp) - ++nd] = dig[v % base];
		v /= base;
	} while (v);

	len = nd + (sign != 0);
	pad = sp->width > len ? sp->width - len : 0;
	if (!sp->left && !sp->zero)
		out_fill(o, ' ', pad);
	if (sign)
		out_mem(o, &sign, 1);
	if (!sp->left && sp->zero)
		out_fill(o, '0', pad);
	out_mem(o, tmp + sizeof(tmp) - nd, nd);
	if (sp->left)
		out_fill(o, ' ', pad);
}

static void out_spec(struct out *o, const struct prep *p, const struct spec *sp,
		     const struct arg *a)
{
	struct spec num;
	char tmp[24];
	int n;

	switch (sp->conv) {
	case 's':
	case 'I':
		out_field(o, sp, p->buf + a->off, a->len);
		break;
	case 'c':
		tmp[0] = (char)(uint8_t)a->val;
		out_field(o, sp, tmp, 1);
		break;
	case 'p':
		if (sp->ptype == 'S') {
			n = snprintf(tmp, sizeof(tmp), "0x%016llx", (unsigned long long)a->val);
			out_field(o, sp, tmp, (size_t)n);
			break;
		}
		num = *sp;
		num.conv = 'x';
		if (!num.has_width) {
			num.width = 16;
			num.zero = true;
		}
		out_number(o, &num, a->val);
		break;
	default:
		out_number(o, sp, a->val);
		break;
	}
}

int bh_bprintf(char *buf, size_t size, const char *fmt, size_t fmt_size, const uint64_t *args,
	       uint32_t nr_args)
{
	struct out o = { .buf = buf, .size = buf ? size : 0 };
	const char *end;
	struct prep p;
	struct spec sp;
	uint32_t nspec = 0;
	size_t len, lit = 0;
	int err;

	if (!fmt || nr_args > BH_BPRINTF_MAX_ARGS || (nr_args && !args))
		return -EINVAL;
	end = memchr(fmt, 0, fmt_size);
	if (!end)
		return -EINVAL;
	len = (size_t)(end - fmt);
	err = prepare(&p, fmt, len, args, nr_args);
	if (err)
		return err;

	for (size_t i = 0; i < len; i++) {
		if (fmt[i] != '%')
			continue;
		out_mem(&o, fmt + lit, i - lit);
		if (fmt[i + 1] == '%') {
			out_mem(&o, "%", 1);
			i++;
		} else {
			i++;
			parse_spec(fmt, &i, &sp); /* checked by prepare() */
			out_spec(&o, &p, &sp, &p.a[nspec++]);
		}
		lit = i + 1;
	}
	out_mem(&o, fmt + lit, len - lit);
	if (o.size)
		o.buf[o.len < o.size ? o.len : o.size - 1] = 0;
	return o.len > INT_MAX ? INT_MAX : (int)o.len;
}
