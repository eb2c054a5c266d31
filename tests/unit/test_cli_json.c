/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The CLI's JSON writer (lib/cli/json.c) alone, on a cmdline whose output goes to a memfd:
 * nesting and commas, string escaping, and the error and result replies of both modes.
 * No EAL: DPDK's cmdline library needs none.
 */
#define _GNU_SOURCE /* memfd_create */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include "../../lib/cli/cli_priv.h"

#include <cmocka.h>

/* json.c reports a failure's errno to the server (server.c), faked here. */
static int last_status;

void
vsw_cli_set_status(int rc)
{
	last_status = rc;
}

static cmdline_parse_ctx_t no_commands[] = {NULL};

struct out {
	int fd;
	struct cmdline *cl;
	char text[1024];
};

static int
setup(void **state)
{
	static struct out o;

	o.fd = memfd_create("test-cli-json", 0);
	assert_true(o.fd >= 0);
	o.cl = cmdline_new(no_commands, "", o.fd, o.fd);
	assert_non_null(o.cl);
	last_status = 0;
	vsw_cli_set_json(false);
	*state = &o;
	return 0;
}

static int
teardown(void **state)
{
	struct out *o = *state;

	cmdline_free(o->cl); /* closes o->fd */
	return 0;
}

/* Everything written so far. */
static const char *
written(struct out *o)
{
	ssize_t n = pread(o->fd, o->text, sizeof(o->text) - 1, 0);

	assert_true(n >= 0);
	o->text[n] = '\0';
	return o->text;
}

static void
test_nesting_and_commas(void **state)
{
	struct out *o = *state;
	struct vsw_json j;

	vsw_json_begin(&j, o->cl);
	vsw_json_arr(&j, "ports");
	vsw_json_obj(&j, NULL);
	vsw_json_u64(&j, "id", 0);
	vsw_json_str(&j, "name", "vm1");
	vsw_json_close(&j, '}');
	vsw_json_obj(&j, NULL);
	vsw_json_u64(&j, "id", UINT64_MAX);
	vsw_json_bool(&j, "up", false);
	vsw_json_close(&j, '}');
	vsw_json_close(&j, ']');
	vsw_json_arr(&j, "empty");
	vsw_json_close(&j, ']');
	vsw_json_bool(&j, "ok", true);
	vsw_json_end(&j);
	assert_string_equal(written(o), "{\"ports\":[{\"id\":0,\"name\":\"vm1\"},"
	                                "{\"id\":18446744073709551615,\"up\":false}],"
	                                "\"empty\":[],\"ok\":true}\n");
}

static void
test_strings_escaped(void **state)
{
	struct out *o = *state;
	struct vsw_json j;

	vsw_json_begin(&j, o->cl);
	vsw_json_str(&j, "a\"b", "q\"uote \\ back\nnew\ttab\x01");
	vsw_json_end(&j);
	assert_string_equal(written(o),
	                    "{\"a\\\"b\":\"q\\\"uote \\\\ back\\u000anew\\u0009tab\\u0001\"}\n");
}

static void
test_error_text_and_json(void **state)
{
	struct out *o = *state;

	vsw_cli_error(o->cl, -ENOENT, "port %s: no such port", "vm9");
	assert_int_equal(last_status, -ENOENT);
	vsw_cli_set_json(true);
	vsw_cli_error(o->cl, -EINVAL, "bad \"%s\"", "x");
	assert_int_equal(last_status, -EINVAL);
	assert_string_equal(written(o), "error: port vm9: no such port\n"
	                                "{\"error\":\"bad \\\"x\\\"\",\"errno\":-22}\n");
}

static void
test_result_text_and_json(void **state)
{
	struct out *o = *state;

	vsw_cli_done(o->cl, "port %s created", "vm1");
	vsw_cli_set_json(true);
	assert_true(vsw_cli_is_json());
	vsw_cli_done(o->cl, "pmd stats cleared");
	assert_int_equal(last_status, 0);
	assert_string_equal(written(o), "port vm1 created\n{\"result\":\"pmd stats cleared\"}\n");
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
	        cmocka_unit_test_setup_teardown(test_nesting_and_commas, setup, teardown),
	        cmocka_unit_test_setup_teardown(test_strings_escaped, setup, teardown),
	        cmocka_unit_test_setup_teardown(test_error_text_and_json, setup, teardown),
	        cmocka_unit_test_setup_teardown(test_result_text_and_json, setup, teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
