/* SPDX-License-Identifier: MIT */
/*
 * Lexical layer of the assembler: see asm_lex.h.
 *
 * Numbers are decimal or 0x-prefixed hex with an optional sign; their
 * magnitude is accumulated in a uint64_t with overflow detection, and each
 * operand kind then applies its own range rule (imm32: decimal int32 or hex
 * uint32; imm64: int64 or uint64; offsets: int16).
 */
#include <stdio.h>
#include <string.h>

#include "isa/asm_lex.h"

static bool is_blank(char c)
{
	return c == ' ' || c == '\t' || c == '\v' || c == '\f' || c == '\r' || c == '\n';
}

static bool is_digit(char c)
{
	return c >= '0' && c <= '9';
}

static int hex_val(char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}

static bool is_ident_start(char c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_';
}

static bool is_ident_char(char c)
{
	return is_ident_start(c) || is_digit(c) || c == '.';
}

const char *bh_asm_quote(const char *s, char *buf, size_t sz)
{
	size_t n = 0;

	for (; *s && n + 5 < sz; s++) {
		unsigned char ch = (unsigned char)*s;

		if (ch >= 0x20 && ch < 0x7f && ch != '\'' && ch != '\\')
			buf[n++] = (char)ch;
		else
			n += (size_t)snprintf(buf + n, sz - n, "\\x%02x", ch);
	}
	if (*s && sz >= 4) {
		if (n > sz - 4)
			n = sz - 4;
		memcpy(buf + n, "...", 3);
		n += 3;
	}
	buf[n < sz ? n : sz - 1] = '\0';
	return buf;
}

char *bh_asm_trim(char *s)
{
	size_t n;

	while (is_blank(*s))
		s++;
	n = strlen(s);
	while (n && is_blank(s[n - 1]))
		s[--n] = '\0';
	return s;
}

bool bh_asm_word(char **p, char *out, size_t sz)
{
	char *s = *p;
	size_t n = 0;

	while (is_blank(*s))
		s++;
	while (s[n] && !is_blank(s[n]))
		n++;
	if (n >= sz) {
		*p = s;
		return false;
	}
	memcpy(out, s, n);
	out[n] = '\0';
	s += n;
	while (is_blank(*s))
		s++;
	*p = s;
	return true;
}

char *bh_asm_label(char **s)
{
	char *p = *s, *name = p;

	if (!is_ident_start(*p))
		return NULL;
	while (is_ident_char(*p))
		p++;
	if (*p != ':' || p - name > BH_ASM_WORD_MAX)
		return NULL;
	*p = '\0';
	*s = p + 1;
	return name;
}

bool bh_asm_is_ident(const char *s)
{
	size_t n = 0;

	if (!is_ident_start(*s))
		return false;
	while (is_ident_char(s[n]))
		n++;
	return !s[n] && n <= BH_ASM_WORD_MAX;
}

int bh_asm_split(char *s, char **ops, int max)
{
	int n = 0;

	s = bh_asm_trim(s);
	if (!*s)
		return 0;
	for (;;) {
		char *comma = strchr(s, ',');
		char *op;

		if (comma)
			*comma = '\0';
		op = bh_asm_trim(s);
		if (!*op)
			return -(n + 1);
		if (n < max)
			ops[n] = op;
		n++;
		if (!comma)
			return n;
		s = comma + 1;
	}
}

enum bh_asm_status bh_asm_parse_reg(const char *s, uint8_t *reg)
{
	unsigned v = 0;
	size_t n = 0;

	if (s[0] != '%' || s[1] != 'r' || !is_digit(s[2]))
		return BH_ASM_SYNTAX;
	for (s += 2; is_digit(s[n]); n++) {
		if (v < 1000)
			v = v * 10 + (unsigned)(s[n] - '0');
	}
	if (s[n])
		return BH_ASM_SYNTAX;
	if ((n > 1 && s[0] == '0') || v > 10)
		return BH_ASM_RANGE;
	*reg = (uint8_t)v;
	return BH_ASM_OK;
}

/*
 * Unsigned number (decimal or 0x hex) at *p: magnitude in *mag, advances *p.
 * SYNTAX if there are no digits, RANGE on uint64 overflow.
 */
static enum bh_asm_status lex_unsigned(const char **p, uint64_t *mag, bool *hex)
{
	const char *s = *p;
	bool over = false;
	uint64_t v = 0;
	size_t n = 0;

	*hex = s[0] == '0' && (s[1] == 'x' || s[1] == 'X');
	if (*hex) {
		s += 2;
		for (; hex_val(s[n]) >= 0; n++) {
			if (v >> 60)
				over = true;
			v = v << 4 | (uint64_t)hex_val(s[n]);
		}
	} else {
		for (; is_digit(s[n]); n++) {
			unsigned d = (unsigned)(s[n] - '0');

			if (v > (UINT64_MAX - d) / 10)
				over = true;
			v = v * 10 + d;
		}
	}
	if (!n)
		return BH_ASM_SYNTAX;
	*p = s + n;
	*mag = v;
	return over ? BH_ASM_RANGE : BH_ASM_OK;
}

/* Whole string: [+-]number. */
static enum bh_asm_status lex_signed(const char *s, bool *neg, uint64_t *mag, bool *hex)
{
	enum bh_asm_status st;

	*neg = *s == '-';
	if (*s == '-' || *s == '+')
		s++;
	st = lex_unsigned(&s, mag, hex);
	if (st == BH_ASM_SYNTAX)
		return st;
	/* trailing junk makes it not a number at all ("12abc", "0x1g") */
	if (*s)
		return BH_ASM_SYNTAX;
	return st;
}

enum bh_asm_status bh_asm_parse_imm32(const char *s, int32_t *v)
{
	enum bh_asm_status st;
	uint64_t mag;
	bool neg, hex;

	st = lex_signed(s, &neg, &mag, &hex);
	if (st)
		return st;
	if (neg) {
		if (mag > 0x80000000ull)
			return BH_ASM_RANGE;
		*v = (int32_t)(-(int64_t)mag);
	} else {
		if (mag > (hex ? 0xffffffffull : 0x7fffffffull))
			return BH_ASM_RANGE;
		*v = (int32_t)(uint32_t)mag;
	}
	return BH_ASM_OK;
}

enum bh_asm_status bh_asm_parse_imm64(const char *s, uint64_t *v)
{
	enum bh_asm_status st;
	uint64_t mag;
	bool neg, hex;

	st = lex_signed(s, &neg, &mag, &hex);
	if (st)
		return st;
	if (neg) {
		if (mag > (1ull << 63))
			return BH_ASM_RANGE;
		*v = 0 - mag;
	} else {
		*v = mag;
	}
	return BH_ASM_OK;
}

enum bh_asm_status bh_asm_parse_rel(const char *s, long long *v)
{
	enum bh_asm_status st;
	uint64_t mag;
	bool neg, hex;

	st = lex_signed(s, &neg, &mag, &hex);
	if (st)
		return st;
	if (mag >= (1ull << 62))
		return BH_ASM_RANGE;
	*v = neg ? -(long long)mag : (long long)mag;
	return BH_ASM_OK;
}

enum bh_asm_status bh_asm_parse_mem(const char *s, uint8_t *reg, int16_t *off)
{
	char rbuf[16];
	enum bh_asm_status st;
	uint64_t mag = 0;
	size_t n = 0;
	bool neg = false, hex;

	if (*s++ != '[')
		return BH_ASM_SYNTAX;
	while (is_blank(*s))
		s++;
	while (s[n] && !is_blank(s[n]) && s[n] != '+' && s[n] != '-' && s[n] != ']')
		n++;
	if (!n || n >= sizeof(rbuf))
		return BH_ASM_SYNTAX;
	memcpy(rbuf, s, n);
	rbuf[n] = '\0';
	st = bh_asm_parse_reg(rbuf, reg);
	if (st)
		return st == BH_ASM_RANGE ? BH_ASM_BADREG : BH_ASM_SYNTAX;
	s += n;
	while (is_blank(*s))
		s++;
	if (*s == '+' || *s == '-') {
		neg = *s++ == '-';
		while (is_blank(*s))
			s++;
		st = lex_unsigned(&s, &mag, &hex);
		if (st == BH_ASM_SYNTAX)
			return st;
		while (is_blank(*s))
			s++;
		if (*s != ']' || s[1])
			return BH_ASM_SYNTAX;
		if (st == BH_ASM_RANGE || mag > (neg ? 32768u : 32767u))
			return BH_ASM_RANGE;
	}
	if (*s != ']' || s[1])
		return BH_ASM_SYNTAX;
	*off = (int16_t)(neg ? -(int32_t)mag : (int32_t)mag);
	return BH_ASM_OK;
}
