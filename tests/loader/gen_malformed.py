#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
"""Derive a corpus of malformed eBPF objects from good ones.

usage: gen_malformed.py OUTDIR MAPS_OBJ PROGS_OBJ GLOBALS_OBJ

MAPS_OBJ is tests/loader/maps.bpf.c compiled, PROGS_OBJ progs.bpf.c,
GLOBALS_OBJ globals.bpf.c. Each
targeted variant breaks one thing (truncation, header field, section table,
symbol, relocation, BTF, BTF.ext, map definition, code) and is listed in
OUTDIR/expected.tsv with a fragment of the error the loader must give.
Seeded random byte flips and truncations follow, listed with "*": they must
not crash and, when refused, must say why.
"""
import os
import random
import struct
import sys

SHT_REL = 9
SHT_NOTE = 7


class Obj:
    def __init__(self, data):
        self.b = bytearray(data)
        b = self.b
        self.shoff = struct.unpack_from("<Q", b, 40)[0]
        shnum = struct.unpack_from("<H", b, 60)[0]
        shstrndx = struct.unpack_from("<H", b, 62)[0]
        self.secs = []
        for i in range(shnum):
            hdr = self.shoff + i * 64
            f = struct.unpack_from("<IIQQQQIIQQ", b, hdr)
            self.secs.append(dict(idx=i, hdr=hdr, name_off=f[0], type=f[1], offset=f[4],
                                  size=f[5], link=f[6], info=f[7], entsize=f[9]))
        strtab = self.secs[shstrndx]
        for s in self.secs:
            s["name"] = self.cstr(strtab["offset"] + s["name_off"])
        self.symtab = next(s for s in self.secs if s["type"] == 2)
        self.strtab = self.secs[self.symtab["link"]]

    def cstr(self, off):
        end = self.b.index(0, off)
        return self.b[off:end].decode()

    def sec(self, name):
        return next(s for s in self.secs if s["name"] == name)

    def sym_off(self, name):
        """File offset of the symbol table entry of `name`."""
        st = self.symtab
        for i in range(1, st["size"] // 24):
            off = st["offset"] + i * 24
            if self.cstr(self.strtab["offset"] + struct.unpack_from("<I", self.b, off)[0]) == name:
                return off
        raise KeyError(name)

    def rel_of(self, target):
        """The relocation section applying to section `target`."""
        t = self.sec(target)
        return next(s for s in self.secs if s["type"] == SHT_REL and s["info"] == t["idx"])

    def btf_types(self):
        """(file offset, kind, vlen) of every BTF type record."""
        s = self.sec(".BTF")
        base = s["offset"]
        hdr_len, toff, tlen = struct.unpack_from("<III", self.b, base + 4)
        off = base + hdr_len + toff
        end = off + tlen
        extra = {1: 4, 3: 12, 14: 4, 17: 4}
        per = {4: 12, 5: 12, 6: 8, 13: 8, 15: 12, 19: 12}
        out = []
        while off < end:
            info = struct.unpack_from("<I", self.b, off + 4)[0]
            kind, vlen = (info >> 24) & 0x1f, info & 0xffff
            out.append((off, kind, vlen))
            off += 12 + extra.get(kind, 0) + per.get(kind, 0) * vlen
        return out


def put(b, fmt, off, val):
    struct.pack_into(fmt, b, off, val)
    return b


def variants_maps(o):
    """(name, expected fragment, bytes) for maps.bpf.o."""
    good = bytes(o.b)
    v = []

    def mod(name, expect, fn):
        b = bytearray(good)
        fn(b)
        v.append((name, expect, bytes(b)))

    v.append(("empty", "not an ELF file", b""))
    v.append(("trunc-3", "not an ELF file", good[:3]))
    v.append(("trunc-40", "ELF header truncated", good[:40]))
    v.append(("trunc-shdrs", "do not fit in the file", good[:len(good) - 1]))
    v.append(("trunc-before-shdrs", "section header table at offset", good[:o.shoff]))
    mod("bad-magic", "no ELF magic", lambda b: put(b, "B", 1, ord("X")))
    mod("elf32", "not a 64-bit ELF file", lambda b: put(b, "B", 4, 1))
    mod("big-endian", "big-endian ELF", lambda b: put(b, "B", 5, 2))
    mod("machine-x86", "not an eBPF object: e_machine is 62", lambda b: put(b, "<H", 18, 62))
    mod("type-exec", "not a relocatable object", lambda b: put(b, "<H", 16, 2))
    mod("shentsize", "e_shentsize is 32", lambda b: put(b, "<H", 58, 32))
    mod("shstrndx", "e_shstrndx 0 is not a string table", lambda b: put(b, "<H", 62, 0))
    btf = o.sec(".BTF")
    mod("sec-data-past-end", "section index %d: data at offset" % btf["idx"],
        lambda b: put(b, "<Q", btf["hdr"] + 24, len(good)))
    mod("sec-name-bad", "name offset 0xffffff is outside the section name table",
        lambda b: put(b, "<I", btf["hdr"], 0xffffff))
    mod("symtab-entsize", "symbol table entry size 16",
        lambda b: put(b, "<Q", o.symtab["hdr"] + 56, 16))
    mod("sym-name-bad", "name offset 0xfffffff is outside the string table",
        lambda b: put(b, "<I", o.sym_off("counters"), 0xfffffff))
    mod("sym-shndx-bad", "symbol 'counters' at offset", lambda b: put(b, "<H", o.sym_off("counters") + 6, 0x7000))
    rx = o.rel_of("xdp")
    mod("rel-sym-bad", "refers to symbol 65535", lambda b: put(b, "<I", rx["offset"] + 12, 0xffff))
    mod("rel-type-unknown", "unknown relocation type 99", lambda b: put(b, "<I", rx["offset"] + 8, 99))
    mod("rel-type-abs-in-code", "this relocation type is not valid in code",
        lambda b: put(b, "<I", rx["offset"] + 8, 2))
    mod("rel-sym-null", "relocation against an unknown symbol (index 0)",
        lambda b: put(b, "<I", rx["offset"] + 12, 0))
    first_rel_off = struct.unpack_from("<Q", good, rx["offset"])[0]
    mod("rel-offset-misaligned", "is not an instruction",
        lambda b: put(b, "<Q", rx["offset"], first_rel_off + 1))
    mod("rel-offset-past-end", "is not an instruction",
        lambda b: put(b, "<Q", rx["offset"], o.sec("xdp")["size"] + 64))
    xdp = o.sec("xdp")
    mod("rel-not-lddw", "is not a complete 64-bit immediate load",
        lambda b: put(b, "B", xdp["offset"] + first_rel_off, 0xb7))
    mod("no-btf", "BTF is required for BTF-defined maps",
        lambda b: put(b, "<I", btf["hdr"] + 4, SHT_NOTE))
    mod("btf-magic", "bad BTF magic", lambda b: put(b, "<H", btf["offset"], 0x1234))
    mod("btf-version", "unsupported BTF version 9", lambda b: put(b, "B", btf["offset"] + 2, 9))
    mod("btf-hdr-len", "BTF header length 65535", lambda b: put(b, "<I", btf["offset"] + 4, 0xffff))
    mod("btf-type-len", "type section (offset", lambda b: put(b, "<I", btf["offset"] + 12, 0x7fffffff))
    mod("btf-str-len", "string section (offset", lambda b: put(b, "<I", btf["offset"] + 20, 0x7fffffff))
    types = o.btf_types()
    t0 = types[0][0]
    mod("btf-kind", "type [1] at offset 0x%x: unknown kind 31" % (t0 - btf["offset"]),
        lambda b: put(b, "<I", t0 + 4, 31 << 24))
    mod("btf-name", "type [1]", lambda b: put(b, "<I", t0, 0x7ffffff0))
    ptr = next((i + 1, off) for i, (off, kind, _) in enumerate(types) if kind == 2)
    mod("btf-ref", "type [%d] PTR '(anon)' at offset 0x%x: referenced type_id 16777215 is out of range"
        % (ptr[0], ptr[1] - btf["offset"]), lambda b: put(b, "<I", ptr[1] + 8, 0xffffff))
    st = next((i + 1, off) for i, (off, kind, vlen) in enumerate(types) if kind == 4 and vlen > 0)
    mod("btf-member-type", "type [%d] STRUCT" % st[0], lambda b: put(b, "<I", st[1] + 16, 0xffffff))
    mod("btf-struct-size", "is past the end of the 1-byte type",
        lambda b: put(b, "<I", st[1] + 8, 1))
    ext = o.sec(".BTF.ext")
    hdr_len, fi_off = struct.unpack_from("<II", good, ext["offset"] + 4)
    fi = ext["offset"] + hdr_len + fi_off
    mod("btfext-magic", "bad BTF.ext header", lambda b: put(b, "<H", ext["offset"], 0))
    mod("btfext-recsize", "bad record size 3", lambda b: put(b, "<I", fi, 3))
    mod("btfext-secname", "section name offset 0xffffff", lambda b: put(b, "<I", fi + 4, 0xffffff))
    mod("btfext-num", "records of 8 bytes do not fit", lambda b: put(b, "<I", fi + 8, 0xffffff))
    mod("btfext-insn-off", "is not a multiple of 8", lambda b: put(b, "<I", fi + 12, 3))
    mp = o.sec(".maps")
    mod("maps-sym-past-end", "section '.maps' (index %d): symbol" % mp["idx"],
        lambda b: put(b, "<Q", mp["hdr"] + 32, mp["size"] - 8))
    lic = o.sec("license")
    mod("license-nonul", "license string at offset 0x0 is not NUL-terminated",
        lambda b: b.__setitem__(slice(lic["offset"], lic["offset"] + lic["size"]), b"A" * lic["size"]))
    mod("code-size", "is not a multiple of the 8-byte instruction size",
        lambda b: put(b, "<Q", xdp["hdr"] + 32, xdp["size"] - 4))
    mod("code-empty", "program section has no instructions",
        lambda b: put(b, "<Q", xdp["hdr"] + 32, 0))
    mod("func-size", "function 'entry' at offset",
        lambda b: put(b, "<Q", o.sym_off("entry") + 16, 0x100000))
    rm = o.rel_of(".maps")
    lic_sym = (o.sym_off("LICENSE") - o.symtab["offset"]) // 24
    mod("maps-values-target", "'LICENSE' is not a map defined in '.maps'",
        lambda b: put(b, "<I", rm["offset"] + 12, lic_sym))
    mod("maps-values-offset", "is not a slot of map 'outer_hash' 'values'",
        lambda b: put(b, "<Q", rm["offset"], mp["size"] - 8))
    return v


def variants_progs(o):
    good = bytes(o.b)
    v = []

    def mod(name, expect, fn):
        b = bytearray(good)
        fn(b)
        v.append((name, expect, bytes(b)))

    ver = o.sec("version")
    mod("version-size", "kernel version must be 4 bytes", lambda b: put(b, "<Q", ver["hdr"] + 32, 3))
    rx = o.rel_of("xdp")
    call_off = struct.unpack_from("<Q", good, rx["offset"])[0]
    xdp = o.sec("xdp")
    mod("call-target", "is outside '.text'", lambda b: put(b, "<i", xdp["offset"] + call_off + 4, 1000))
    mod("static-prog", "function 'xdp_first' at offset 0x0 is static",
        lambda b: put(b, "B", o.sym_off("xdp_first") + 4, 0x02))
    text = o.sec(".text")
    # twice: `call 2` (local, no relocation) to add3; make it land mid-function
    mod("call-mid-function", "which is not the start of a function",
        lambda b: put(b, "<i", text["offset"] + 4, 3))
    mod("call-outside-section", "outside the section",
        lambda b: put(b, "<i", text["offset"] + 4, 5000))
    return v


def variants_globals(o):
    good = bytes(o.b)
    v = []

    def mod(name, expect, fn):
        b = bytearray(good)
        fn(b)
        v.append((name, expect, bytes(b)))

    bss = o.sec(".bss")
    # .bss takes no file space: a huge size must be refused, not allocated
    mod("bss-huge", "is over the 64 MiB limit for global data",
        lambda b: put(b, "<Q", bss["hdr"] + 32, 0xf0000000))
    ro = o.sec(".rodata")
    mod("rodata-past-end", "data at offset",
        lambda b: put(b, "<Q", ro["hdr"] + 32, len(good)))
    rx = o.rel_of("xdp")
    mod("data-reloc-offset", "offset 1048576 is outside '.data' (size 0x8)",
        lambda b: put(b, "<i", o.sec("xdp")["offset"] + struct.unpack_from("<Q", good, rx["offset"])[0] + 4, 0x100000))
    return v


def random_variants(name, good, rng, count):
    v = []
    for i in range(count):
        b = bytearray(good)
        for _ in range(rng.randint(1, 4)):
            pos = rng.randrange(len(b))
            b[pos] = rng.choice([0, 0xff, rng.randrange(256), b[pos] ^ (1 << rng.randrange(8))])
        v.append(("%s-flip-%03d" % (name, i), "*", bytes(b)))
    for i in range(count // 4):
        v.append(("%s-cut-%03d" % (name, i), "*", good[:rng.randrange(len(good))]))
    return v


def main():
    if len(sys.argv) != 5:
        sys.exit(__doc__)
    out, maps_obj, progs_obj, globals_obj = sys.argv[1:]
    os.makedirs(out, exist_ok=True)
    with open(maps_obj, "rb") as f:
        m = Obj(f.read())
    with open(progs_obj, "rb") as f:
        p = Obj(f.read())
    with open(globals_obj, "rb") as f:
        g = Obj(f.read())
    rng = random.Random(20240611)
    allv = variants_maps(m) + variants_progs(p) + variants_globals(g)
    allv += random_variants("maps", bytes(m.b), rng, 120)
    allv += random_variants("progs", bytes(p.b), rng, 80)
    with open(os.path.join(out, "expected.tsv"), "w") as tsv:
        for name, expect, data in allv:
            with open(os.path.join(out, name + ".o"), "wb") as f:
                f.write(data)
            tsv.write("%s.o\t%s\n" % (name, expect))


if __name__ == "__main__":
    main()
