// SPDX-License-Identifier: MIT
/*
 * Loader test object: a known set of BTF types covering every kind clang 14
 * emits (INT, PTR, ARRAY, STRUCT with bitfields, UNION, ENUM, FWD, TYPEDEF,
 * VOLATILE, CONST, RESTRICT, FUNC, FUNC_PROTO, VAR, DATASEC, FLOAT,
 * DECL_TAG, TYPE_TAG). The dump of its BTF is compared with a fixed text.
 */
#define __tag(x) __attribute__((btf_decl_tag(x)))
#define __ttag(x) __attribute__((btf_type_tag(x)))

struct opaque;
typedef unsigned int u32_t;
enum color { RED = 1, GREEN = -2, BLUE = 0x7fffffff };

struct flags {
	unsigned int a : 3;
	unsigned int b : 5;
	int c;
	union {
		short s;
		char bytes[2];
	} u;
	struct opaque *op;
	union {
		int x;
		unsigned int y;
	};
} __tag("struct_tag");

volatile float ratio;
const double scale = 2.5;
struct flags all_flags[2] __tag("var_tag");
enum color current_color;
int __ttag("user") * tagged_ptr;

static __attribute__((noinline)) int helper(int x)
{
	return x ^ 5;
}

__attribute__((noinline)) int process(struct flags *restrict f __tag("arg_tag"),
				      const volatile u32_t *cnt)
{
	return f->a + f->b + *cnt;
}

__attribute__((section("tp/test"), used)) int entry(void *ctx)
{
	u32_t n = (u32_t)current_color;

	return process(&all_flags[0], &n) + (tagged_ptr ? 1 : 0) +
	       ((const void *)&ratio != (const void *)&scale) + helper(n);
}

char _license[] __attribute__((section("license"), used)) = "GPL";
