/* Unit tests for dom0-tools/config: value syntax, xl.cfg, libvirt XML, rules. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "config_values.h"
#include "cpu_set.h"
#include "device_spec.h"
#include "domain_config.h"
#include "libvirt_xml.h"
#include "xl_cfg.h"
#include "public/sched.h"

static char kernel_path[] = "/tmp/lintel-test-kernel-XXXXXX";

static int make_kernel_file(void **state)
{
    int fd = mkstemp(kernel_path);

    (void)state;
    if (fd < 0)
        return -1;
    if (write(fd, "kernel", 6) != 6) {
        close(fd);
        return -1;
    }
    close(fd);
    return 0;
}

static int remove_kernel_file(void **state)
{
    (void)state;
    unlink(kernel_path);
    return 0;
}

/* Parses TEXT as xl.cfg (after substituting KERNEL for @K@), then validates. */
static int load_xl(const char *text, struct domain_config *cfg,
                   struct config_error *err)
{
    char buf[4096];
    const char *mark = strstr(text, "@K@");
    int rc;

    if (mark)
        snprintf(buf, sizeof(buf), "%.*s%s%s", (int)(mark - text), text,
                 kernel_path, mark + 3);
    else
        snprintf(buf, sizeof(buf), "%s", text);
    domain_config_init(cfg, "t.cfg");
    rc = xl_cfg_parse("t.cfg", buf, strlen(buf), cfg, err);
    if (rc == 0) {
        domain_config_apply_defaults(cfg);
        rc = config_validate(cfg, err);
    }
    return rc;
}

static int load_xml(const char *text, struct domain_config *cfg,
                    struct config_error *err)
{
    char buf[4096];
    const char *mark = strstr(text, "@K@");
    int rc;

    snprintf(buf, sizeof(buf), "%.*s%s%s", (int)(mark - text), text, kernel_path,
             mark + 3);
    domain_config_init(cfg, "t.xml");
    rc = libvirt_xml_parse("t.xml", buf, strlen(buf), cfg, err);
    if (rc == 0) {
        domain_config_apply_defaults(cfg);
        rc = config_validate(cfg, err);
    }
    return rc;
}

static char *print_to_string(const struct domain_config *cfg)
{
    char *text = NULL;
    size_t len = 0;
    FILE *out = open_memstream(&text, &len);

    domain_config_print(out, cfg);
    fclose(out);
    return text;
}

static void test_parse_u64(void **state)
{
    uint64_t v;

    (void)state;
    assert_int_equal(config_parse_u64("0", &v), 0);
    assert_int_equal(v, 0);
    assert_int_equal(config_parse_u64("18446744073709551615", &v), 0);
    assert_true(v == UINT64_MAX);
    assert_int_equal(config_parse_u64("18446744073709551616", &v), -1);
    assert_int_equal(config_parse_u64("", &v), -1);
    assert_int_equal(config_parse_u64("-1", &v), -1);
    assert_int_equal(config_parse_u64("12q", &v), -1);
    assert_int_equal(config_parse_u64(" 1", &v), -1);
}

static void test_parse_uuid(void **state)
{
    uint8_t u[16];

    (void)state;
    assert_int_equal(config_parse_uuid("6c1e0a1e-7a3b-4d5c-9e2f-0123456789ab", u), 0);
    assert_int_equal(u[0], 0x6c);
    assert_int_equal(u[15], 0xab);
    assert_int_equal(config_parse_uuid("6c1e0a1e7a3b4d5c9e2f0123456789AB", u), 0);
    assert_int_equal(u[15], 0xab);
    assert_int_equal(config_parse_uuid("6c1e0a1e-7a3b-4d5c-9e2f-0123456789a", u), -1);
    assert_int_equal(config_parse_uuid("6c1e0a1e-7a3b-4d5c-9e2f+0123456789ab", u), -1);
    assert_int_equal(config_parse_uuid("6c1e0a1e-7a3b-4d5c-9e2f-0123456789ag", u), -1);
}

static void test_parse_mac(void **state)
{
    uint8_t mac[6];
    char why[128];

    (void)state;
    assert_int_equal(config_parse_mac("00:16:3E:0a:00:ff", mac, why, sizeof(why)), 0);
    assert_memory_equal(mac, "\x00\x16\x3e\x0a\x00\xff", 6);
    assert_int_equal(config_parse_mac("00:16:3e:0a:00", mac, why, sizeof(why)), -1);
    assert_int_equal(config_parse_mac("00:16:3e:0a:00:ff:1", mac, why, sizeof(why)), -1);
    assert_int_equal(config_parse_mac("03:16:3e:0a:00:ff", mac, why, sizeof(why)), -1);
    assert_non_null(strstr(why, "multicast"));
}

static void test_vdev_names(void **state)
{
    (void)state;
    assert_true(config_vdev_is_valid("xvda"));
    assert_true(config_vdev_is_valid("xvdaa"));
    assert_true(config_vdev_is_valid("sdb"));
    assert_false(config_vdev_is_valid("xvd"));
    assert_false(config_vdev_is_valid("xvd1"));
    assert_false(config_vdev_is_valid("vda"));
    assert_false(config_vdev_is_valid("xvdabcd"));
}

static void test_cpu_set_round_trip(void **state)
{
    struct cpu_set set;
    char why[128], text[128];

    (void)state;
    cpu_set_clear(&set);
    assert_int_equal(cpu_set_parse("0-3,^2,7,64-65", &set, why, sizeof(why)), 0);
    assert_int_equal(cpu_set_count(&set), 6);
    assert_false(cpu_set_has(&set, 2));
    assert_int_equal(cpu_set_last(&set), 65);
    cpu_set_format(&set, text, sizeof(text));
    assert_string_equal(text, "0-1,3,7,64-65");
    cpu_set_clear(&set);
    assert_int_equal(cpu_set_parse("all", &set, why, sizeof(why)), 0);
    cpu_set_format(&set, text, sizeof(text));
    assert_string_equal(text, "all");
}

static void test_cpu_set_errors(void **state)
{
    struct cpu_set set;
    char why[128];

    (void)state;
    cpu_set_clear(&set);
    assert_int_equal(cpu_set_parse("", &set, why, sizeof(why)), -1);
    assert_int_equal(cpu_set_parse("1,", &set, why, sizeof(why)), -1);
    assert_int_equal(cpu_set_parse("5-2", &set, why, sizeof(why)), -1);
    assert_string_equal(why, "CPU range 5-2 is backwards");
    assert_int_equal(cpu_set_parse("512", &set, why, sizeof(why)), -1);
    assert_int_equal(cpu_set_parse("1;2", &set, why, sizeof(why)), -1);
    cpu_set_clear(&set);
    assert_int_equal(cpu_set_parse("^3", &set, why, sizeof(why)), -1);
    assert_non_null(strstr(why, "selects no CPU"));
}

static void test_disk_spec_forms(void **state)
{
    struct disk_config d;
    char why[256];

    (void)state;
    memset(&d, 0, sizeof(d));
    assert_int_equal(disk_spec_parse("/srv/a.img,raw,xvda,ro", &d, why, sizeof(why)), 0);
    assert_string_equal(d.target, "/srv/a.img");
    assert_string_equal(d.vdev, "xvda");
    assert_true(d.readonly);
    free(d.target);

    memset(&d, 0, sizeof(d));
    assert_int_equal(disk_spec_parse(" format=raw, vdev=xvdc, access=w, "
                                     "target=/srv/odd, name.img ", &d, why,
                                     sizeof(why)), 0);
    assert_string_equal(d.target, "/srv/odd, name.img");
    assert_string_equal(d.vdev, "xvdc");
    assert_false(d.readonly);
    free(d.target);

    memset(&d, 0, sizeof(d));
    assert_int_equal(disk_spec_parse("/srv/b.img,,xvdb", &d, why, sizeof(why)), 0);
    assert_string_equal(d.vdev, "xvdb");
    free(d.target);

    memset(&d, 0, sizeof(d));
    assert_int_equal(disk_spec_parse("vdev=xvda,vdev=xvdb,target=/x", &d, why,
                                     sizeof(why)), -1);
    assert_string_equal(why, "disk parameter \"vdev\" given twice");
    free(d.target);

    memset(&d, 0, sizeof(d));
    assert_int_equal(disk_spec_parse("/a,raw,xvda,rw,extra", &d, why, sizeof(why)), -1);
    assert_non_null(strstr(why, "too many positional"));
    free(d.target);
}

static void test_vif_spec(void **state)
{
    struct vif_config v;
    char why[256];

    (void)state;
    memset(&v, 0, sizeof(v));
    assert_int_equal(vif_spec_parse("", &v, why, sizeof(why)), 0);
    assert_false(v.has_mac);
    assert_null(v.bridge);
    assert_int_equal(vif_spec_parse(" bridge=br0 , mac=00:16:3e:00:00:09", &v, why,
                                    sizeof(why)), 0);
    assert_string_equal(v.bridge, "br0");
    assert_int_equal(v.mac[5], 9);
    free(v.bridge);
    memset(&v, 0, sizeof(v));
    assert_int_equal(vif_spec_parse("bridge", &v, why, sizeof(why)), -1);
    assert_non_null(strstr(why, "key=value"));
    assert_int_equal(vif_spec_parse("bridge=a/b", &v, why, sizeof(why)), -1);
}

static void test_xl_full_syntax(void **state)
{
    struct domain_config cfg;
    struct config_error err;
    const char *text =
        "# comment line\n"
        "name = 'web' ; memory = \"512\"   # two statements\n"
        "kernel = \"@K@\"\n"
        "extra = \"console=hvc0 \\\"quoted\\\"\"\n"
        "root = '/dev/xvda1'\n"
        "maxmem = 1024\n"
        "vcpus = 2\n"
        "maxvcpus = 4\n"
        "cpus = [ \"0\", \"2-3\" ]\n"
        "cap = 150\n"
        "on_reboot = 'destroy'\n"
        "disk = [\n"
        "    '/srv/web.img,raw,xvda,rw',  # trailing comment\n"
        "]\n"
        "vif = [ '' ]\n";

    (void)state;
    assert_int_equal(load_xl(text, &cfg, &err), 0);
    assert_string_equal(cfg.name, "web");
    assert_int_equal(cfg.memory_mib, 512);
    assert_int_equal(cfg.maxmem_mib, 1024);
    assert_string_equal(cfg.cmdline, "root=/dev/xvda1 console=hvc0 \"quoted\"");
    assert_int_equal(cfg.origin[FIELD_CMDLINE].line, 4);
    assert_int_equal(cfg.vcpus, 2);
    assert_int_equal(cfg.maxvcpus, 4);
    assert_int_equal(cpu_set_count(&cfg.cpus), 3);
    assert_int_equal(cfg.cap, 150);
    assert_int_equal(cfg.on_reboot, ACTION_DESTROY);
    assert_int_equal(cfg.n_disks, 1);
    assert_int_equal(cfg.disks[0].origin.line, 13);
    assert_int_equal(cfg.n_vifs, 1);
    assert_int_equal(cfg.origin[FIELD_MEMORY].line, 2);
    domain_config_free(&cfg);
}

static void test_xl_defaults(void **state)
{
    struct domain_config cfg;
    struct config_error err;

    (void)state;
    assert_int_equal(load_xl("name=\"a\"\nmemory=64\nkernel=\"@K@\"", &cfg, &err), 0);
    assert_int_equal(cfg.maxmem_mib, 64);
    assert_int_equal(cfg.vcpus, 1);
    assert_int_equal(cfg.maxvcpus, 1);
    assert_int_equal(cfg.cpu_weight, 256);
    assert_int_equal(cfg.on_poweroff, ACTION_DESTROY);
    assert_int_equal(cfg.on_reboot, ACTION_RESTART);
    assert_int_equal(cfg.on_crash, ACTION_DESTROY);
    assert_null(cfg.cmdline);
    assert_true(cpu_set_is_empty(&cfg.cpus));
    domain_config_free(&cfg);
}

static void test_xl_errors_name_the_line(void **state)
{
    struct domain_config cfg;
    struct config_error err;

    (void)state;
    assert_int_equal(load_xl("name=\"a\"\n\n\nmemory = 12q\n", &cfg, &err), -1);
    assert_string_equal(err.message,
                        "t.cfg:4: memory: invalid size \"12q\": expected a number of MiB");
    domain_config_free(&cfg);
    assert_int_equal(load_xl("name=\"a\"\nmemory = [ 1 ]\n", &cfg, &err), -1);
    assert_string_equal(err.message,
                        "t.cfg:2: memory: expected a number of MiB, got a list");
    domain_config_free(&cfg);
    assert_int_equal(load_xl("name=\"a\"\nmemory=64\nkernel=\"@K@\"\nvcpus=3\n"
                             "maxvcpus=2\n", &cfg, &err), -1);
    assert_string_equal(err.message, "t.cfg:4: vcpus: 3 is more than maxvcpus (2)");
    domain_config_free(&cfg);
    assert_int_equal(load_xl("name=\"a\"\nvif = [ 'mac=1' ; ]\n", &cfg, &err), -1);
    assert_non_null(strstr(err.message, "t.cfg:2: expected ',' or ']'"));
    domain_config_free(&cfg);
    assert_int_equal(load_xl("name=\"a\"\n= 3\n", &cfg, &err), -1);
    assert_string_equal(err.message, "t.cfg:2: expected a key name, found '='");
    domain_config_free(&cfg);
}

static void test_xl_rejects_nul_bytes(void **state)
{
    struct domain_config cfg;
    struct config_error err;
    const char text[] = "name = \"a\"\nmem\0ory = 64\n";

    (void)state;
    domain_config_init(&cfg, "t.cfg");
    assert_int_equal(xl_cfg_parse("t.cfg", text, sizeof(text) - 1, &cfg, &err), -1);
    assert_string_equal(err.message, "t.cfg:2: NUL byte in file (not a text config)");
    domain_config_free(&cfg);
}

static const char *const same_domain_xl =
    "name = \"same\"\nuuid = \"00112233-4455-6677-8899-aabbccddeeff\"\n"
    "kernel = \"@K@\"\ncmdline = \"console=hvc0\"\nmemory = 128\nmaxmem = 256\n"
    "vcpus = 1\nmaxvcpus = 2\ncpus = \"1\"\ncpu_weight = 100\n"
    "on_poweroff = \"preserve\"\n"
    "disk = [ 'vdev=xvda, target=/dev/vg/same' ]\n"
    "vif = [ 'bridge=xenbr0' ]\n";

static const char *const same_domain_xml =
    "<domain type='xen'>\n"
    "  <name>same</name>\n  <uuid>00112233445566778899aabbccddeeff</uuid>\n"
    "  <memory unit='KiB'>262144</memory>\n"
    "  <currentMemory unit='M'>128</currentMemory>\n"
    "  <vcpu placement='static' current='1' cpuset='1'>2</vcpu>\n"
    "  <os><type>linux</type><kernel>@K@</kernel><cmdline>console=hvc0</cmdline></os>\n"
    "  <on_poweroff>preserve</on_poweroff>\n"
    "  <cputune><shares>100</shares></cputune>\n"
    "  <devices><disk type='block'><source dev='/dev/vg/same'/>"
    "<target dev='xvda'/></disk>\n"
    "  <interface type='bridge'><source bridge='xenbr0'/></interface></devices>\n"
    "</domain>\n";

static void test_formats_print_identically(void **state)
{
    struct domain_config a, b;
    struct config_error err;
    char *text_a, *text_b;

    (void)state;
    assert_int_equal(load_xl(same_domain_xl, &a, &err), 0);
    if (load_xml(same_domain_xml, &b, &err) < 0)
        fail_msg("%s", err.message);
    text_a = print_to_string(&a);
    text_b = print_to_string(&b);
    assert_string_equal(text_a, text_b);
    assert_non_null(strstr(text_a, "uuid = \"00112233-4455-6677-8899-aabbccddeeff\"\n"));
    assert_non_null(strstr(text_a, "memory = 128\nmaxmem = 256\n"));
    free(text_a);
    free(text_b);
    domain_config_free(&a);
    domain_config_free(&b);
}

static void test_xml_errors_name_the_element(void **state)
{
    struct domain_config cfg;
    struct config_error err;

    (void)state;
    assert_int_equal(load_xml("<domain type='xen'>\n<name>x</name>\n"
                              "<memory unit='MiB'>64</memory>\n<os><kernel>@K@</kernel>"
                              "</os>\n<devices>\n<interface type='bridge'>\n"
                              "<source bridge='b'/><mac address='zz'/>\n"
                              "</interface>\n</devices></domain>", &cfg, &err), -1);
    assert_non_null(strstr(err.message,
                           "t.xml:7: /domain/devices/interface/mac: invalid MAC address \"zz\""));
    domain_config_free(&cfg);
    assert_int_equal(load_xml("<domain type='xen'><name>x</name>"
                              "<os><kernel>@K@</kernel><bogus/></os></domain>", &cfg,
                              &err), -1);
    assert_string_equal(err.message, "t.xml:1: /domain/os/bogus: unsupported element "
                        "<bogus> (not in the PV subset)");
    domain_config_free(&cfg);
    assert_int_equal(load_xml("<domain type='xen'><name>x<b/></name>@K@</domain>",
                              &cfg, &err), -1);
    assert_string_equal(err.message, "t.xml:1: /domain/name/b: unexpected element "
                        "<b> inside <name>");
    domain_config_free(&cfg);
}

static void test_xml_refuses_external_entities(void **state)
{
    struct domain_config cfg;
    struct config_error err;
    const char *text =
        "<!DOCTYPE domain [ <!ENTITY x SYSTEM \"file:///etc/passwd\"> ]>\n"
        "<domain type='xen'><name>&x;</name><os><kernel>@K@</kernel></os>"
        "<memory unit='MiB'>64</memory></domain>";

    (void)state;
    /* Either refused or left unexpanded: the file must never become the name. */
    if (load_xml(text, &cfg, &err) == 0)
        fail_msg("external entity accepted; name is \"%s\"", cfg.name);
    assert_null(strstr(err.message, "root:"));
    domain_config_free(&cfg);
}

static void test_validation_rules(void **state)
{
    struct domain_config cfg;
    struct config_error err;

    (void)state;
    assert_int_equal(load_xl("name=\"-x\"\nmemory=64\nkernel=\"@K@\"", &cfg, &err), -1);
    assert_string_equal(err.message, "t.cfg:1: name: \"-x\" must not start with '-'");
    domain_config_free(&cfg);
    assert_int_equal(load_xl("name=\"x\"\nmemory=16\nkernel=\"@K@\"\ncap=100", &cfg, &err), 0);
    domain_config_free(&cfg);
    assert_int_equal(load_xl("name=\"x\"\nmemory=16\nkernel=\"@K@\"\ncap=101", &cfg, &err), -1);
    domain_config_free(&cfg);
    assert_int_equal(load_xl("name=\"x\"\nmemory=16\nkernel=\"@K@\"\n"
                             "disk=['/a,raw,xvda','/b,raw,xvdb']", &cfg, &err), 0);
    domain_config_free(&cfg);
    assert_int_equal(load_xl("name=\"x\"\nmemory=1048577\nkernel=\"@K@\"", &cfg, &err), -1);
    assert_non_null(strstr(err.message, "above the maximum"));
    domain_config_free(&cfg);
}

/* Which action a shutdown leads to: each reason its own key, a watchdog a crash. */
static void test_shutdown_reasons_pick_their_action(void **state)
{
    struct domain_config cfg;
    struct config_error err;

    (void)state;
    assert_int_equal(load_xl("name=\"x\"\nmemory=16\nkernel=\"@K@\"\n"
                             "on_poweroff=\"preserve\"\non_reboot=\"rename-restart\"\n"
                             "on_crash=\"restart\"", &cfg, &err), 0);
    assert_int_equal(domain_action_for_shutdown(&cfg, SHUTDOWN_poweroff), ACTION_PRESERVE);
    assert_int_equal(domain_action_for_shutdown(&cfg, SHUTDOWN_reboot),
                     ACTION_RENAME_RESTART);
    assert_int_equal(domain_action_for_shutdown(&cfg, SHUTDOWN_crash), ACTION_RESTART);
    assert_int_equal(domain_action_for_shutdown(&cfg, SHUTDOWN_watchdog), ACTION_RESTART);
    assert_int_equal(domain_action_for_shutdown(&cfg, SHUTDOWN_suspend), ACTION_PRESERVE);
    assert_int_equal(domain_action_for_shutdown(&cfg, SHUTDOWN_soft_reset), ACTION_PRESERVE);
    domain_config_free(&cfg);
    /* Xen's defaults: destroy on poweroff and crash, restart on reboot. */
    assert_int_equal(load_xl("name=\"x\"\nmemory=16\nkernel=\"@K@\"", &cfg, &err), 0);
    assert_int_equal(domain_action_for_shutdown(&cfg, SHUTDOWN_poweroff), ACTION_DESTROY);
    assert_int_equal(domain_action_for_shutdown(&cfg, SHUTDOWN_reboot), ACTION_RESTART);
    assert_int_equal(domain_action_for_shutdown(&cfg, SHUTDOWN_crash), ACTION_DESTROY);
    domain_config_free(&cfg);
}

/* Xen's core-dump and soft-reset actions are refused by name, not as unknown. */
static void test_unsupported_actions_say_why(void **state)
{
    char why[256];

    (void)state;
    domain_action_refusal("coredump-restart", why, sizeof(why));
    assert_non_null(strstr(why, "\"coredump-restart\" is not supported: lintel writes no core dumps"));
    domain_action_refusal("soft-reset", why, sizeof(why));
    assert_non_null(strstr(why, "\"soft-reset\" is not supported"));
    domain_action_refusal("reboot", why, sizeof(why));
    assert_string_equal(why, "invalid action \"reboot\": expected one of destroy, restart, "
                             "rename-restart, preserve");
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_parse_u64),
        cmocka_unit_test(test_parse_uuid),
        cmocka_unit_test(test_parse_mac),
        cmocka_unit_test(test_vdev_names),
        cmocka_unit_test(test_cpu_set_round_trip),
        cmocka_unit_test(test_cpu_set_errors),
        cmocka_unit_test(test_disk_spec_forms),
        cmocka_unit_test(test_vif_spec),
        cmocka_unit_test(test_xl_full_syntax),
        cmocka_unit_test(test_xl_defaults),
        cmocka_unit_test(test_xl_errors_name_the_line),
        cmocka_unit_test(test_xl_rejects_nul_bytes),
        cmocka_unit_test(test_formats_print_identically),
        cmocka_unit_test(test_xml_errors_name_the_element),
        cmocka_unit_test(test_xml_refuses_external_entities),
        cmocka_unit_test(test_validation_rules),
        cmocka_unit_test(test_shutdown_reasons_pick_their_action),
        cmocka_unit_test(test_unsupported_actions_say_why),
    };

    return cmocka_run_group_tests_name("config", tests, make_kernel_file,
                                       remove_kernel_file);
}
