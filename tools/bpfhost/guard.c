/* SPDX-License-Identifier: MIT */
/*
 * Fault guard for program runs.
 *
 * The stand-alone engine does not check a program's memory accesses (the
 * runtime verifies programs at load, but a run is guarded there too, as a
 * last line of defence), so `prog run` executes a program under this guard: SIGSEGV, SIGBUS, SIGFPE and SIGILL raised
 * while fn runs jump back here (on an alternate stack, so that even a
 * stack overflow is caught) and become an error naming the address,
 * instead of killing the tool. The previous handlers and stack are put
 * back afterwards. Whatever fn was doing is abandoned half-way: after a
 * fault the caller reports and exits without further cleanup.
 */
#include <errno.h>
#include <setjmp.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>

#include "main.h"

static sigjmp_buf fault_jmp;
static volatile sig_atomic_t fault_sig;
static void *volatile fault_addr;

static void on_fault(int sig, siginfo_t *si, void *uctx)
{
	fault_sig = sig;
	fault_addr = si ? si->si_addr : NULL;
	siglongjmp(fault_jmp, 1);
}

static const int fault_signals[] = { SIGSEGV, SIGBUS, SIGFPE, SIGILL };
#define NR_FAULT_SIGNALS (sizeof(fault_signals) / sizeof(fault_signals[0]))

struct guard {
	struct sigaction old[NR_FAULT_SIGNALS];
	stack_t old_stack;
	void *stack;
};

static int guard_install(struct guard *g)
{
	struct sigaction sa;
	stack_t st;
	size_t i;

	memset(&sa, 0, sizeof(sa));
	sa.sa_sigaction = on_fault;
	sa.sa_flags = SA_SIGINFO | SA_ONSTACK;
	sigemptyset(&sa.sa_mask);
	g->stack = malloc(SIGSTKSZ * 4);
	if (!g->stack)
		return -1;
	st.ss_sp = g->stack;
	st.ss_size = SIGSTKSZ * 4;
	st.ss_flags = 0;
	if (sigaltstack(&st, &g->old_stack)) {
		free(g->stack);
		return -1;
	}
	for (i = 0; i < NR_FAULT_SIGNALS; i++)
		sigaction(fault_signals[i], &sa, &g->old[i]);
	return 0;
}

static void guard_remove(struct guard *g)
{
	size_t i;

	for (i = 0; i < NR_FAULT_SIGNALS; i++)
		sigaction(fault_signals[i], &g->old[i], NULL);
	sigaltstack(&g->old_stack, NULL);
	free(g->stack);
}

int run_guarded(int (*fn)(void *arg), void *arg, struct run_fault *fault)
{
	static struct guard g;
	int ret;

	if (guard_install(&g)) {
		p_err("cannot install the fault guard: %s", strerror(errno));
		return -ENOMEM;
	}
	if (sigsetjmp(fault_jmp, 1)) {
		guard_remove(&g);
		fault->sig = fault_sig;
		fault->addr = fault_addr;
		return RUN_FAULTED;
	}
	ret = fn(arg);
	guard_remove(&g);
	return ret;
}

const char *fault_desc(int sig)
{
	switch (sig) {
	case SIGSEGV:
		return "an invalid memory access";
	case SIGBUS:
		return "a misaligned or out-of-object memory access";
	case SIGFPE:
		return "an arithmetic fault";
	default:
		return "an illegal instruction fault";
	}
}
