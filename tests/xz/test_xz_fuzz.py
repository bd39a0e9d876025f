"""libFuzzer on the hypervisor's xz decoder (tests/xz/fuzz_xz.c): ~20 s in
`make test`, 10 minutes under `make soak`. Seeds are real xz-utils output
made here; the corpus is kept in build/xz-tests/corpus between runs."""
import os
import random
import shutil
import subprocess

import pytest

from xz_build import HV, OUT, build

FUZZ_FLAGS = ["-g", "-O1", "-fsanitize=fuzzer,address,undefined",
              "-fno-sanitize-recover=undefined"]
SEED_OPTIONS = ["-0", "-6 -C crc64", "--x86 --lzma2=preset=6", "-1 -C none",
                "--block-size=700 -3", "--lzma2=preset=6,lc=0,lp=4,pb=0",
                "--lzma2=preset=6,dict=4KiB -C crc32"]


def sample_data(rng, size):
    words = [b"domain ", b"page ", b"xen ", b"\n", b"grant ", b"\xe8\x10\x00\x00\x00"]
    out = bytearray()
    while len(out) < size:
        out += rng.choice(words) if rng.random() < 0.8 else bytes([rng.randrange(256)])
    return bytes(out[:size])


def capacity_byte(size):
    """The fuzzer's first byte: exact capacity when small, else 512-byte steps."""
    if size <= 127:
        return (size << 1) | 1
    steps = (size + 511) >> 9
    return min(254, steps + (steps & 1))


def make_seeds(seed_dir):
    rng = random.Random(1)
    for i, options in enumerate(SEED_OPTIONS):
        plain = sample_data(rng, rng.choice([0, 60, 1500, 6000]))
        xz = subprocess.run(["xz", "-T1", "-c", *options.split()], input=plain,
                            capture_output=True, check=True).stdout
        cap = capacity_byte(len(plain))
        (seed_dir / f"stream{i}").write_bytes(bytes([cap, 0]) + xz)
        header_size = (xz[12] + 1) * 4
        if "x86" not in options and plain:
            # The block's LZMA2 data alone, for the raw LZMA2 mode (dict 8 KiB).
            (seed_dir / f"lzma2_{i}").write_bytes(bytes([cap, 1 | 2 << 2])
                                                  + xz[12 + header_size:])
        (seed_dir / f"bcj{i}").write_bytes(bytes([255, 2]) + plain[:4000])


def run_fuzzer(tmp_path, seconds):
    exe = build("clang", "fuzz_xz", f"{HV}/../tests/xz/fuzz_xz.c", FUZZ_FLAGS)
    seeds = tmp_path / "seeds"
    seeds.mkdir()
    make_seeds(seeds)
    corpus = os.path.join(OUT, "corpus")
    os.makedirs(corpus, exist_ok=True)
    artifacts = tmp_path / "crashes"
    artifacts.mkdir()
    result = subprocess.run(
        [exe, f"-max_total_time={seconds}", "-max_len=8192", "-timeout=10",
         "-rss_limit_mb=1024", f"-artifact_prefix={artifacts}/", corpus, str(seeds)],
        capture_output=True, text=True, timeout=seconds + 120)
    tail = "\n".join(result.stderr.splitlines()[-30:])
    crashes = list(artifacts.iterdir())
    for crash in crashes:
        shutil.copy(crash, OUT)
    assert result.returncode == 0 and not crashes, \
        f"fuzzer found a bug (inputs copied to {OUT}):\n{tail}"
    assert "Done" in result.stderr, tail
    print(tail.splitlines()[-1])


def test_fuzz_xz_short(tmp_path):
    run_fuzzer(tmp_path, 20)


@pytest.mark.soak
def test_fuzz_xz_soak(tmp_path):
    run_fuzzer(tmp_path, 600)
