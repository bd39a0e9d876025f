"""Initramfs images with extra files: a base image (dom0's, or a guest's)
plus one more cpio archive appended. Linux unpacks every archive of a
concatenated initramfs in turn, so the base image is never rebuilt."""
import gzip
import os


def newc_record(name, mode, data=b""):
    """One cpio 'newc' record (the initramfs format), padded to 4 bytes."""
    fields = [0, mode, 0, 0, 1, 0, len(data), 0, 0, 0, 0, len(name) + 1, 0]
    header = b"070701" + b"".join(b"%08X" % f for f in fields)
    record = header + name.encode() + b"\0"
    record += b"\0" * (-len(record) % 4)
    return record + data + b"\0" * (-len(data) % 4)


def newc_archive(files):
    """FILES: {"/path/in/image": bytes, str or (bytes/str, mode)}; parent
    directories are made. Mode defaults to 0644."""
    dirs, records = set(), []
    for path in sorted(files):
        name = path.lstrip("/")
        parts = name.split("/")[:-1]
        for i in range(1, len(parts) + 1):
            d = "/".join(parts[:i])
            if d not in dirs:
                dirs.add(d)
                records.append(newc_record(d, 0o40755))
        data, mode = files[path] if isinstance(files[path], tuple) else (files[path], 0o644)
        if isinstance(data, str):
            data = data.encode()
        records.append(newc_record(name, 0o100000 | mode, data))
    records.append(newc_record("TRAILER!!!", 0))
    return b"".join(records)


def appended_bytes(base_bytes, files, compresslevel=6):
    """BASE_BYTES (an image already read) with FILES appended as one more archive."""
    return base_bytes + gzip.compress(newc_archive(files), compresslevel=compresslevel)


def image_with_files(base, files, out, compresslevel=6):
    """Writes OUT: the image at BASE plus FILES (see newc_archive); returns OUT."""
    if not os.path.exists(base):
        raise FileNotFoundError(f"{base} is missing: run make")
    with open(base, "rb") as f:
        data = appended_bytes(f.read(), files, compresslevel)
    os.makedirs(os.path.dirname(os.path.abspath(str(out))), exist_ok=True)
    with open(out, "wb") as f:
        f.write(data)
    return str(out)


def read_bytes(path):
    with open(path, "rb") as f:
        return f.read()
