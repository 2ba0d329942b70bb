lddw %r1, 0x1122334455667788
le16 %r1
le32 %r1
le64 %r1
be16 %r1
be32 %r1
be64 %r1
bswap16 %r1
bswap32 %r1
bswap64 %r1
movsx864 %r0, %r1
movsx1664 %r0, %r1
movsx3264 %r0, %r1
exit
