/* SPDX-License-Identifier: MIT */
/*
 * Lexical helpers of the assembler (asm_lex.c): words, labels, operand
 * splitting and the parsers of registers, numbers, memory operands and
 * relative targets. They work on NUL-terminated, comment-free line copies
 * and never report themselves: they return a status the assembler turns into
 * a message naming the operand.
 */
#ifndef BH_ISA_ASM_LEX_H
#define BH_ISA_ASM_LEX_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* Longest mnemonic word or label the assembler accepts. */
#define BH_ASM_WORD_MAX 63

enum bh_asm_status {
	BH_ASM_OK = 0,
	BH_ASM_SYNTAX, /* not the expected kind of operand */
	BH_ASM_RANGE,  /* right kind, value does not fit */
	BH_ASM_BADREG, /* memory operand with an invalid register */
};

/* Printable copy of s in buf: escapes non-printables, truncates with "...". */
const char *bh_asm_quote(const char *s, char *buf, size_t sz);
/* Strip leading and trailing blanks in place. */
char *bh_asm_trim(char *s);
/*
 * Copy the next blank-delimited word at *p into out and advance past it and
 * the blanks after it. out is "" at the end of the line. False if the word
 * does not fit (then *p is not advanced).
 */
bool bh_asm_word(char **p, char *out, size_t sz);
/*
 * If *s starts with "identifier:", terminate the identifier, move *s past
 * the colon and return the identifier; else NULL.
 */
char *bh_asm_label(char **s);
/* An identifier: [A-Za-z_][A-Za-z0-9_.]*, at most BH_ASM_WORD_MAX chars. */
bool bh_asm_is_ident(const char *s);
/*
 * Split s at commas into trimmed operands (at most max are stored). Returns
 * the operand count, or -(N) when operand N (1-based) is empty.
 */
int bh_asm_split(char *s, char **ops, int max);

/* %r0..%r10 */
enum bh_asm_status bh_asm_parse_reg(const char *s, uint8_t *reg);
/* decimal int32, or 0x hex up to 0xffffffff (reinterpreted as int32) */
enum bh_asm_status bh_asm_parse_imm32(const char *s, int32_t *v);
/* decimal int64 or uint64, or 0x hex up to 64 bits */
enum bh_asm_status bh_asm_parse_imm64(const char *s, uint64_t *v);
/* [%rN], [%rN+off], [%rN-off]; off decimal or hex, must fit int16 */
enum bh_asm_status bh_asm_parse_mem(const char *s, uint8_t *reg, int16_t *off);
/* +N, -N or N (decimal or hex); |N| below 2^62 */
enum bh_asm_status bh_asm_parse_rel(const char *s, long long *v);

#endif /* BH_ISA_ASM_LEX_H */
