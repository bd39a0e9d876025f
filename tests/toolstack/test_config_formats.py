"""xl.cfg and libvirt XML describing the same domain print the same
normalized config, and the normalized form is itself a valid xl.cfg."""
import pathlib

from toolstack_cli import REPO, run_lintel

EXAMPLES = REPO / "config" / "examples"


def localized(example, guest_files):
    """The example with its dom0 paths (/boot/...) pointing at real files here."""
    text = example.read_text().replace("/boot/", f"{guest_files}/")
    copy = guest_files / example.name
    copy.write_text(text)
    return copy


def check(lintel, path, cwd):
    result = run_lintel(lintel, "check-config", path, cwd=cwd)
    assert result.returncode == 0, result.stderr
    assert result.stderr == ""
    return result.stdout


def test_example_cfg_and_xml_describe_the_same_domain(lintel, guest_files):
    from_cfg = check(lintel, localized(EXAMPLES / "debian-pv.cfg", guest_files), guest_files)
    from_xml = check(lintel, localized(EXAMPLES / "debian-pv.xml", guest_files), guest_files)
    assert from_cfg == from_xml
    assert 'name = "debian-pv"\n' in from_cfg
    assert "memory = 256\nmaxmem = 512\nvcpus = 1\nmaxvcpus = 2\n" in from_cfg
    assert 'cmdline = "root=/dev/ram0 console=hvc0 earlyprintk=xen"\n' in from_cfg
    assert "disk = []\nvif = []\n" in from_cfg


def test_normalized_output_is_a_fixed_point(lintel, guest_files):
    first = check(lintel, localized(EXAMPLES / "debian-pv.cfg", guest_files), guest_files)
    again = guest_files / "normalized.cfg"
    again.write_text(first)
    assert check(lintel, again, guest_files) == first


def test_devices_and_units_agree_across_formats(lintel, guest_files):
    (guest_files / "d.cfg").write_text(
        'name = "db"\nkernel = "vmlinuz"\nramdisk = "initrd.img"\n'
        'memory = 1024\nvcpus = 2\ncpus = "0-1,3"\ncpu_weight = 512\n'
        'on_crash = "preserve"\n'
        "disk = [ '/srv/db.img,raw,xvda,rw',\n"
        "         'format=raw, vdev=xvdb, access=ro, target=/srv/a,b.iso' ]\n"
        "vif = [ 'mac=00:16:3e:00:00:02,bridge=br1' ]\n")
    (guest_files / "d.xml").write_text(
        "<domain type='xen'>\n  <name>db</name>\n"
        "  <memory unit='GiB'>1</memory>\n"
        "  <currentMemory>1048576</currentMemory>\n"
        "  <vcpu cpuset='0-1,3'>2</vcpu>\n"
        "  <os><type>linux</type><kernel>vmlinuz</kernel>"
        "<initrd>initrd.img</initrd></os>\n"
        "  <on_crash>preserve</on_crash>\n"
        "  <cputune><shares>512</shares></cputune>\n"
        "  <devices>\n"
        "    <disk type='file' device='disk'><driver name='qemu' type='raw'/>"
        "<source file='/srv/db.img'/><target dev='xvda' bus='xen'/></disk>\n"
        "    <disk type='file'><source file='/srv/a,b.iso'/><target dev='xvdb'/>"
        "<readonly/></disk>\n"
        "    <interface type='bridge'><mac address='00:16:3e:00:00:02'/>"
        "<source bridge='br1'/></interface>\n"
        "  </devices>\n</domain>\n")
    from_cfg = check(lintel, "d.cfg", guest_files)
    assert check(lintel, "d.xml", guest_files) == from_cfg
    assert ("disk = [ 'format=raw, vdev=xvda, access=rw, target=/srv/db.img', "
            "'format=raw, vdev=xvdb, access=ro, target=/srv/a,b.iso' ]\n") in from_cfg
    assert 'cpus = "0-1,3"\n' in from_cfg
    assert 'on_crash = "preserve"\n' in from_cfg
