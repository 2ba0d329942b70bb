# SPDX-License-Identifier: MIT
# A loop that never ends.
# kernel: refuse infinite loop
mov %r0, 0
loop:
ja loop
