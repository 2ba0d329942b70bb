# SPDX-License-Identifier: MIT
# Division by an immediate zero (a register zero is allowed).
# kernel: refuse div by zero
ldxb %r0, [%r1+0]
div %r0, 0
exit
